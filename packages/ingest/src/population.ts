import { FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES, USER_AGENTS, mojibake } from './people.ts';
import type { Level } from './pages.ts';
import { Prng } from './prng.ts';
import { US_CITIES } from './us-cities.ts';
import type { City } from './us-cities.ts';

/** One simulated listener (or, when `userId` is null, an anonymous guest). */
export interface SimUser {
  readonly index: number;
  readonly userId: number | null;
  readonly firstName: string;
  readonly lastName: string;
  readonly gender: 'M' | 'F';
  readonly registration: number;
  readonly home: City;
  /** As it appears in events: wrapped in literal quotes when it contains a comma, as Eventsim writes it. */
  readonly userAgent: string;
  /** Mean time between sessions at peak hours, ms: the user's pace. */
  readonly sessionGapMs: number;
  /** Mean time on a page other than a song, ms. */
  readonly thinkMs: number;
  /** The user's own stream, so one user's events do not depend on how the others interleave. */
  readonly rng: Prng;
  level: Level;
  loggedIn: boolean;
}

const DAY_MS = 86_400_000;
/** Share of the population that browses without an account. */
const GUEST_SHARE = 0.03;

export function createPopulation(users: number, startMs: number, seed: number): SimUser[] {
  const rng = new Prng(seed);
  const out: SimUser[] = [];
  let nextId = 1;
  for (let index = 0; index < users; index++) {
    const own = rng.fork();
    const guest = own.chance(GUEST_SHARE);
    const gender = own.chance(0.5) ? 'F' : 'M';
    let lastName = own.pick(LAST_NAMES);
    if (/[^\x00-\x7f]/.test(lastName) && own.chance(0.3)) lastName = mojibake(lastName);
    const ua = own.pick(USER_AGENTS);
    const sessionsPerDay = Math.exp(Math.log(2) + 0.6 * own.normal());
    out.push({
      index,
      userId: guest ? null : nextId++,
      firstName: own.pick(gender === 'F' ? FIRST_NAMES_F : FIRST_NAMES_M),
      lastName,
      gender,
      // Registered some time in the year before the window; whole seconds plus the odd millisecond, like real signups.
      registration: startMs - own.range(1, 365 * 24 * 3600) * 1000 - own.int(1000),
      home: own.pick(US_CITIES),
      userAgent: ua.includes(',') ? `"${ua}"` : ua,
      sessionGapMs: DAY_MS / sessionsPerDay / 1.6,
      thinkMs: Math.exp(Math.log(25_000) + 0.5 * own.normal()),
      rng: own,
      level: !guest && own.chance(0.2) ? 'paid' : 'free',
      loggedIn: !guest && own.chance(0.85),
    });
  }
  return out;
}

/**
 * Relative activity at a moment for a user at longitude `lon`, in (0, 1]: a daily cycle
 * peaking in the local late afternoon and evening, quieter at night and at weekends.
 */
export function activity(ms: number, lon: number): number {
  const local = ms + Math.round(lon / 15) * 3_600_000;
  const hour = (local % DAY_MS) / 3_600_000;
  const daily = 0.2 + 0.8 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 5)) / 24));
  const weekday = new Date(local).getUTCDay();
  return weekday === 0 || weekday === 6 ? daily * 0.7 : daily;
}
