import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queryDuckDb, writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 2\n';

// Four events a day on 1–4 March 2026 (00:30, 01:30, 05:30, 23:30), one on 28 February.
const events = ['id,ts,user_id,v', ...Array.from({ length: 16 }, (_, i) => `${i + 1},2026-03-0${Math.floor(i / 4) + 1} ${['00', '01', '05', '23'][i % 4]}:30:00,${((i + 1) % 3) + 1},${i + 1}`), '17,2026-02-28 12:00:00,1,100'].join('\n');

const FILES = {
  'profiles.yml': PROFILE,
  'seeds/events.csv': `${events}\n`,
  'seeds/users.csv': 'user_id,name\n1,ann\n2,bob\n3,cy\n',
  // A parent's event_time (here in YAML) is what filters it for a batch; users has none and is read whole.
  'seeds/seeds.yml': 'seeds:\n  - name: events\n    config:\n      event_time: ts\n',
  'models/daily_events.sql': [
    "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='day', begin='2026-03-01', lookback=1,",
    "          pre_hook=\"create table if not exists hook_log (what varchar)\", post_hook=\"insert into hook_log values ('post {{ model.batch.id if model.batch else '' }}')\") }}",
    "select e.id, e.ts, e.v * {{ var('mult', 1) }} as v, u.name, '{{ model.batch.id }}' as batch_id, {{ is_incremental() }} as inc",
    "from {{ ref('events') }} e join {{ ref('users') }} u using (user_id)",
  ].join('\n'),
  // A microbatch model reading another: each batch reads the parent's rows of its day only.
  'models/daily_totals.sql': "{{ config(materialized='incremental', incremental_strategy='microbatch', batch_size='day', begin='2026-03-01') }}\nselect date_trunc('day', ts) as day_start, count(*) as n, sum(v) as total from {{ ref('daily_events') }} group by 1",
  'models/schema.yml': 'models:\n  - name: daily_totals\n    config:\n      event_time: day_start\n',
  'models/all_events.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('events') }}",
  // model.batch read outside a batch (compile) is none, as dbt's parse has it: the template must still compile.
  'models/flaky.sql': [
    "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='hour', begin='2026-03-01') }}",
    "select id, ts from {{ ref('events') }}",
    "{% if model.batch and model.batch.event_time_start.hour == env_var('BREAK_HOUR', '99') | int %} where id in (select x from no_such_table) {% endif %}",
  ].join('\n'),
  'models/flaky_child.sql': "select count(*) as n from {{ ref('flaky') }}",
};

type Result = { unique_id: string; status: string; batch_results: { successful: [string, string][]; failed: [string, string][] } | null };
const results = (dir: string) => (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: Result[] }).results;
const statuses = (dir: string) => Object.fromEntries(results(dir).filter((r) => r.unique_id.startsWith('model.')).map((r) => [r.unique_id.split('.').pop()!, r.status]));
/** A model's batches as `MM-DD HH/MM-DD HH`, ok and failed. */
const batches = (dir: string, model: string) => {
  const b = results(dir).find((r) => r.unique_id === `model.demo.${model}`)!.batch_results!;
  const f = (l: [string, string][]) => l.map(([s, e]) => `${s.slice(5, 13).replace('T', ' ')}/${e.slice(5, 13).replace('T', ' ')}`).join(' ');
  return { ok: f(b.successful), failed: f(b.failed) };
};
const rows = async (dir: string, sql: string) => (await queryDuckDb(join(dir, 'demo.duckdb'), sql)).map((r) => Object.values(r).map((v) => (typeof v === 'boolean' ? (v ? 'T' : 'F') : String(v))).join(':')).join(' ');
const dailyEvents = (dir: string) => rows(dir, 'select id, v, name, batch_id, inc from daily_events order by id');
const dailyTotals = (dir: string) => rows(dir, "select strftime(day_start, '%m-%d'), n, total from daily_totals order by 1");
const hookLog = async (dir: string) => (await queryDuckDb(join(dir, 'demo.duckdb'), 'select what from hook_log order by all')).map((r) => r.what).join(' | ');

