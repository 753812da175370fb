import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDuckDbAdapter } from '../src/index.ts';
import { execute, type InvocationOptions } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

async function sql(dir: string, text: string): Promise<Record<string, unknown>[]> {
  const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 1, path: join(dir, 'target/demo.duckdb') }, { projectDir: dir });
  try {
    const c = await session.acquire();
    const rows = (await c.execute(text)).rows;
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  } finally {
    await session.close();
  }
}

async function sm(dir: string, vars: Record<string, unknown>, extra: Partial<InvocationOptions> = {}) {
  const o = await execute({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, vars, ...extra }, 'run');
  return { ok: o.status === 'success', results: o.results, errors: o.results.filter((r) => r.status !== 'success').map((r) => `${r.name}: ${r.message}`).join('\n') };
}

/** Files under a folder, relative, with their modification times. */
function files(dir: string): Map<string, number> {
  return new Map(readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.parquet')).map((f) => [f, statSync(join(dir, f)).mtimeMs]));
}

// Rows for days 1..{{ var('days') }}, 3 per day; an incremental run re-reads only days after the newest one present.
const EVENTS = `{{ config(materialized='external', partition_by=['day'], incremental_strategy='insert_overwrite') }}
select (range // 3) + 1 as day, range as id, 'v{{ var("ver", 1) }}' as val
from range(0, {{ var('days') }} * 3)
{% if is_incremental() %}where (range // 3) + 1 >= (select max(day) from {{ this }}){% endif %}`;

describe('external Parquet models (DuckDB)', () => {
  it('writes a hive-partitioned folder and exposes it as a view that refs read', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/events.sql': EVENTS,
      'models/daily.sql': "{{ config(materialized='table') }}select day, count(*)::int n from {{ ref('events') }} group by day",
    });
    const r = await sm(dir, { days: 2 });
    expect(r.ok, r.errors).toBe(true);
    const loc = join(dir, 'target/lake/main/events');
    expect([...files(loc).keys()].sort()).toEqual([join('day=1', 'data_0.parquet'), join('day=2', 'data_0.parquet')]);
    expect(await sql(dir, 'select day, n from main.daily order by day')).toEqual([
      { day: 1, n: 3 },
      { day: 2, n: 3 },
    ]);
    // Other tools read the files without sm.
    expect(await sql(dir, `select count(*)::int n from read_parquet('${loc}/*/*.parquet', hive_partitioning = true)`)).toEqual([{ n: 6 }]);
    expect(await sql(dir, "select table_type from information_schema.tables where table_name = 'events'")).toEqual([{ table_type: 'VIEW' }]);
    // The view lists one folder level per partition column, as dbt-duckdb reads them, not every depth (`**`).
    const view = String((await sql(dir, "select sql from duckdb_views() where view_name = 'events'"))[0]!.sql);
    expect(view).toContain(`read_parquet('${join(loc, '*', '*.parquet')}',`);
  });

  it('insert_overwrite rewrites only the partitions present in the new rows, leaving the others untouched', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/events.sql': EVENTS });
    expect((await sm(dir, { days: 3 })).ok).toBe(true);
    const loc = join(dir, 'target/lake/main/events');
    const before = files(loc);
    const r = await sm(dir, { days: 5, ver: 2 });
    expect(r.ok, r.errors).toBe(true);
    expect(r.results[0]!.message).toBe('9 rows in 3 partitions');
    const after = files(loc);
    expect(after.get(join('day=1', 'data_0.parquet'))).toBe(before.get(join('day=1', 'data_0.parquet')));
    expect(after.get(join('day=2', 'data_0.parquet'))).toBe(before.get(join('day=2', 'data_0.parquet')));
    expect(after.size).toBe(5);
    expect(await sql(dir, 'select day, val, count(*)::int n from main.events group by all order by day')).toEqual([
      { day: 1, val: 'v1', n: 3 },
      { day: 2, val: 'v1', n: 3 },
      { day: 3, val: 'v2', n: 3 },
      { day: 4, val: 'v2', n: 3 },
      { day: 5, val: 'v2', n: 3 },
    ]);
    expect(readdirSync(join(loc, '..')).filter((f) => f.includes('__sm_'))).toEqual([]);
    // --full-refresh writes everything again and equals the incremental result.
    const incremental = await sql(dir, 'select * from main.events order by id');
    expect((await sm(dir, { days: 5, ver: 2 }, { fullRefresh: true })).results[0]!.message).toContain('15 rows to');
    expect((await sql(dir, 'select * from main.events order by id')).map((x) => x.id)).toEqual(incremental.map((x) => x.id));
  });

  it('the view over the files stands while new partitions have its columns, reads by name once they differ, and is one schema again after a full build', async () => {
    const model = `{{ config(materialized='external', partition_by=['day'], incremental_strategy='insert_overwrite') }}
select (range // 3) + 1 as day, range as id{% if var('extra', false) %}, 'x' || range as extra{% endif %}
from range(0, {{ var('days') }} * 3)
{% if is_incremental() %}where (range // 3) + 1 >= (select max(day) from {{ this }}){% endif %}`;
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/events.sql': model });
    const ran = () => readFileSync(join(dir, 'target/run/demo/models/events.sql'), 'utf8');
    expect((await sm(dir, { days: 3 })).ok).toBe(true);
    expect(ran()).toMatch(/create or replace view[\s\S]*select \* exclude \("day"\), "day" from read_parquet\([^)]*hive_partitioning = true, hive_types = \{'day': 'BIGINT'\}\)/);
    // Same columns: no view statement, and the view finds the new partition.
    let r = await sm(dir, { days: 4 });
    expect(r.ok, r.errors).toBe(true);
    expect(ran()).not.toMatch(/create or replace view/);
    expect(await sql(dir, 'select count(*)::int n, max(day)::int d from main.events')).toEqual([{ n: 12, d: 4 }]);
    // A new column: the view is made again, reading every file by name (old partitions: null).
    r = await sm(dir, { days: 5, extra: true });
    expect(r.ok, r.errors).toBe(true);
    expect(ran()).toMatch(/create or replace view[\s\S]*union_by_name = true/);
    expect(await sql(dir, 'select day::int as day, count(extra)::int as n from main.events group by all order by day')).toEqual([
      { day: 1, n: 0 },
      { day: 2, n: 0 },
      { day: 3, n: 0 },
      { day: 4, n: 3 },
      { day: 5, n: 3 },
    ]);
    const incremental = await sql(dir, 'select * from main.events where day >= 4 order by id');
    // A full build writes every file with one schema: a plain view again, equal where the incremental run wrote.
    r = await sm(dir, { days: 5, extra: true }, { fullRefresh: true });
    expect(r.ok, r.errors).toBe(true);
    expect(ran()).not.toMatch(/union_by_name/);
    expect(await sql(dir, 'select * from main.events where day >= 4 order by id')).toEqual(incremental);
    expect(await sql(dir, 'select count(extra)::int n from main.events')).toEqual([{ n: 15 }]);
  });

  it("partition columns read back as the query's types, not as DuckDB guesses them from folder names", async () => {
    // Guessed from the folders, '10' would come back a number, the timestamp and the decimal text.
    const model = `{{ config(materialized='external', partition_by=['code', 'ts', 'amount', 'd'], incremental_strategy='insert_overwrite') }}
select code, ts, amount, d, id{% if var('extra', false) %}, 'x' as extra{% endif %}
from (values ('10', timestamp '2026-01-01 10:00:00', 1.5::decimal(18, 3), date '2026-01-01', 1),
             ('07', timestamp '2026-01-02 11:30:00', 2.25::decimal(18, 3), date '2026-01-02', 2),
             (null, null, null, null, 3)) t(code, ts, amount, d, id)
{% if is_incremental() %}where id = 2{% endif %}`;
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/events.sql': model });
    const types = async () => (await sql(dir, 'describe main.events')).map((r) => `${String(r.column_name)} ${String(r.column_type)}`);
    const rows = () => sql(dir, 'select id, code, ts::varchar as ts, amount::varchar as amount, d::varchar as d from main.events order by id');
    const expected = ['id INTEGER', 'code VARCHAR', 'ts TIMESTAMP', 'amount DECIMAL(18,3)', 'd DATE'];
    const values = [
      { id: 1, code: '10', ts: '2026-01-01 10:00:00', amount: '1.500', d: '2026-01-01' },
      { id: 2, code: '07', ts: '2026-01-02 11:30:00', amount: '2.250', d: '2026-01-02' },
      { id: 3, code: null, ts: null, amount: null, d: null },
    ];
    let r = await sm(dir, {});
    expect(r.ok, r.errors).toBe(true);
    expect(await types()).toEqual(expected);
    expect(await rows()).toEqual(values);
    // An incremental write with the same columns leaves the typed view standing.
    r = await sm(dir, {});
    expect(r.ok, r.errors).toBe(true);
    expect(r.results[0]!.message).toBe('1 rows in 1 partitions');
    expect(await types()).toEqual(expected);
    expect(await rows()).toEqual(values);
    // One with a new column makes the view again, by name, keeping the partition columns' types.
    r = await sm(dir, { extra: true });
    expect(r.ok, r.errors).toBe(true);
    expect(await types()).toEqual(['id INTEGER', 'extra VARCHAR', 'code VARCHAR', 'ts TIMESTAMP', 'amount DECIMAL(18,3)', 'd DATE']);
    expect(await rows()).toEqual(values);
  });

  // dbt-duckdb projects call its register_upstream_external_models() in on-run-start; sm keeps every
  // external model a view, so it renders to nothing, and a run of a downstream model alone reads the files.
  it("register_upstream_external_models() in on-run-start is a hook that does nothing, as a run of part of the project needs", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0.0'\nprofile: demo\non-run-start:\n  - \"{{ register_upstream_external_models() }}\"\n",
      'models/events.sql': EVENTS,
      'models/daily.sql': "{{ config(materialized='table') }}select day, count(*)::int n from {{ ref('events') }} group by day",
    });
    let r = await sm(dir, { days: 2 });
    expect(r.ok, r.errors).toBe(true);
    r = await sm(dir, { days: 2 }, { select: ['daily'] });
    expect(r.ok, r.errors).toBe(true);
    expect(r.results.map((x) => [x.uniqueId, x.status])).toEqual([
      ['operation.demo.demo-on-run-start-0', 'success'],
      ['model.demo.daily', 'success'],
    ]);
    expect(await sql(dir, 'select day, n from main.daily order by day')).toEqual([
      { day: 1, n: 3 },
      { day: 2, n: 3 },
    ]);
  });

  it('an unpartitioned model at a configured location is one file, replaced whole; a failed write keeps the old files', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/flat.sql': "{{ config(materialized='external', location='lake/gold/flat') }}select range as id{% if var('bad', false) %}, cast('x' as integer) as boom{% endif %} from range(0, {{ var('n') }})",
    });
    expect((await sm(dir, { n: 4 })).ok).toBe(true);
    const loc = join(dir, 'lake/gold/flat');
    expect([...files(loc).keys()]).toEqual(['data_0.parquet']);
    expect((await sm(dir, { n: 6 })).ok).toBe(true);
    expect(await sql(dir, 'select count(*)::int n from main.flat')).toEqual([{ n: 6 }]);
    const r = await sm(dir, { n: 9, bad: true });
    expect(r.ok).toBe(false);
    expect(await sql(dir, 'select count(*)::int n from main.flat')).toEqual([{ n: 6 }]);
    expect(existsSync(`${loc}.__sm_tmp`)).toBe(false);
  });

  it('config errors name the model and the fix; a warehouse without Parquet says so', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/x.sql': "{{ config(materialized='external', incremental_strategy='merge', partition_by=['d']) }}select 1 as d",
    });
    const r = await sm(dir, {});
    expect(r.errors).toContain("knows incremental_strategy 'insert_overwrite'");
  });
});
