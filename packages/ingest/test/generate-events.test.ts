import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGES, TOPIC_FIELDS, generateCatalogue, generateEvents, serializeEvent, writeLake } from '../src/index.ts';
import type { Topic } from '../src/index.ts';

const WINDOW = { users: 300, start: '2024-06-01T00:00:00Z', end: '2024-06-03T00:00:00Z', seed: 7 };
const START = Date.parse(WINDOW.start);
const END = Date.parse(WINDOW.end);
const USER_FIELDS = ['userId', 'lastName', 'firstName', 'gender', 'registration'];
const SONG_FIELDS = ['artist', 'song', 'duration'];

type Ev = Record<string, unknown>;
const all: { topic: Topic; event: Ev }[] = [...generateEvents(WINDOW)];
const of = (t: Topic) => all.filter((e) => e.topic === t).map((e) => e.event);

describe('generateEvents determinism', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'sm-lake-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const opts = { users: 50, start: '2024-06-01', end: '2024-06-01T12:00:00Z', seed: 11 };
  const read = (dir: string, files: string[]) => files.map((f) => [relative(dir, f), readFileSync(f, 'utf8')] as const);

  it('writes byte-identical lakes for the same seed and arguments, and different ones for another seed', async () => {
    const [a, b, c] = [tmp(), tmp(), tmp()];
    const ra = await writeLake({ ...opts, outDir: a });
    const rb = await writeLake({ ...opts, outDir: b });
    const rc = await writeLake({ ...opts, seed: 12, outDir: c });
    expect(ra.files.length).toBeGreaterThan(10);
    expect(read(b, rb.files)).toEqual(read(a, ra.files));
    expect(rb.counts).toEqual(ra.counts);
    expect(read(c, rc.files)).not.toEqual(read(a, ra.files));
  });

  it('lays files out by topic and UTC hour and counts every line', async () => {
    const d = tmp();
    const r = await writeLake({ ...opts, outDir: d });
    const lines = { listen_events: 0, page_view_events: 0, auth_events: 0, status_change_events: 0 };
    for (const f of r.files) {
      const rel = relative(d, f);
      const m = /^(\w+)\/year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})\/part-00000\.json$/.exec(rel);
      expect(m, rel).not.toBeNull();
      const text = readFileSync(f, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      for (const line of text.slice(0, -1).split('\n')) {
        const ts = new Date(JSON.parse(line).ts as number);
        expect([ts.getUTCFullYear(), ts.getUTCMonth() + 1, ts.getUTCDate(), ts.getUTCHours()]).toEqual([+m![2]!, +m![3]!, +m![4]!, +m![5]!]);
        lines[m![1] as Topic]++;
      }
    }
    expect(lines).toEqual(r.counts);
  });

  it('rejects bad arguments with a message naming the option', () => {
    expect(() => [...generateEvents({ ...opts, start: 'yesterday' })]).toThrow(/start: "yesterday" is not a date/);
    expect(() => [...generateEvents({ ...opts, end: opts.start })]).toThrow(/must be after start/);
    expect(() => [...generateEvents({ ...opts, users: 0 })]).toThrow(/users must be a positive integer/);
  });
});

