import { readFileSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute, type InvocationOptions } from '@smsql/core';
import { queryTarget as rows, writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/** Ten seconds back, so the compile store is trusted (a proof within two seconds of a change is void). */
function age(dir: string): void {
  const then = new Date(Date.now() - 10_000);
  for (const e of readdirSync(dir, { recursive: true, encoding: 'utf8' })) if (!e.startsWith('target')) utimesSync(join(dir, e), then, then);
}

describe('a template that asks the warehouse is rendered at execution, with the node connection', () => {
  it('builds with the answers of run_query, in a cold run and in a run from the compile store', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/a.sql': 'select 1 as id union all select 2',
      'models/b.sql': "{% if execute %}{% set n = run_query('select count(*) as n from ' ~ ref('a')).columns[0].values()[0] %}{% else %}{% set n = -1 %}{% endif %}select {{ n }} as rows_in_a",
      'models/c.sql': "{{ config(materialized='incremental') }}select {% if execute %}{{ run_query('select max(id) from ' ~ ref('a')).columns[0].values()[0] }}{% else %}0{% endif %} as top{% if is_incremental() %} where {{ run_query('select count(*) from ' ~ this).columns[0].values()[0] }} < 5{% endif %}",
    });
    age(dir);
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    const first = await execute(opts, 'run');
    expect(first.results.map((r) => [r.name, r.status])).toEqual([['a', 'success'], ['b', 'success'], ['c', 'success']]);
    expect(await rows(opts, 'select rows_in_a::int as n from main.b')).toEqual([{ n: 2 }]);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/b.sql'), 'utf8')).toBe('select 2 as rows_in_a');
    // From the store: compile renders nothing, execution renders b and c again with the warehouse.
    const again = await execute(opts, 'run');
    expect(again.compilation.reused).toBe(true);
    expect(again.results.map((r) => [r.name, r.status, r.message])).toEqual([['a', 'success', 'CREATE VIEW'], ['b', 'success', 'CREATE VIEW'], ['c', 'success', '+1 rows']]);
    expect(await rows(opts, 'select top::int as t from main.c order by 1')).toEqual([{ t: 2 }, { t: 2 }]);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/c.sql'), 'utf8')).toBe('select 2 as top where 1 < 5');
  });
});

describe('an incremental model that asks the warehouse only when incremental', () => {
  it("renders its incremental SQL with the warehouse's answer (dbt's high-water mark), cold and from the store", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/src.sql': "{{ config(materialized='table') }}select * from range({{ var('n', 3) }}) t(id)",
      'models/inc.sql':
        "{{ config(materialized='incremental') }}\n{% if is_incremental() %}\n{% set hi = run_query('select max(id) from ' ~ this).columns[0].values()[0] %}\nselect id from {{ ref('src') }} where id > {{ hi }}\n{% else %}\nselect id from {{ ref('src') }}\n{% endif %}\n",
    });
    age(dir);
    const opts = (n: number): InvocationOptions => ({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {}, vars: { n } });
    expect((await execute(opts(3), 'run')).status).toBe('success');
    // Cold: vars changed, so compile renders again; the incremental SQL must not be the parse phase's (`where id >`).
    const cold = await execute(opts(6), 'run');
    expect(cold.results.map((r) => [r.name, r.status, r.message])).toEqual([['src', 'success', 'CREATE TABLE'], ['inc', 'success', '+3 rows']]);
    expect(readFileSync(join(dir, 'target/run/demo/models/inc.sql'), 'utf8')).toContain('where id > 2');
    // From the compile store: the same answer asked again at execution.
    const warm = await execute(opts(6), 'run');
    expect(warm.compilation.reused).toBe(true);
    expect(warm.results.map((r) => [r.name, r.status, r.message])).toEqual([['src', 'success', 'CREATE TABLE'], ['inc', 'success', '+0 rows']]);
    expect(await rows(opts(6), 'select count(*)::int as n, count(distinct id)::int as d, max(id)::int as hi from main.inc')).toEqual([{ n: 6, d: 6, hi: 5 }]);
  });
});

describe("hooks that ask is_incremental()", () => {
  it('render with the answer of the run they belong to, for incremental and external models, cold and from the store', async () => {
    const log = "create table if not exists hook_log (model varchar, what varchar); insert into hook_log values ('{{ this.identifier }}', '{{ 'incremental' if is_incremental() else 'full' }}')";
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/src.sql': "{{ config(materialized='table') }}select i as id, i % 2 as p from range({{ var('n', 3) }}) t(i)",
      'models/inc.sql': `{{ config(materialized='incremental', pre_hook="${log}") }}select id from {{ ref('src') }}{% if is_incremental() %} where id > (select max(id) from {{ this }}){% endif %}`,
      'models/ext.sql': `{{ config(materialized='external', incremental_strategy='insert_overwrite', options={'partition_by': 'p'}, post_hook="${log}") }}select * from {{ ref('src') }}`,
    });
    age(dir);
    const opts = (n: number): InvocationOptions => ({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {}, vars: { n } });
    expect((await execute(opts(3), 'run')).status).toBe('success');
    expect((await execute(opts(6), 'run')).status).toBe('success');
    const warm = await execute(opts(6), 'run');
    expect(warm.status).toBe('success');
    expect(warm.compilation.reused).toBe(true);
    // dbt-core 1.11.16 logs the same for the incremental model: full once, then incremental.
    expect(await rows(opts(6), "select model, string_agg(what, ',' order by rowid) as seen from hook_log group by 1 order by 1")).toEqual([
      { model: 'ext', seen: 'full,incremental,incremental' },
      { model: 'inc', seen: 'full,incremental,incremental' },
    ]);
  });
});

