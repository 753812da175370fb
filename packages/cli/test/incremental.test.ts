import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

async function query(dir: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(join(dir, 'target/demo.duckdb'));
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/**
 * One incremental model over generated ids 1..n; `ver` marks which run wrote a row, and the
 * incremental filter re-reads the last two ids so updates and inserts both happen.
 */
function project(config: string, extraCols = "{% if var('extra', false) %}, range * 10 as extra{% endif %}", valCol = "'v{{ var(\"ver\", 1) }}' as val"): string {
  return writeProject({
    'profiles.yml': PROFILE,
    'models/inc.sql': `{{ config(materialized='incremental', ${config}) }}
select range as id, range % 2 as grp, ${valCol}${extraCols}
from range(1, {{ var('n') }} + 1)
{% if is_incremental() %}where range > (select max(id) from {{ this }}) - 2{% endif %}`,
  });
}

const run = (dir: string, vars: string, ...flags: string[]) => sm('run', '--project-dir', dir, '--vars', vars, ...flags);

/** The one model's result from run_results.json: its message and the rows it wrote. */
function result(dir: string): { message: string; rows: number | undefined } {
  const rr = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { message: string; adapter_response: { rows_affected?: number } }[] };
  return { message: rr.results[0]!.message, rows: rr.results[0]!.adapter_response.rows_affected };
}

async function leftovers(dir: string): Promise<unknown[]> {
  return (await query(dir, "select table_name from information_schema.tables where table_name like '%__sm_%'")).map((r) => r.table_name);
}