describe('generateEvents fields', () => {
  it('produces every topic and all 17 pages with their fixed method and status', () => {
    for (const t of ['listen_events', 'page_view_events', 'auth_events', 'status_change_events'] as const) expect(of(t).length, t).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const e of of('page_view_events')) {
      const [method, status] = PAGES[e.page as keyof typeof PAGES];
      expect([e.method, e.status], String(e.page)).toEqual([method, status]);
      seen.add(e.page as string);
    }
    expect([...seen].sort()).toEqual(Object.keys(PAGES).sort());
    expect(Object.keys(PAGES)).toHaveLength(17);
  });

  it('writes fields in Eventsim order, user fields only for Logged In and Cancelled (absent, not null)', () => {
    // Violations are collected and asserted once: an expect() per field of 27k events is slow.
    const bad: string[] = [];
    const check = (ok: boolean, what: string, e: Ev) => {
      if (!ok && bad.length < 20) bad.push(`${what}: ${serializeEvent(e)}`);
    };
    for (const { topic, event } of all) {
      const keys = Object.keys(event);
      const order = TOPIC_FIELDS[topic].map((f) => f.field).filter((f) => keys.includes(f));
      check(keys.join() === order.join(), `${topic} field order`, event);
      const showsUser = topic === 'auth_events' ? event.success === true : event.auth === 'Logged In' || event.auth === 'Cancelled';
      for (const f of USER_FIELDS) check(f in event === showsUser, `${topic} ${f} presence`, event);
      for (const v of Object.values(event)) check(v !== null, `${topic} null value`, event);
      for (const f of TOPIC_FIELDS[topic]) if (f.required) check(keys.includes(f.field), `${topic} needs ${f.field}`, event);
      if (topic === 'page_view_events') for (const f of SONG_FIELDS) check(f in event === (event.page === 'NextSong'), `song field ${f}`, event);
      check(typeof event.zip === 'string' && /^\d{5}$/.test(event.zip), 'zip', event);
      check(/^[A-Z]{2}$/.test(String(event.state)), 'state', event);
      check(Number.isInteger(event.ts) && Number.isInteger(event.sessionId) && Number.isInteger(event.itemInSession), 'integers', event);
      check(event.level === 'free' || event.level === 'paid', 'level', event);
      if ('auth' in event) check(['Guest', 'Logged In', 'Logged Out', 'Cancelled'].includes(event.auth as string), 'auth', event);
      if ('gender' in event) check(event.gender === 'M' || event.gender === 'F', 'gender', event);
      if (topic === 'listen_events') check(event.auth === 'Logged In', 'listen auth', event);
      if (topic === 'auth_events') check(!('auth' in event) && !('page' in event), 'auth event fields', event);
    }
    expect(bad).toEqual([]);
    expect(of('page_view_events').some((e) => e.auth === 'Guest' && !('userId' in e))).toBe(true);
    expect(of('page_view_events').some((e) => e.auth === 'Logged Out' && !('userId' in e))).toBe(true);
  });

  it('keeps timestamps in [start, end) and in order', () => {
    let prev = START;
    for (const { event } of all) {
      const ts = event.ts as number;
      expect(ts).toBeGreaterThanOrEqual(prev);
      expect(ts).toBeLessThan(END);
      prev = ts;
    }
  });
});

