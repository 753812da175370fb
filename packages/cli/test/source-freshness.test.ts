import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 2\n';

/**
 * Raw tables last loaded 10 minutes, 3 hours and 7 hours ago, one empty, one with fresh rows
 * only outside its filter: thresholds hours apart from every age, so the clock's progress
 * during the test cannot move a status.
 */
const LOADS = `
create schema raw;
create table raw.fresh as select now()::timestamp - interval 10 minute as loaded_at;
create table raw.lagging as select now()::timestamp - interval 3 hour as loaded_at;
create table raw.stale as select now()::timestamp - interval 7 hour as loaded_at;
create table raw.empty (loaded_at timestamp);
create table raw.untracked as select 1 as x;
create table raw.filtered as select * from (values (now()::timestamp - interval 5 minute, 'test'), (now()::timestamp - interval 30 hour, 'prod')) t(synced, env);
`;

const SOURCES = `version: 2
sources:
  - name: raw
    loaded_at_field: loaded_at
    freshness:
      warn_after: {count: 2, period: hour}
      error_after: {count: 6, period: hour}
    tables:
      - name: fresh
      - name: lagging
      - name: stale
      - name: empty
      - name: untracked
        freshness: null
      - name: filtered
        # dbt 1.9+ style, under config:, with a filter and only an error threshold.
        config:
          loaded_at_field: synced
          freshness:
            error_after: {count: 1, period: day}
            filter: "env = 'prod'"
`;

async function project(sources = SOURCES): Promise<string> {
  const dir = writeProject({ 'profiles.yml': PROFILE, 'models/sources.yml': sources, 'models/from_fresh.sql': "select * from {{ source('raw', 'fresh') }}" });
  mkdirSync(join(dir, 'target'));
  const db = await DuckDBInstance.create(join(dir, 'target/demo.duckdb'));
  const c = await db.connect();
  await c.run(LOADS);
  c.closeSync();
  db.closeSync();
  return dir;
}

type Entry = { unique_id: string; status: string; adapter_response?: unknown; max_loaded_at?: string | null; snapshotted_at?: string; max_loaded_at_time_ago_in_s?: number | null; criteria?: unknown; execution_time?: number; thread_id?: string; error?: string };
const artifact = (dir: string, path = 'target/sources.json') => JSON.parse(readFileSync(join(dir, path), 'utf8')) as { metadata: Record<string, unknown>; results: Entry[]; elapsed_time: number };

