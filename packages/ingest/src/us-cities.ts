/**
 * Real US cities with one of their ZIP codes and its approximate coordinates: the home
 * locations of generated users. A few city names repeat across states (Springfield,
 * Portland, Columbus, Kansas City) and a few cities have two ZIP codes, as real data does,
 * so that location keys must use city, state and coordinates together.
 */
export interface City {
  readonly city: string;
  readonly state: string;
  readonly zip: string;
  readonly lat: number;
  readonly lon: number;
}

const rows: readonly [string, string, string, number, number][] = [
  ['New York', 'NY', '10001', 40.7506, -73.9972], ['New York', 'NY', '10025', 40.7987, -73.9666],
  ['Brooklyn', 'NY', '11201', 40.6940, -73.9903], ['Buffalo', 'NY', '14201', 42.8964, -78.8862],
  ['Los Angeles', 'CA', '90012', 34.0614, -118.2385], ['Los Angeles', 'CA', '90026', 34.0766, -118.2646],
  ['San Francisco', 'CA', '94103', 37.7725, -122.4147], ['San Diego', 'CA', '92101', 32.7194, -117.1628],
  ['San Jose', 'CA', '95112', 37.3440, -121.8834], ['Sacramento', 'CA', '95814', 38.5804, -121.4922],
  ['Fresno', 'CA', '93721', 36.7326, -119.7845], ['Chicago', 'IL', '60614', 41.9227, -87.6533],
  ['Chicago', 'IL', '60601', 41.8858, -87.6181], ['Springfield', 'IL', '62701', 39.8000, -89.6494],
  ['Springfield', 'MO', '65806', 37.2054, -93.2994], ['Springfield', 'MA', '01103', 42.1029, -72.5887],
  ['Houston', 'TX', '77002', 29.7560, -95.3652], ['Dallas', 'TX', '75201', 32.7903, -96.8044],
  ['Austin', 'TX', '78701', 30.2713, -97.7426], ['San Antonio', 'TX', '78205', 29.4237, -98.4884],
  ['El Paso', 'TX', '79901', 31.7587, -106.4869], ['Phoenix', 'AZ', '85004', 33.4515, -112.0686],
  ['Tucson', 'AZ', '85701', 32.2163, -110.9707], ['Philadelphia', 'PA', '19103', 39.9528, -75.1741],
  ['Pittsburgh', 'PA', '15222', 40.4495, -79.9885], ['Jacksonville', 'FL', '32202', 30.3299, -81.6514],
  ['Miami', 'FL', '33130', 25.7677, -80.2051], ['Tampa', 'FL', '33602', 27.9517, -82.4588],
  ['Orlando', 'FL', '32801', 28.5421, -81.3790], ['Columbus', 'OH', '43215', 39.9653, -83.0124],
  ['Columbus', 'GA', '31901', 32.4699, -84.9800], ['Cleveland', 'OH', '44113', 41.4821, -81.6936],
  ['Cincinnati', 'OH', '45202', 39.1072, -84.5020], ['Indianapolis', 'IN', '46204', 39.7713, -86.1571],
  ['Charlotte', 'NC', '28202', 35.2286, -80.8453], ['Raleigh', 'NC', '27601', 35.7731, -78.6346],
  ['Seattle', 'WA', '98101', 47.6114, -122.3305], ['Spokane', 'WA', '99201', 47.6630, -117.4361],
  ['Denver', 'CO', '80202', 39.7530, -104.9992], ['Boulder', 'CO', '80302', 40.0176, -105.2797],
  ['Washington', 'DC', '20001', 38.9101, -77.0177], ['Washington', 'DC', '20009', 38.9193, -77.0374],
  ['Boston', 'MA', '02108', 42.3576, -71.0646], ['Nashville', 'TN', '37203', 36.1504, -86.7896],
  ['Memphis', 'TN', '38103', 35.1474, -90.0525], ['Detroit', 'MI', '48226', 42.3314, -83.0494],
  ['Grand Rapids', 'MI', '49503', 42.9634, -85.6630], ['Portland', 'OR', '97205', 45.5206, -122.6960],
  ['Portland', 'ME', '04101', 43.6614, -70.2553], ['Las Vegas', 'NV', '89101', 36.1725, -115.1224],
  ['Reno', 'NV', '89501', 39.5260, -119.8115], ['Louisville', 'KY', '40202', 38.2553, -85.7515],
  ['Lexington', 'KY', '40507', 38.0465, -84.4961], ['Baltimore', 'MD', '21202', 39.2964, -76.6075],
  ['Milwaukee', 'WI', '53202', 43.0485, -87.8985], ['Madison', 'WI', '53703', 43.0767, -89.3790],
  ['Albuquerque', 'NM', '87102', 35.0820, -106.6476], ['Santa Fe', 'NM', '87501', 35.6870, -105.9378],
  ['Oklahoma City', 'OK', '73102', 35.4709, -97.5192], ['Tulsa', 'OK', '74105', 36.0980, -95.9690],
  ['Kansas City', 'MO', '64105', 39.1025, -94.5895], ['Kansas City', 'KS', '66101', 39.1152, -94.6270],
  ['Wichita', 'KS', '67202', 37.6872, -97.3355], ['Omaha', 'NE', '68102', 41.2626, -95.9337],
  ['Lincoln', 'NE', '68508', 40.8150, -96.7058], ['Atlanta', 'GA', '30303', 33.7526, -84.3895],
  ['Savannah', 'GA', '31401', 32.0740, -81.0920], ['Minneapolis', 'MN', '55401', 44.9845, -93.2707],
  ['Saint Paul', 'MN', '55102', 44.9353, -93.1225], ['New Orleans', 'LA', '70112', 29.9566, -90.0776],
  ['Baton Rouge', 'LA', '70802', 30.4445, -91.1755], ['Honolulu', 'HI', '96813', 21.3133, -157.8508],
  ['Anchorage', 'AK', '99501', 61.2168, -149.8772], ['Salt Lake City', 'UT', '84111', 40.7566, -111.8846],
  ['Boise', 'ID', '83702', 43.6321, -116.2050], ['Billings', 'MT', '59101', 45.7743, -108.5006],
  ['Fargo', 'ND', '58102', 46.9221, -96.8315], ['Sioux Falls', 'SD', '57104', 43.5615, -96.7368],
  ['Cheyenne', 'WY', '82001', 41.1400, -104.7927], ['Des Moines', 'IA', '50309', 41.5863, -93.6250],
  ['Little Rock', 'AR', '72201', 34.7457, -92.2797], ['Jackson', 'MS', '39201', 32.2929, -90.1859],
  ['Birmingham', 'AL', '35203', 33.5190, -86.8094], ['Montgomery', 'AL', '36104', 32.3765, -86.2990],
  ['Charleston', 'SC', '29401', 32.7794, -79.9375], ['Columbia', 'SC', '29201', 33.9882, -81.0300],
  ['Richmond', 'VA', '23219', 37.5407, -77.4360], ['Virginia Beach', 'VA', '23451', 36.8585, -75.9776],
  ['Charleston', 'WV', '25301', 38.3498, -81.6326], ['Newark', 'NJ', '07102', 40.7357, -74.1724],
  ['Jersey City', 'NJ', '07302', 40.7216, -74.0475], ['Wilmington', 'DE', '19801', 39.7372, -75.5483],
  ['Hartford', 'CT', '06103', 41.7670, -72.6730], ['New Haven', 'CT', '06510', 41.3083, -72.9250],
  ['Providence', 'RI', '02903', 41.8200, -71.4108], ['Manchester', 'NH', '03101', 42.9915, -71.4636],
  ['Burlington', 'VT', '05401', 44.4773, -73.2118],
];

export const US_CITIES: readonly City[] = rows.map(([city, state, zip, lat, lon]) => ({ city, state, zip, lat, lon }));