/**
 * Introspection in models as packages use it (a dbt_utils.get_column_values-style macro called
 * through the project's namespace, adapter.get_columns_in_relation, statement + load_result),
 * built by `sm build`. The compiled SQL and rows are what dbt-core 1.11.16 with dbt-duckdb 1.11.1
 * built from the same files (its "x". database qualifier removed).
 */
const INTRO = {
  'profiles.yml': PROFILE,
  'macros/column_values.sql': "{% macro column_values(relation, column) %}\n  {%- if not execute -%}{{ return([]) }}{%- endif -%}\n  {%- set q -%}select distinct {{ column }} as v from {{ relation }} order by 1{%- endset -%}\n  {{ return(run_query(q).columns[0].values() | list) }}\n{% endmacro %}\n",
  'seeds/orders.csv': 'id,status,amount,secret\n1,placed,10,x\n2,shipped,20,y\n3,placed,5,z\n4,returned,7,w\n',
  'models/by_status.sql': "select\n{%- for s in demo.column_values(ref('orders'), 'status') %}\n  sum(case when status = '{{ s }}' then amount else 0 end) as {{ s }}_amount{{ ',' if not loop.last }}\n{%- endfor %}\n{%- if not execute %} 1 as parse_only{% endif %}\nfrom {{ ref('orders') }}\n",
  'models/no_secret.sql': "{%- set cols = adapter.get_columns_in_relation(ref('orders')) -%}\nselect {% for c in cols if c.name != 'secret' %}{{ c.name }}{{ ', ' if not loop.last }}{% endfor %}{% if not cols %}*{% endif %}\nfrom {{ ref('orders') }}\n",
  'models/total.sql': "{%- call statement('total', fetch_result=True) -%}select sum(amount) as s, count(*) as n from {{ ref('orders') }}{%- endcall -%}\n{%- set r = load_result('total') -%}\nselect {{ r['data'][0][0] if r else 0 }} as total, {{ r.table.columns['n'].values()[0] if r else 0 }} as n\n-- depends_on: {{ ref('orders') }}\n",
  'models/plain.sql': "select count(*) as n from {{ ref('orders') }}\n",
};

describe('models that introspect the warehouse, built as dbt builds them', () => {
  it('get the warehouse\'s answers at execution; the rest runs from compiled SQL', async () => {
    const dir = writeProject(INTRO);
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    const o = await execute(opts, 'build');
    expect(o.results.map((r) => [r.name, r.status])).toEqual([['orders', 'success'], ['by_status', 'success'], ['no_secret', 'success'], ['plain', 'success'], ['total', 'success']]);
    // Only the templates that asked the warehouse wait for execution to render.
    const needs = [...o.compilation.compiled.nodes.values()].filter((n) => n.needsWarehouse).map((n) => n.name).sort();
    expect(needs).toEqual(['by_status', 'no_secret', 'total']);
    const compiled = (m: string) => readFileSync(join(dir, `target/compiled/demo/models/${m}.sql`), 'utf8').trimEnd();
    expect(compiled('by_status')).toBe("select\n  sum(case when status = 'placed' then amount else 0 end) as placed_amount,\n  sum(case when status = 'returned' then amount else 0 end) as returned_amount,\n  sum(case when status = 'shipped' then amount else 0 end) as shipped_amount\nfrom \"demo\".\"main\".\"orders\"");
    expect(compiled('no_secret')).toBe('select id, status, amount\nfrom "demo"."main"."orders"');
    expect(compiled('total')).toBe('select 42 as total, 4 as n\n-- depends_on: "demo"."main"."orders"');
    expect(await rows(opts, 'select * from main.by_status')).toEqual([{ placed_amount: 15n, returned_amount: 7n, shipped_amount: 20n }]);
    expect(await rows(opts, 'select * from main.no_secret order by id')).toEqual([
      { id: 1, status: 'placed', amount: 10 },
      { id: 2, status: 'shipped', amount: 20 },
      { id: 3, status: 'placed', amount: 5 },
      { id: 4, status: 'returned', amount: 7 },
    ]);
    expect(await rows(opts, 'select * from main.total')).toEqual([{ total: 42, n: 4 }]);
  });
});

describe('a template that puts the time into what it asks the warehouse', () => {
  it('reads the same time on each render of the node, so its questions repeat (elementary writes generated_at into its inserts)', async () => {
    // Each answer renders the node again from the start; a second clock reading there used to
    // change the first question and fail the model ("asked the warehouse something else").
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/stamped.sql': [
        "{% if execute %}",
        "{% set t = modules.datetime.datetime.utcnow() %}",
        "{% do run_query(\"create or replace table main.stamps as select '\" ~ t ~ \"' as ts, (select count(*) from range(2000000)) as n\") %}",
        "{% do run_query('insert into main.stamps select ts, n from main.stamps') %}",
        "{% set again = modules.datetime.datetime.utcnow() %}",
        "{% do run_query(\"insert into main.stamps select '\" ~ again ~ \"', 0\") %}",
        "{% endif %}",
        'select 1 as id',
      ].join('\n'),
    });
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    const o = await execute(opts, 'run');
    expect(o.results.map((r) => [r.name, r.status, r.status === 'success' ? '' : r.message])).toEqual([['stamped', 'success', '']]);
    // Each statement ran once: the table, its one row copied, the second reading's row.
    expect(await rows(opts, 'select count(*)::int as n from main.stamps')).toEqual([{ n: 3 }]);
  });
});