afterEach(() => {
  delete process.env.BREAK_HOUR;
});

// Every value below is what dbt-core 1.11.16 with dbt-duckdb 1.11.1 gave on the same files and
// commands (5 Dec 2026): statuses, batches, exit codes and the rows of every table.
describe("incremental_strategy 'microbatch' as dbt 1.11 runs it", () => {
  it('builds batches of event time, replaces a window, reads parents by batch, hooks once, full refresh', async () => {
    const dir = writeProject(FILES);
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);

    // First build over a range: the first batch creates the table (is_incremental() false), the next inserts.
    let r = await sm('run', '--project-dir', dir, '--event-time-start', '2026-03-01', '--event-time-end', '2026-03-03');
    expect(r.code, r.out + r.err).toBe(0);
    expect(statuses(dir)).toEqual({ all_events: 'success', daily_events: 'success', daily_totals: 'success', flaky: 'success', flaky_child: 'success' });
    expect(batches(dir, 'daily_events')).toEqual({ ok: '03-01 00/03-02 00 03-02 00/03-03 00', failed: '' });
    expect(batches(dir, 'flaky').ok.split('/')).toHaveLength(48 + 1);
    expect(await dailyEvents(dir)).toBe('1:1:bob:20260301:F 2:2:cy:20260301:F 3:3:ann:20260301:F 4:4:bob:20260301:F 5:5:cy:20260302:T 6:6:ann:20260302:T 7:7:bob:20260302:T 8:8:cy:20260302:T');
    expect(await dailyTotals(dir)).toBe('03-01:4:10 03-02:4:26');
    expect(await rows(dir, 'select n from all_events')).toBe('17');
    expect(await hookLog(dir)).toBe('post 20260302');
    // Each batch's SQL where dbt writes it, the parent filtered to the window.
    expect(readdirSync(join(dir, 'target/compiled/demo/models/daily_events')).sort()).toEqual(['daily_events_2026-03-01.sql', 'daily_events_2026-03-02.sql']);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/daily_events/daily_events_2026-03-02.sql'), 'utf8')).toContain(
      `(select * from "demo"."main"."events" where ts >= '2026-03-02 00:00:00+00:00' and ts < '2026-03-03 00:00:00+00:00') e join "demo"."main"."users" u`,
    );
    expect(readdirSync(join(dir, 'target/run/demo/models/daily_events')).sort()).toEqual(['daily_events_2026-03-01.sql', 'daily_events_2026-03-02.sql']);

    // Again over 2–4 March: each day's rows replaced (v × 10), the end raised to a whole day.
    r = await sm('run', '--project-dir', dir, '-s', 'daily_events', '--event-time-start', '2026-03-02', '--event-time-end', '2026-03-05', '--vars', '{mult: 10}');
    expect(r.code, r.out + r.err).toBe(0);
    expect(batches(dir, 'daily_events')).toEqual({ ok: '03-02 00/03-03 00 03-03 00/03-04 00 03-04 00/03-05 00', failed: '' });
    expect(await dailyEvents(dir)).toBe(
      '1:1:bob:20260301:F 2:2:cy:20260301:F 3:3:ann:20260301:F 4:4:bob:20260301:F 5:50:cy:20260302:T 6:60:ann:20260302:T 7:70:bob:20260302:T 8:80:cy:20260302:T 9:90:ann:20260303:T 10:100:bob:20260303:T 11:110:cy:20260303:T 12:120:ann:20260303:T 13:130:bob:20260304:T 14:140:cy:20260304:T 15:150:ann:20260304:T 16:160:bob:20260304:T',
    );
    expect(await hookLog(dir)).toBe('post 20260302 | post 20260304');

    r = await sm('run', '--project-dir', dir, '-s', 'daily_totals', '--event-time-start', '2026-03-02', '--event-time-end', '2026-03-05');
    expect(r.code, r.out + r.err).toBe(0);
    expect(await dailyTotals(dir)).toBe('03-01:4:10 03-02:4:260 03-03:4:420 03-04:4:580');

    // --full-refresh: the first batch replaces the table; is_incremental() is false in every batch.
    r = await sm('run', '--project-dir', dir, '-s', 'daily_events', '--full-refresh', '--event-time-start', '2026-03-03', '--event-time-end', '2026-03-04 06:00:00');
    expect(r.code, r.out + r.err).toBe(0);
    expect(batches(dir, 'daily_events')).toEqual({ ok: '03-03 00/03-04 00 03-04 00/03-05 00', failed: '' });
    expect(await dailyEvents(dir)).toBe('9:9:ann:20260303:F 10:10:bob:20260303:F 11:11:cy:20260303:F 12:12:ann:20260303:F 13:13:bob:20260304:F 14:14:cy:20260304:F 15:15:ann:20260304:F 16:16:bob:20260304:F');
    expect(await hookLog(dir)).toBe('post 20260302 | post 20260304 | post 20260304');
  });

  it('a failed batch is a partial success (exit 1, children skipped), sm retry builds only it; a failed first batch fails them all', async () => {
    const dir = writeProject(FILES);
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    process.env.BREAK_HOUR = '1';
    let r = await sm('run', '--project-dir', dir, '-s', 'flaky+', '--event-time-start', '2026-03-01 00:00:00', '--event-time-end', '2026-03-01 04:00:00', '--full-refresh');
    expect(r.code).toBe(1);
    expect(statuses(dir)).toEqual({ flaky: 'partial success', flaky_child: 'skipped' });
    expect(batches(dir, 'flaky')).toEqual({ ok: '03-01 00/03-01 01 03-01 02/03-01 03 03-01 03/03-01 04', failed: '03-01 01/03-01 02' });
    expect(r.out).toContain('PARTIAL SUCCESS (3/4): 2026-03-01T01: Catalog Error');
    expect(await rows(dir, 'select id from flaky order by id')).toBe('1');

    // The retry reruns the failed batch with the last run's flags (here --full-refresh, so it replaces the table, as dbt's does).
    delete process.env.BREAK_HOUR;
    r = await sm('retry', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    expect(statuses(dir)).toEqual({ flaky: 'success', flaky_child: 'success' });
    expect(batches(dir, 'flaky')).toEqual({ ok: '03-01 01/03-01 02 03-01 00/03-01 01 03-01 02/03-01 03 03-01 03/03-01 04', failed: '' });
    expect(await rows(dir, 'select id from flaky order by id')).toBe('2');

    // The first batch failing skips the rest (all failed), and leaves the table as it was.
    process.env.BREAK_HOUR = '0';
    r = await sm('run', '--project-dir', dir, '-s', 'flaky', '--event-time-start', '2026-03-01 00:00:00', '--event-time-end', '2026-03-01 03:00:00', '--full-refresh');
    expect(r.code).toBe(1);
    expect(statuses(dir)).toEqual({ flaky: 'error' });
    expect(batches(dir, 'flaky')).toEqual({ ok: '', failed: '03-01 00/03-01 01 03-01 01/03-01 02 03-01 02/03-01 03' });
    expect(await rows(dir, 'select id from flaky order by id')).toBe('2');
  });

  it("--sample: every model reads only the window of parents with an event_time; a microbatch model's batches are cut to it", async () => {
    const dir = writeProject(FILES);
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    let r = await sm('run', '--project-dir', dir, '-s', 'daily_events', '--event-time-start', '2026-03-01', '--event-time-end', '2026-03-05');
    expect(r.code, r.out + r.err).toBe(0);
    r = await sm('run', '--project-dir', dir, '-s', 'daily_events', 'all_events', '--sample', "{start: '2026-03-02', end: '2026-03-03 12:00'}");
    expect(r.code, r.out + r.err).toBe(0);
    expect(batches(dir, 'daily_events')).toEqual({ ok: '03-02 00/03-03 00 03-03 00/03-04 00', failed: '' });
    expect(await rows(dir, 'select n from all_events')).toBe('7');
    // The batch of 3 March replaced its day with the rows before noon only (as dbt does): event 12 (23:30) is gone.
    expect(await dailyEvents(dir)).toBe(
      '1:1:bob:20260301:F 2:2:cy:20260301:F 3:3:ann:20260301:F 4:4:bob:20260301:F 5:5:cy:20260302:T 6:6:ann:20260302:T 7:7:bob:20260302:T 8:8:cy:20260302:T 9:9:ann:20260303:T 10:10:bob:20260303:T 11:11:cy:20260303:T 13:13:bob:20260304:T 14:14:cy:20260304:T 15:15:ann:20260304:T 16:16:bob:20260304:T',
    );
    expect(readFileSync(join(dir, 'target/compiled/demo/models/all_events.sql'), 'utf8')).toContain(`from (select * from "demo"."main"."events" where ts >= '2026-03-02 00:00:00+00:00' and ts < '2026-03-03 12:00:00+00:00')`);
    // A relative window ends now; a grain dbt does not know is a usage error.
    r = await sm('run', '--project-dir', dir, '-s', 'all_events', '--sample', '2 days');
    expect(r.code, r.out + r.err).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/all_events.sql'), 'utf8')).toMatch(/where ts >= '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00' and ts < '/);
    const bad = await sm('run', '--project-dir', dir, '--sample', '2 weeks');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("Invalid grain size 'weeks'. Must be one of ['hour', 'day', 'month', 'year', 'hours', 'days', 'months', 'years'].");
  });

  it('without a range: from begin up to now on a first build, the last lookback batches after', async () => {
    const now = new Date();
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const begin = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 3));
    const dir = writeProject({
      ...FILES,
      'models/recent.sql': `{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='day', begin='${day(begin)}', lookback=2) }}\nselect * from {{ ref('events') }}`,
    });
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    let r = await sm('run', '--project-dir', dir, '-s', 'recent');
    expect(r.code, r.out + r.err).toBe(0);
    const b = results(dir)[0]!.batch_results!.successful;
    // Four days: begin to the end of today (a run just past midnight UTC may see five).
    expect(b[0]![0]).toBe(`${day(begin)}T00:00:00+00:00`);
    expect(b.length).toBeGreaterThanOrEqual(4);
    expect(b.at(-1)![1].slice(0, 10) > day(now) || b.at(-1)![1] === `${day(now)}T00:00:00+00:00`).toBe(true);
    r = await sm('run', '--project-dir', dir, '-s', 'recent');
    expect(r.code, r.out + r.err).toBe(0);
    // lookback 2: today and the two days before it.
    expect(results(dir)[0]!.batch_results!.successful).toHaveLength(3);
  });

  it('refuses what dbt refuses: a config that cannot say its batches (exit 2, the file named), one flag of the two', async () => {
    const bad = [
      ["event_time='ts', batch_size='day'", "must provide a 'begin' (datetime) config"],
      ["batch_size='day', begin='2026-03-01'", "must provide an 'event_time' (string) config"],
      ["event_time='ts', batch_size='week', begin='2026-03-01'", "must provide a 'batch_size' config that is one of ['hour', 'day', 'month', 'year'], but got: week."],
      ["event_time='ts', batch_size='day', begin='nonsense'", "must provide a 'begin' config of valid datetime (ISO format), but got: nonsense."],
    ];
    for (const [config, message] of bad) {
      const dir = writeProject({ 'profiles.yml': PROFILE, 'models/m.sql': `{{ config(materialized='incremental', incremental_strategy='microbatch', ${config}) }}\nselect 1 as id, now() as ts` });
      const r = await sm('run', '--project-dir', dir);
      expect(r.code, config).toBe(2);
      expect(r.err, config).toContain(`Microbatch model 'm' ${message}`);
      expect(r.err, config).toContain('models/m.sql');
    }
    const dir = writeProject(FILES);
    const r = await sm('run', '--project-dir', dir, '--event-time-start', '2026-03-01');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--event-time-start was given without --event-time-end');
    const back = await sm('run', '--project-dir', dir, '--event-time-start', '2026-03-03', '--event-time-end', '2026-03-01');
    expect(back.code).toBe(2);
    expect(back.err).toContain('must be before --event-time-end');
  });
});
