import { CATALOGUE_SEED, generateCatalogue } from './catalogue.ts';
import type { Song } from './catalogue.ts';
import { MinHeap } from '@smsql/core';
import { PAGES } from './pages.ts';
import type { Auth, Level, Page } from './pages.ts';
import { activity, createPopulation } from './population.ts';
import type { SimUser } from './population.ts';
import { cumulative, pickWeighted } from './prng.ts';
import { TOPIC_FIELDS } from './raw-schema.ts';
import type { Topic } from './raw-schema.ts';
import { nextPage, redirectTarget } from './transitions.ts';

export interface GenerateOptions {
  /** Number of simulated people (about 3% of them browse as guests without an account). */
  readonly users: number;
  /** Inclusive start of the window (a Date or an ISO string, UTC). */
  readonly start: Date | string;
  /** Exclusive end of the window. */
  readonly end: Date | string;
  /** Same seed and arguments give the same events, byte for byte. */
  readonly seed: number;
}

export interface RoutedEvent {
  readonly topic: Topic;
  readonly event: Record<string, unknown>;
}

/** Share of events whose duration is printed as a 32-bit float, as Eventsim's Float fields print. */
const FLOAT32_DURATION_RATE = 0.1;
/** Share of logins that fail (the user stays Logged Out). */
const LOGIN_FAILURE_RATE = 0.03;

interface Session {
  readonly id: number;
  item: number;
  page: Page;
  auth: Auth;
  level: Level;
  /** The page before this one, to route the event after a Login to auth_events. */
  prev: Page | null;
}

interface Slot {
  readonly user: SimUser;
  ts: number;
  session: Session | null;
}

let catalogueCache: { songs: Song[]; cum: Float64Array } | undefined;
function catalogue(): { songs: Song[]; cum: Float64Array } {
  catalogueCache ??= (() => {
    const songs = generateCatalogue(CATALOGUE_SEED);
    return { songs, cum: cumulative(songs.map((s) => s.plays)) };
  })();
  return catalogueCache;
}

/** Parses a window bound, naming the option when it is not a date. */
export function toMs(v: Date | string, name: string): number {
  const ms = v instanceof Date ? v.getTime() : Date.parse(v);
  if (!Number.isFinite(ms)) throw new Error(`${name}: "${String(v)}" is not a date; use an ISO date such as 2024-06-01 or 2024-06-01T00:00:00Z`);
  return ms;
}

/**
 * Eventsim-format events for a population of simulated users over `[start, end)`, in
 * timestamp order, each routed to its topic (STREAMIFY.md section 1). A stream: memory stays
 * proportional to the number of users, not the number of events. Each page view comes first,
 * then the listen, status change or auth event derived from it (same ts).
 */
