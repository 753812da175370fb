import { describe, expect, it } from 'vitest';
import { execute, type InvocationOptions } from '@smsql/core';
import { queryTarget as rows, writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

/**
 * What incremental models and their hooks see of the run: is_incremental() in a project-wide
 * post-hook and in a macro, flags.FULL_REFRESH, should_full_refresh(), adapter.get_relation and
 * load_relation on `this`, on_schema_change (append_new_columns, sync_all_columns) and
 * delete+insert, over four runs: full, incremental with a new column, --full-refresh,
 * incremental. Every expected row below is what dbt-core 1.11.16 with dbt-duckdb 1.11.1 left in
 * the same project after the same four `dbt run`s (recorded 5 Dec 2026).
 */
const PROJECT = {
  'sm_project.yml': [
    'name: cmp',
    "version: '1.0'",
    'profile: cmp',
    'models:',
    '  cmp:',
    `    +post-hook: "insert into run_log select '{{ this.identifier }}', '{{ flags.FULL_REFRESH }}', '{{ is_incremental() }}', '{{ should_full_refresh() }}'"`,
    'on-run-start: "create table if not exists run_log (model varchar, fr varchar, inc varchar, sfr varchar)"',
    '',
  ].join('\n'),
  'profiles.yml': 'cmp:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/cmp.duckdb\n      threads: 1\n',
  'macros/m.sql':
    '{% macro since_filter(col) %}\n{% if is_incremental() %}\n{% set rel = adapter.get_relation(this.database, this.schema, this.identifier) %}\nwhere {{ col }} > (select coalesce(max({{ col }}), -1) from {{ rel }})\n{% endif %}\n{% endmacro %}\n',
  'models/src.sql': "{{ config(materialized='table') }}\nselect i as id, i * 10 as v{% if var('n', 3) > 3 %}, 'x' as extra{% endif %} from range({{ var('n', 3) }}) t(i)\n",
  'models/inc_a.sql': "{{ config(materialized='incremental', on_schema_change='append_new_columns') }}\nselect * from {{ ref('src') }} {{ since_filter('id') }}\n",
  'models/inc_b.sql':
    "{{ config(materialized='incremental', unique_key='id', on_schema_change='sync_all_columns') }}\nselect id, v + {{ var('n', 3) }} as v{% if var('n', 3) > 3 %}, extra{% endif %} from {{ ref('src') }}\n{% if is_incremental() %}where id >= (select max(id) - 1 from {{ this }}){% endif %}\n",
  'models/inc_c.sql':
    "{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='id') }}\n{% set existing = load_relation(this) %}\nselect id, '{{ \"has\" if existing is not none else \"none\" }}' as seen_this from {{ ref('src') }}\n",
};

const range = (n: number, f: (i: number) => Record<string, unknown>) => Array.from({ length: n }, (_, i) => f(i));

describe('incremental runs see what dbt shows them', () => {
  it('is_incremental() in hooks and macros, full-refresh flags, this, on_schema_change: the rows dbt 1.11 leaves', async () => {
    const dir = writeProject(PROJECT);
    const opts = (n: number, fullRefresh = false): InvocationOptions => ({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {}, vars: { n }, fullRefresh });
    for (const [n, fr] of [[3, false], [6, false], [8, true], [9, false]] as const) {
      const o = await execute(opts(n, fr), 'run');
      expect(o.results.map((r) => `${r.name} ${r.status} ${r.message}`).join('\n'), `run with n=${n}`).not.toMatch(/ error /);
    }
    const log = (fr: string, inc: string) => ['src', 'inc_a', 'inc_b', 'inc_c'].map((model) => ({ model, fr, inc: model === 'src' ? 'False' : inc, sfr: fr }));
    expect(await rows(opts(9), 'select model, fr, inc, sfr from run_log order by rowid')).toEqual([...log('False', 'False'), ...log('False', 'True'), ...log('True', 'False'), ...log('False', 'True')]);
    expect(await rows(opts(9), 'select id::int as id, v::int as v, extra from inc_a order by id')).toEqual(range(9, (i) => ({ id: i, v: i * 10, extra: 'x' })));
    expect(await rows(opts(9), 'select id::int as id, v::int as v, extra from inc_b order by id')).toEqual(range(9, (i) => ({ id: i, v: i * 10 + (i >= 6 ? 9 : 8), extra: 'x' })));
    expect(await rows(opts(9), 'select id::int as id, seen_this from inc_c order by id')).toEqual(range(9, (i) => ({ id: i, seen_this: 'has' })));
    expect(await rows(opts(9), "select table_name, column_name, data_type from information_schema.columns where table_name in ('inc_a', 'inc_b') order by table_name, ordinal_position")).toEqual(
      ['inc_a', 'inc_b'].flatMap((t) => [
        { table_name: t, column_name: 'id', data_type: 'BIGINT' },
        { table_name: t, column_name: 'v', data_type: 'BIGINT' },
        { table_name: t, column_name: 'extra', data_type: 'VARCHAR' },
      ]),
    );
  });
});

describe('selected_resources', () => {
  it('lists what this invocation selected, in a model and in on-run-end, also when the compile is reused (dbt 1.11: 1, 2, 1)', async () => {
    const dir = writeProject({
      'sm_project.yml': 'name: sr\nprofile: sr\non-run-end: "create or replace table end_log as select {{ selected_resources | length }} as n, \'{{ selected_resources | sort | join(\',\') }}\' as ids"\n',
      'profiles.yml': 'sr:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/sr.duckdb\n      threads: 1\n',
      'models/a.sql': 'select {{ selected_resources | length }} as n',
      'models/b.sql': 'select 1 as x',
    });
    const opts = (select: string[]): InvocationOptions => ({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {}, select });
    const seen = [];
    for (const select of [['a'], ['a', 'b'], ['a']]) {
      expect((await execute(opts(select), 'run')).status).toBe('success');
      seen.push(...(await rows(opts(select), 'select (select n from a)::int as a_n, n::int as end_n, ids from end_log')));
    }
    expect(seen).toEqual([
      { a_n: 1, end_n: 1, ids: 'model.sr.a' },
      { a_n: 2, end_n: 2, ids: 'model.sr.a,model.sr.b' },
      { a_n: 1, end_n: 1, ids: 'model.sr.a' },
    ]);
  });
});
