import type { Auth, Level, Page } from './pages.ts';

/**
 * Page transitions as a Markov chain per (page, auth, level): each row lists the next pages
 * with their probabilities, and whatever probability is left ends the session. Redirects
 * (the 307 pages) are not here: they always lead to one page exactly one second later
 * (see {@link redirectTarget}).
 */
type Row = readonly (readonly [Page, number])[];
type Table = Partial<Record<Page, Row>>;

const loggedInCommon = (level: Level): Table => {
  const offer: readonly [Page, number] = level === 'free' ? ['Upgrade', 0.008] : ['Downgrade', 0.004];
  return {
    NextSong: [['NextSong', 0.9], ['Home', 0.02], offer, ['Settings', 0.004], ['Help', 0.003], ['About', 0.002], ['Logout', 0.006], ['Error', 0.001]],
    Home: [['NextSong', 0.78], ['About', 0.02], ['Help', 0.03], ['Settings', 0.03], [offer[0], 0.04], ['Logout', 0.03], ['Error', 0.005]],
    About: [['Home', 0.5], ['NextSong', 0.38]],
    Help: [['Home', 0.5], ['NextSong', 0.38], ['Error', 0.01]],
    Settings: [['Save Settings', 0.3], ['Home', 0.4], ['NextSong', 0.22]],
    Error: [['Home', 0.6], ['NextSong', 0.3]],
    Upgrade: [['Submit Upgrade', 0.35], ['Home', 0.35], ['NextSong', 0.22], ['Cancel', 0.01]],
    Downgrade: [['Submit Downgrade', 0.25], ['Cancel', 0.06], ['Home', 0.4], ['NextSong', 0.25]],
  };
};

const loggedOut: Table = {
  Home: [['Login', 0.7], ['About', 0.05], ['Help', 0.05], ['Error', 0.01]],
  About: [['Home', 0.6], ['Login', 0.2]],
  Help: [['Home', 0.6], ['Login', 0.2]],
  Error: [['Home', 0.5], ['Login', 0.2]],
};

const guest: Table = {
  Home: [['Register', 0.25], ['About', 0.1], ['Help', 0.1], ['Error', 0.01]],
  About: [['Home', 0.5], ['Register', 0.1]],
  Help: [['Home', 0.5], ['Register', 0.1]],
  Register: [['Submit Registration', 0.6], ['Home', 0.25]],
  Error: [['Home', 0.5]],
};

const TABLES: Record<string, Table> = {
  'Logged In|free': loggedInCommon('free'),
  'Logged In|paid': loggedInCommon('paid'),
  'Logged Out|free': loggedOut,
  'Logged Out|paid': loggedOut,
  'Guest|free': guest,
  'Guest|paid': guest,
};

/** Next page drawn from `u` in [0, 1), or null when the session ends. */
export function nextPage(page: Page, auth: Auth, level: Level, u: number): Page | null {
  const row = TABLES[`${auth}|${level}`]?.[page];
  if (!row) return null;
  let acc = 0;
  for (const [to, p] of row) {
    acc += p;
    if (u < acc) return to;
  }
  return null;
}

/** Where a 307 page redirects (one second later); null for pages that are not redirects. */
export function redirectTarget(page: Page): Page | null {
  switch (page) {
    case 'Login':
    case 'Logout':
    case 'Submit Upgrade':
    case 'Submit Downgrade':
    case 'Submit Registration':
      return 'Home';
    case 'Save Settings':
      return 'Settings';
    case 'Cancel':
      return 'Cancellation Confirmation';
    default:
      return null;
  }
}