export function* generateEvents(opts: GenerateOptions): Generator<RoutedEvent> {
  const startMs = toMs(opts.start, 'start');
  const endMs = toMs(opts.end, 'end');
  if (!(endMs > startMs)) throw new Error(`end (${new Date(endMs).toISOString()}) must be after start (${new Date(startMs).toISOString()})`);
  if (!Number.isInteger(opts.users) || opts.users < 1) throw new Error(`users must be a positive integer, got ${opts.users}`);
  if (!Number.isInteger(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
  const { songs, cum } = catalogue();
  const heap = new MinHeap<Slot>((a, b) => a.ts < b.ts || (a.ts === b.ts && a.user.index < b.user.index));
  for (const user of createPopulation(opts.users, startMs, opts.seed)) {
    const ts = nextSessionStart(user, startMs);
    if (ts < endMs) heap.push({ user, ts, session: null });
  }
  let sessionCounter = 0;
  for (let slot = heap.pop(); slot; slot = heap.pop()) {
    const { user } = slot;
    const rng = user.rng;
    const s: Session = (slot.session ??= startSession(user, ++sessionCounter));
    const song = s.page === 'NextSong' ? songs[pickWeighted(rng, cum)]! : null;
    const state = eventState(user, s, slot.ts, song, rng.chance(FLOAT32_DURATION_RATE));
    yield { topic: 'page_view_events', event: project('page_view_events', state) };
    if (song) yield { topic: 'listen_events', event: project('listen_events', state) };
    if (s.page === 'Submit Upgrade' || s.page === 'Submit Downgrade') yield { topic: 'status_change_events', event: project('status_change_events', state) };
    if (s.prev === 'Login') yield { topic: 'auth_events', event: project('auth_events', { ...state, success: s.auth === 'Logged In' }) };

    const redirect = redirectTarget(s.page);
    let next: Page | null;
    let ts: number;
    if (redirect) {
      applyRedirect(user, s, rng.chance(LOGIN_FAILURE_RATE));
      next = redirect;
      ts = slot.ts + 1000;
    } else {
      next = s.page === 'Cancellation Confirmation' ? null : nextPage(s.page, s.auth, s.level, rng.float());
      // Songs play back to back: whatever comes next starts when this song ends.
      ts = song ? slot.ts + Math.round(song.duration * 1000) : slot.ts + Math.max(1000, Math.round(rng.exponential(user.thinkMs)));
    }
    if (next) {
      s.prev = s.page;
      s.page = next;
      s.item++;
      slot.ts = ts;
    } else {
      if (s.auth === 'Cancelled') continue; // a cancelled user never comes back
      user.loggedIn = s.auth === 'Logged In';
      slot.session = null;
      slot.ts = nextSessionStart(user, ts);
    }
    if (slot.ts < endMs) heap.push(slot);
  }
}

function startSession(user: SimUser, id: number): Session {
  if (user.userId === null) return { id, item: 0, page: 'Home', auth: 'Guest', level: 'free', prev: null };
  const auth: Auth = user.loggedIn ? 'Logged In' : 'Logged Out';
  const page: Page = user.loggedIn && user.rng.chance(0.5) ? 'NextSong' : 'Home';
  return { id, item: 0, page, auth, level: user.level, prev: null };
}

/** The state change a 307 page causes, visible from the page it redirects to. */
function applyRedirect(user: SimUser, s: Session, loginFails: boolean): void {
  switch (s.page) {
    case 'Login':
      s.auth = loginFails ? 'Logged Out' : 'Logged In';
      break;
    case 'Logout':
      s.auth = 'Logged Out';
      break;
    case 'Submit Upgrade':
      s.level = user.level = 'paid';
      break;
    case 'Submit Downgrade':
      s.level = user.level = 'free';
      break;
    case 'Cancel':
      s.auth = 'Cancelled';
      break;
  }
}

/**
 * Session arrivals are a Poisson process thinned by the daily and weekly activity curve:
 * candidates come at the user's peak rate and are kept with probability `activity(t)`.
 */
function nextSessionStart(user: SimUser, fromMs: number): number {
  let t = fromMs;
  for (;;) {
    t += Math.max(1000, Math.round(user.rng.exponential(user.sessionGapMs)));
    if (user.rng.float() < activity(t, user.home.lon)) return t;
  }
}

/** Every field an event of this moment can carry; {@link project} keeps what a topic shows, in Eventsim's order. */
function eventState(user: SimUser, s: Session, ts: number, song: Song | null, float32: boolean): Record<string, unknown> {
  const [method, status] = PAGES[s.page];
  const st: Record<string, unknown> = {
    ts,
    sessionId: s.id,
    page: s.page,
    auth: s.auth,
    method,
    status,
    level: s.level,
    itemInSession: s.item,
    city: user.home.city,
    zip: user.home.zip,
    state: user.home.state,
    userAgent: user.userAgent,
    lon: user.home.lon,
    lat: user.home.lat,
  };
  if (user.userId !== null && (s.auth === 'Logged In' || s.auth === 'Cancelled')) {
    st.userId = user.userId;
    st.lastName = user.lastName;
    st.firstName = user.firstName;
    st.gender = user.gender;
    st.registration = user.registration;
  }
  if (song) {
    st.artist = song.artistName;
    st.song = song.title;
    st.duration = float32 ? Math.fround(song.duration) : song.duration;
  }
  return st;
}

function project(topic: Topic, state: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of TOPIC_FIELDS[topic]) {
    const v = state[f.field];
    if (v !== undefined) out[f.field] = v;
  }
  return out;
}
