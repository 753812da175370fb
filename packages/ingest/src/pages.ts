/** The 17 Eventsim pages, each with its fixed HTTP method and status. */
export const PAGES = {
  NextSong: ['PUT', 200],
  Login: ['PUT', 307],
  Logout: ['PUT', 307],
  'Save Settings': ['PUT', 307],
  'Submit Registration': ['PUT', 307],
  'Submit Upgrade': ['PUT', 307],
  'Submit Downgrade': ['PUT', 307],
  Cancel: ['PUT', 307],
  Error: ['GET', 404],
  Home: ['GET', 200],
  About: ['GET', 200],
  Help: ['GET', 200],
  Settings: ['GET', 200],
  Upgrade: ['GET', 200],
  Downgrade: ['GET', 200],
  Register: ['GET', 200],
  'Cancellation Confirmation': ['GET', 200],
} as const satisfies Record<string, readonly [string, number]>;

export type Page = keyof typeof PAGES;
export type Auth = 'Guest' | 'Logged In' | 'Logged Out' | 'Cancelled';
export type Level = 'free' | 'paid';