describe('incremental models', () => {
  for (const strategy of ['merge', 'delete+insert'] as const) {
    it(`${strategy} with a unique key updates changed rows and inserts new ones, reporting the rows it wrote`, async () => {
      const dir = project(`unique_key='id', incremental_strategy='${strategy}'`);
      expect((await run(dir, '{n: 5}')).code).toBe(0);
      const r = await run(dir, '{n: 8, ver: 2}');
      expect(r.code, r.out).toBe(0);
      expect(result(dir)).toEqual({ message: '+5 rows', rows: 5 });
      expect(await query(dir, 'select val, count(*)::int n from inc group by val order by val')).toEqual([
        { val: 'v1', n: 3 },
        { val: 'v2', n: 5 },
      ]);
      expect(await query(dir, 'select count(distinct id)::int d, count(*)::int n from inc')).toEqual([{ d: 8, n: 8 }]);
      expect(await leftovers(dir)).toEqual([]);
      const run2 = readFileSync(join(dir, 'target/run/demo/models/inc.sql'), 'utf8');
      expect(run2).toContain(strategy === 'merge' ? 'merge into' : 'delete from');
    });
  }

  it('a key of several columns matches on all of them', async () => {
    const dir = project(`unique_key=['id', 'grp'], incremental_strategy='merge'`);
    expect((await run(dir, '{n: 5}')).code).toBe(0);
    expect((await run(dir, '{n: 6, ver: 2}')).code).toBe(0);
    expect(await query(dir, "select id, val from inc where val = 'v2' order by id")).toEqual([
      { id: 4, val: 'v2' },
      { id: 5, val: 'v2' },
      { id: 6, val: 'v2' },
    ]);
    expect(await query(dir, 'select count(*)::int n from inc')).toEqual([{ n: 6 }]);
  });

  it('append adds every new row, duplicates included', async () => {
    const dir = project(`unique_key='id', incremental_strategy='append'`);
    expect((await run(dir, '{n: 5}')).code).toBe(0);
    expect((await run(dir, '{n: 8, ver: 2}')).code).toBe(0);
    expect(result(dir).rows).toBe(5);
    expect(await query(dir, 'select count(*)::int n, count(distinct id)::int d from inc')).toEqual([{ n: 10, d: 8 }]);
  });

  for (const strategy of ['merge', 'delete+insert'] as const) {
    it(`incremental_predicates restrict which target rows ${strategy} touches (dbt's DBT_INTERNAL_DEST alias works)`, async () => {
      const dir = project(`unique_key='id', incremental_strategy='${strategy}', incremental_predicates=['DBT_INTERNAL_DEST.id > 4']`);
      expect((await run(dir, '{n: 5}')).code).toBe(0);
      const r = await run(dir, '{n: 8, ver: 2}');
      expect(r.code, r.out).toBe(0);
      // Row 4 lies outside the predicate: it is not matched (merge) or not deleted (delete+insert), so it is doubled.
      expect(await query(dir, 'select id, count(*)::int n from inc group by id having count(*) > 1')).toEqual([{ id: 4, n: 2 }]);
      expect(await query(dir, "select count(*)::int n from inc where id = 5")).toEqual([{ n: 1 }]);
    });
  }

  it('--full-refresh rebuilds from scratch and equals the incremental result row for row', async () => {
    const dir = project(`unique_key='id'`);
    expect((await run(dir, '{n: 5, ver: 2}')).code).toBe(0);
    expect((await run(dir, '{n: 9, ver: 2}')).code).toBe(0);
    const inc = await query(dir, 'select * from inc order by id');
    const r = await run(dir, '{n: 9, ver: 2}', '--full-refresh');
    expect(r.code).toBe(0);
    expect(result(dir).message).toBe('CREATE TABLE');
    expect(await query(dir, 'select * from inc order by id')).toEqual(inc);
    expect(inc).toHaveLength(9);
  });

  it('full_refresh: false in config protects the table from --full-refresh', async () => {
    const dir = project(`unique_key='id', full_refresh=false`);
    expect((await run(dir, '{n: 5}')).code).toBe(0);
    expect((await run(dir, '{n: 6, ver: 2}', '--full-refresh')).code).toBe(0);
    expect(result(dir).message).toBe('+3 rows');
    expect(await query(dir, "select count(*)::int n from inc where val = 'v1'")).toEqual([{ n: 3 }]);
  });

  describe('on_schema_change', () => {
    const cols = async (dir: string) => (await query(dir, "select column_name from information_schema.columns where table_name = 'inc' order by ordinal_position")).map((r) => r.column_name);

    it('ignore keeps the table\'s columns and loads the ones it has', async () => {
      const dir = project(`unique_key='id', on_schema_change='ignore'`);
      expect((await run(dir, '{n: 3}')).code).toBe(0);
      expect((await run(dir, '{n: 5, extra: true}')).code).toBe(0);
      expect(await cols(dir)).toEqual(['id', 'grp', 'val']);
      expect(await query(dir, 'select count(*)::int n from inc')).toEqual([{ n: 5 }]);
    });

    it('fail stops with a message that says what changed and what to do, leaving the table and no stage', async () => {
      const dir = project(`unique_key='id', on_schema_change='fail'`);
      expect((await run(dir, '{n: 3}')).code).toBe(0);
      const r = await run(dir, '{n: 5, extra: true}');
      expect(r.code).toBe(1);
      expect(r.out).toContain("added: extra; removed: none) and on_schema_change is 'fail'");
      expect(r.out).toContain('--full-refresh');
      expect(await query(dir, 'select count(*)::int n from inc')).toEqual([{ n: 3 }]);
      expect(await leftovers(dir)).toEqual([]);
    });

    it('append_new_columns adds the column; old rows get null', async () => {
      const dir = project(`unique_key='id', on_schema_change='append_new_columns'`);
      expect((await run(dir, '{n: 3}')).code).toBe(0);
      expect((await run(dir, '{n: 5, extra: true}')).code).toBe(0);
      expect(await cols(dir)).toEqual(['id', 'grp', 'val', 'extra']);
      expect(await query(dir, 'select id, extra from inc order by id')).toEqual([
        { id: 1, extra: null },
        { id: 2, extra: 20 },
        { id: 3, extra: 30 },
        { id: 4, extra: 40 },
        { id: 5, extra: 50 },
      ]);
    });

    it('sync_all_columns adds new columns and drops removed ones', async () => {
      const dir = writeProject({
        'profiles.yml': PROFILE,
        'models/inc.sql': `{{ config(materialized='incremental', unique_key='id', on_schema_change='sync_all_columns') }}
select range as id{% if var('v2', false) %}, range * 10 as extra{% else %}, 'x' as val{% endif %} from range(1, {{ var('n') }} + 1)
{% if is_incremental() %}where range > (select max(id) from {{ this }}){% endif %}`,
      });
      expect((await run(dir, '{n: 3}')).code).toBe(0);
      expect((await run(dir, '{n: 5, v2: true}')).code).toBe(0);
      expect(await cols(dir)).toEqual(['id', 'extra']);
      expect(await query(dir, 'select count(*)::int n, count(extra)::int e from inc')).toEqual([{ n: 5, e: 2 }]);
    });
  });

  it('sync_all_columns also changes a column whose type changed; fail names the retyped column', async () => {
    const model = (osc: string) => `{{ config(materialized='incremental', unique_key='id', on_schema_change='${osc}') }}
select range as id, {% if var('v2', false) %}'code-' || range{% else %}range{% endif %} as code from range(1, {{ var('n') }} + 1)
{% if is_incremental() %}where range > (select max(id) from {{ this }}){% endif %}`;
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/inc.sql': model('sync_all_columns') });
    expect((await run(dir, '{n: 2}')).code).toBe(0);
    const r = await run(dir, '{n: 4, v2: true}');
    expect(r.code, r.out).toBe(0);
    expect(await query(dir, 'select id, code from inc order by id')).toEqual([
      { id: 1, code: '1' },
      { id: 2, code: '2' },
      { id: 3, code: 'code-3' },
      { id: 4, code: 'code-4' },
    ]);
    const failing = writeProject({ 'profiles.yml': PROFILE, 'models/inc.sql': model('fail') });
    expect((await run(failing, '{n: 2}')).code).toBe(0);
    expect((await run(failing, '{n: 4, v2: true}')).out).toContain('retyped: code to VARCHAR');
  });

  it('a failing apply rolls back: the table keeps its rows and no staged relation stays visible', async () => {
    // Run 2 produces a text value that cannot go into the integer column `grp`.
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/inc.sql': `{{ config(materialized='incremental', unique_key='id') }}
select range as id, {% if var('bad', false) %}'not a number'{% else %}1{% endif %} as grp from range(1, {{ var('n') }} + 1)`,
    });
    expect((await run(dir, '{n: 3}')).code).toBe(0);
    const r = await run(dir, '{n: 5, bad: true}');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Could not convert|Conversion Error/i);
    expect(await query(dir, 'select count(*)::int n from inc')).toEqual([{ n: 3 }]);
    expect(await leftovers(dir)).toEqual([]);
  });

  it('takes incremental_strategy and on_schema_change set to none as unset, as dbt does (elementary passes none)', async () => {
    // dbt 1.11 (dbt-duckdb): config(incremental_strategy=none, on_schema_change=none) builds, and
    // the second run updates by the unique key as with neither set.
    const dir = project(`unique_key='id', incremental_strategy=none, on_schema_change=none`);
    expect((await run(dir, '{n: 3}')).code).toBe(0);
    const r = await run(dir, '{n: 5, ver: 2}');
    expect(r.code).toBe(0);
    expect(await query(dir, 'select id::int id, val from inc order by id')).toEqual([
      { id: 1, val: 'v1' },
      { id: 2, val: 'v2' },
      { id: 3, val: 'v2' },
      { id: 4, val: 'v2' },
      { id: 5, val: 'v2' },
    ]);
  });

  it('rejects an unknown strategy and delete+insert without a key, naming the model and the fix', async () => {
    let dir = project(`incremental_strategy='upsert'`);
    let r = await run(dir, '{n: 3}');
    expect(r.code).toBe(1);
    expect(r.out).toContain('incremental_strategy "upsert" is not known. Use one of: append, merge, delete+insert');
    dir = project(`incremental_strategy='delete+insert'`);
    r = await run(dir, '{n: 3}');
    expect(r.out).toContain("'delete+insert' needs a unique_key");
  });
});