describe('generateEvents routing and sessions', () => {
  it('pairs every listen with a NextSong page view of the same moment, and only those', () => {
    const nextSongs = of('page_view_events').filter((e) => e.page === 'NextSong');
    expect(of('listen_events')).toHaveLength(nextSongs.length);
    for (let i = 0; i < all.length; i++) {
      if (all[i]!.topic !== 'listen_events') continue;
      const pv = all[i - 1]!;
      expect(pv.topic).toBe('page_view_events');
      const { page, method, status, ...rest } = pv.event;
      expect(page).toBe('NextSong');
      expect(all[i]!.event).toEqual(rest);
    }
  });

  it('emits status changes only on Submit Upgrade/Downgrade, with the level before the change', () => {
    const submits = of('page_view_events').filter((e) => e.page === 'Submit Upgrade' || e.page === 'Submit Downgrade');
    expect(of('status_change_events')).toHaveLength(submits.length);
    for (let i = 0; i < all.length; i++) {
      if (all[i]!.topic !== 'status_change_events') continue;
      const pv = all.slice(0, i).reverse().find((e) => e.topic === 'page_view_events')!.event;
      expect(['Submit Upgrade', 'Submit Downgrade']).toContain(pv.page);
      expect([all[i]!.event.ts, all[i]!.event.sessionId, all[i]!.event.level]).toEqual([pv.ts, pv.sessionId, pv.page === 'Submit Upgrade' ? 'free' : 'paid']);
    }
  });

  it('emits an auth event for the page right after each Login, success when now logged in', () => {
    const bySession = sessions();
    let logins = 0;
    for (const views of bySession.values()) {
      for (let i = 0; i + 1 < views.length; i++) {
        if (views[i]!.page !== 'Login') continue;
        logins++;
        const after = views[i + 1]!;
        const auth = of('auth_events').find((a) => a.sessionId === after.sessionId && a.itemInSession === after.itemInSession);
        expect(auth, `auth event after login in session ${String(after.sessionId)}`).toBeDefined();
        expect(auth!.ts).toBe(after.ts);
        expect(auth!.success).toBe(after.auth === 'Logged In');
      }
    }
    expect(logins).toBeGreaterThan(0);
    expect(of('auth_events')).toHaveLength(logins);
    expect(of('auth_events').some((a) => a.success === false)).toBe(true);
  });

  it('numbers items from 0 per session, redirects one second later and plays songs back to back', () => {
    let redirects = 0;
    let backToBack = 0;
    const ids = [...sessions().keys()];
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids[0]).toBe(1);
    for (const views of sessions().values()) {
      const users = new Set(views.map((v) => v.userId).filter((u) => u !== undefined));
      expect(users.size).toBeLessThanOrEqual(1);
      views.forEach((v, i) => expect(v.itemInSession).toBe(i));
      for (let i = 0; i + 1 < views.length; i++) {
        const [a, b] = [views[i]!, views[i + 1]!];
        if (a.status === 307) {
          redirects++;
          expect(b.ts).toBe((a.ts as number) + 1000);
        }
        if (a.page === 'NextSong' && b.page === 'NextSong') {
          backToBack++;
          expect(Math.abs((b.ts as number) - (a.ts as number) - (a.duration as number) * 1000)).toBeLessThanOrEqual(1);
        }
      }
    }
    expect(redirects).toBeGreaterThan(0);
    expect(backToBack).toBeGreaterThan(0);
  });

  it('draws songs from the shipped catalogue and reproduces the Eventsim text quirks', () => {
    const catalogue = generateCatalogue();
    const pairs = new Set(catalogue.map((s) => `${s.artistName}\u0000${s.title}`));
    const listens = of('listen_events');
    for (const l of listens) expect(pairs.has(`${String(l.artist)}\u0000${String(l.song)}`)).toBe(true);
    const fround = listens.filter((l) => Math.fround(l.duration as number) === l.duration && String(l.duration).split('.')[1]!.length > 5);
    expect(fround.length).toBeGreaterThan(0);
    expect(fround.length).toBeLessThan(listens.length / 4);
    expect(all.some((e) => /^".*"$/.test(String(e.event.userAgent)))).toBe(true);
    expect(listens.some((l) => /^".*"$/.test(String(l.song)) || /^".*"$/.test(String(l.artist)))).toBe(true);
    expect(listens.some((l) => String(l.song).includes('\\"'))).toBe(true);
    expect(all.some((e) => /Ã/.test(serializeEvent(e.event)))).toBe(true);
  });
});

describe('generateEvents activity', () => {
  it('follows a daily cycle in local time and is quieter at weekends', () => {
    const byLocalHour = new Array<number>(24).fill(0);
    let weekday = 0;
    let weekend = 0;
    // Two full weeks from a Monday, so each weekday occurs equally often.
    for (const { topic, event } of generateEvents({ users: 100, start: '2024-06-03', end: '2024-06-17', seed: 5 })) {
      if (topic !== 'page_view_events') continue;
      const local = new Date((event.ts as number) + Math.round((event.lon as number) / 15) * 3_600_000);
      byLocalHour[local.getUTCHours()]!++;
      if (local.getUTCDay() === 0 || local.getUTCDay() === 6) weekend++;
      else weekday++;
    }
    const sum = (hours: number[]) => hours.reduce((a, h) => a + byLocalHour[h]!, 0);
    expect(sum([15, 16, 17, 18, 19])).toBeGreaterThan(2 * sum([1, 2, 3, 4, 5]));
    expect(weekend / 4).toBeLessThan((weekday / 10) * 0.9);
  });
});

/** Page views grouped by session id, in time order. */
function sessions(): Map<number, Ev[]> {
  const m = new Map<number, Ev[]>();
  for (const e of of('page_view_events')) {
    const id = e.sessionId as number;
    if (!m.has(id)) m.set(id, []);
    m.get(id)!.push(e);
  }
  return new Map([...m].sort((a, b) => a[0] - b[0]));
}

beforeAll(() => expect(all.length).toBeGreaterThan(10_000));