describe('sm source freshness', () => {
  it('judges each source with freshness against warn_after/error_after, exits 1 on an error and writes dbt\'s sources.json', async () => {
    const dir = await project();
    const r = await sm('source', 'freshness', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toMatch(/PASS\s+source raw\.fresh .* last loaded 1\dm ago/);
    expect(r.out).toMatch(/WARN\s+source raw\.lagging .* last loaded 3h \d+m ago, more than warn_after 2 hours/);
    expect(r.out).toMatch(/ERROR\s+source raw\.stale .* last loaded 7h \d+m ago, more than error_after 6 hours/);
    expect(r.out).toMatch(/ERROR\s+source raw\.empty .* no rows: max\(loaded_at\) is null/);
    // The filter leaves only the 30-hour-old prod row: past error_after of 1 day.
    expect(r.out).toMatch(/ERROR\s+source raw\.filtered .* last loaded 1d 6h ago, more than error_after 1 day/);
    expect(r.out).not.toContain('untracked');

    const a = artifact(dir);
    expect(a.metadata).toMatchObject({ dbt_schema_version: 'https://schemas.getdbt.com/dbt/sources/v3.json' });
    expect(typeof a.elapsed_time).toBe('number');
    const by = Object.fromEntries(a.results.map((e) => [e.unique_id.split('.').pop(), e]));
    expect(Object.keys(by).sort()).toEqual(['empty', 'filtered', 'fresh', 'lagging', 'stale']);
    expect(by.fresh).toMatchObject({ unique_id: 'source.demo.raw.fresh', status: 'pass', criteria: { warn_after: { count: 2, period: 'hour' }, error_after: { count: 6, period: 'hour' }, filter: null } });
    expect(by.lagging!.status).toBe('warn');
    expect(by.stale!.status).toBe('error');
    // dbt 1.11 (dbt-duckdb 1.11.1) takes an empty table as loaded at the start of year 1, and
    // writes times as Python's isoformat of a UTC datetime: `+00:00`, a fraction only when there is one.
    expect(by.empty).toMatchObject({ status: 'error', max_loaded_at: '0001-01-01T00:00:00+00:00' });
    expect(by.empty!.max_loaded_at_time_ago_in_s).toBeCloseTo((Date.parse(by.empty!.snapshotted_at!) - Date.parse('0001-01-01T00:00:00Z')) / 1000, 1);
    for (const e of a.results) {
      expect(e.max_loaded_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
      expect(e.snapshotted_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
      // dbt-duckdb answers each freshness query with OK (recorded: `{"_message": "OK"}`).
      expect(e.adapter_response, e.unique_id).toEqual({ _message: 'OK' });
      // Timings as dbt's (recorded): six digits of fraction and a Z.
      for (const t of (e as unknown as { timing: { started_at: string; completed_at: string }[] }).timing) expect(`${t.started_at} ${t.completed_at}`).toMatch(/^\S+T\S+\.\d{6}Z \S+\.\d{6}Z$/);
    }
    expect(a.metadata.generated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    // dbt 1.11.16 merges the levels threshold by threshold: the table's config sets error_after and the filter, the source's freshness keeps warn_after (recorded 8 Dec 2026).
    expect(by.filtered).toMatchObject({ status: 'error', criteria: { warn_after: { count: 2, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: "env = 'prod'" } });
    const age = by.lagging!.max_loaded_at_time_ago_in_s!;
    expect(age).toBeGreaterThan(3 * 3600 - 60);
    expect(age).toBeLessThan(4 * 3600);
    expect(Date.parse(by.lagging!.snapshotted_at!) - Date.parse(by.lagging!.max_loaded_at!)).toBeCloseTo(age * 1000, -1);
    for (const e of a.results) expect(e).toHaveProperty('execution_time');
  });

  it('-s source: selects; warnings alone exit 0; -o puts sources.json elsewhere; --log-format json has a line per source', async () => {
    const dir = await project();
    const one = await sm('source', 'freshness', '--project-dir', dir, '-s', 'source:raw.fresh', 'source:raw.lagging', '-o', join(dir, 'elsewhere/fresh.json'), '--log-format', 'json');
    expect(one.code, one.out + one.err).toBe(0);
    const finished = one.out.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === 'node_finished');
    expect(finished.map((e) => [e.name, e.status]).sort()).toEqual([['raw.fresh', 'pass'], ['raw.lagging', 'warn']]);
    expect(existsSync(join(dir, 'target/sources.json'))).toBe(false);
    expect(artifact(dir, 'elsewhere/fresh.json').results).toHaveLength(2);
    // Graph operators work as in other commands: the sources upstream of a model.
    const up = await sm('source', 'freshness', '--project-dir', dir, '-s', '+from_fresh');
    expect(up.code).toBe(0);
    expect(artifact(dir).results.map((e) => e.unique_id)).toEqual(['source.demo.raw.fresh']);
  });

  // dbt 1.11.16 on a source whose table does not exist: `ERROR freshness of src.bad`, the
  // Runtime Error and the database's message on the console, exit 1, and nothing of the source
  // in sources.json (the others' results are there).
  it('a missing table is a runtime error naming it, left out of sources.json; freshness without loaded_at_field or with a bad period is a project error (exit 2)', async () => {
    const dir = await project(SOURCES.replace('      - name: fresh\n', '      - name: fresh\n      - name: gone\n'));
    const r = await sm('source', 'freshness', '--project-dir', dir, '-s', 'source:raw.gone', 'source:raw.fresh');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/ERROR\s+source raw\.gone/);
    expect(r.out).toMatch(/Error in source raw\.gone/);
    expect(r.out + r.err).toMatch(/raw"?\."?gone/);
    expect(artifact(dir).results.map((e) => [e.unique_id, e.status])).toEqual([['source.demo.raw.fresh', 'pass']]);

    writeFileSync(join(dir, 'models/sources.yml'), SOURCES.replace('    loaded_at_field: loaded_at\n', ''));
    const noField = await sm('source', 'freshness', '--project-dir', dir, '-s', 'source:raw.stale');
    expect(noField.code).toBe(2);
    expect(noField.err).toContain('source raw.stale declares freshness but no loaded_at_field');
    expect(noField.err).toContain('models/sources.yml');

    writeFileSync(join(dir, 'models/sources.yml'), SOURCES.replace('{count: 2, period: hour}', '{count: 2, period: hours}'));
    const badPeriod = await sm('source', 'freshness', '--project-dir', dir);
    expect(badPeriod.code).toBe(2);
    expect(badPeriod.err).toMatch(/warn_after of source raw\.fresh needs a whole `count` of 1 or more and a `period` of minute, hour or day \(got count 2, period "hours"\)/);
  });

  // dbt 1.11.16 (dbt-duckdb 1.11.1) on a timestamp column loaded at 2024-01-03 03:04:05.654321:
  // max_loaded_at `2024-01-03T03:04:05.654321+00:00`, snapshotted_at to the microsecond, and the
  // age in seconds their difference to the microsecond (92333209.674764); at a whole second
  // `2024-01-03T03:04:05+00:00`. A text column dbt refuses is read as before (milliseconds).
  it("writes the warehouse's times to the microsecond, as dbt does", async () => {
    const sources = `version: 2
sources:
  - name: raw
    loaded_at_field: loaded_at
    freshness: {warn_after: {count: 1000000, period: day}}
    tables: [{name: micro}, {name: whole}, {name: aware}, {name: texty}]
`;
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/sources.yml': sources });
    mkdirSync(join(dir, 'target'));
    const db = await DuckDBInstance.create(join(dir, 'target/demo.duckdb'));
    const c = await db.connect();
    await c.run(`create schema raw;
create table raw.micro as select timestamp '2024-01-03 03:04:05.654321' as loaded_at union all select timestamp '2024-01-02 00:00:00.000001';
create table raw.whole as select timestamp '2024-01-03 03:04:05' as loaded_at;
create table raw.aware as select timestamptz '2024-01-03 05:04:05.000007+02:00' as loaded_at;
create table raw.texty as select '2024-01-03 03:04:05.654321' as loaded_at;`);
    c.closeSync();
    db.closeSync();
    const r = await sm('source', 'freshness', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    const by = Object.fromEntries(artifact(dir).results.map((e) => [e.unique_id.split('.').pop(), e]));
    expect(by.micro!.max_loaded_at).toBe('2024-01-03T03:04:05.654321+00:00');
    expect(by.whole!.max_loaded_at).toBe('2024-01-03T03:04:05+00:00');
    expect(by.aware!.max_loaded_at).toBe('2024-01-03T03:04:05.000007+00:00');
    expect(by.texty!.max_loaded_at).toBe('2024-01-03T03:04:05.654000+00:00');
    const micros = (iso: string) => {
      const m = /^(.*?)(?:\.(\d{6}))?\+00:00$/.exec(iso)!;
      return BigInt(Date.parse(`${m[1]}Z`)) * 1000n + BigInt(m[2] ?? 0);
    };
    for (const e of artifact(dir).results) {
      expect(e.snapshotted_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
      expect(e.max_loaded_at_time_ago_in_s, e.unique_id).toBe(Number(micros(e.snapshotted_at!) - micros(e.max_loaded_at!)) / 1e6);
    }
  });
});
