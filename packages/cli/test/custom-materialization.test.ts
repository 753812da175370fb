import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryDuckDb, writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

// A materialization written the way dbt's own table materialization is built: build beside,
// rename the old one away, rename the new one in, drop the old, hooks inside and after.
const SWAP = `{% materialization swap_table, default %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set preexisting_intermediate_relation = load_cached_relation(intermediate_relation) -%}
  {%- set backup_relation_type = 'table' if existing_relation is none else existing_relation.type -%}
  {%- set backup_relation = make_backup_relation(target_relation, backup_relation_type) -%}
  {%- set preexisting_backup_relation = load_cached_relation(backup_relation) -%}
  {{ drop_relation_if_exists(preexisting_intermediate_relation) }}
  {{ drop_relation_if_exists(preexisting_backup_relation) }}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {% call statement('main') -%}
    {{ get_create_table_as_sql(False, intermediate_relation, sql) }}
  {%- endcall %}
  {% if existing_relation is not none %}
    {{ adapter.rename_relation(existing_relation, backup_relation) }}
  {% endif %}
  {{ adapter.rename_relation(intermediate_relation, target_relation) }}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ drop_relation_if_exists(backup_relation) }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
`;

const FILES = {
  'profiles.yml': PROFILE,
  'macros/swap_table.sql': SWAP,
  'models/swapped.sql': [
    "{{ config(materialized='swap_table', pre_hook=\"create table if not exists hook_log (what varchar)\", post_hook=[\"insert into hook_log values ('post {{ this.identifier }}')\", {\"sql\": \"insert into hook_log values ('after commit')\", \"transaction\": false}]) }}",
    "select {{ var('n', 1) }} as n, 'x' as label{% if var('break', false) %} from no_such_table{% endif %}",
  ].join('\n'),
  'models/downstream.sql': "select n * 2 as doubled from {{ ref('swapped') }}",
};

const q = async (dir: string, sql: string) => (await queryDuckDb(join(dir, 'demo.duckdb'), sql)).map((r) => Object.values(r).map(String).join(':')).join(' ');

// dbt-core 1.11.16 with dbt-duckdb 1.11.1 on the same files (5 Dec 2026), run twice (the second
// with --vars '{n: 5}'): swapped 5:x, downstream 10, hook_log 'after commit' and 'post swapped'
// twice each, no intermediate or backup relation left, both results success.
describe("a project's own materialization, run as dbt runs it", () => {
  it('builds through the macro: statements, relations renamed, hooks in and after the transaction', async () => {
    const dir = writeProject(FILES);
    let r = await sm('run', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    r = await sm('run', '--project-dir', dir, '--vars', '{n: 5}');
    expect(r.code, r.out + r.err).toBe(0);
    expect(await q(dir, 'select * from swapped')).toBe('5:x');
    expect(await q(dir, 'select * from downstream')).toBe('10');
    expect(await q(dir, 'select what from hook_log order by all')).toBe('after commit after commit post swapped post swapped');
    expect(await q(dir, 'select table_name, table_type from information_schema.tables order by all')).toBe('downstream:VIEW hook_log:BASE TABLE swapped:BASE TABLE');
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] }).results;
    expect(results.map((x) => `${x.unique_id}:${x.status}`)).toEqual(['model.demo.swapped:success', 'model.demo.downstream:success']);

    // A statement that fails fails the model with the warehouse's words; what the macro had not replaced stays.
    r = await sm('run', '--project-dir', dir, '--vars', '{n: 7, break: true}');
    expect(r.code).toBe(1);
    expect(r.out).toContain('no_such_table does not exist');
    expect(await q(dir, 'select * from swapped')).toBe('5:x');
  });

  it('an unknown materialization is an error that says none is defined', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/typo.sql': "{{ config(materialized='tabel') }}\nselect 1 as id", 'models/plain.sql': 'select 1 as id' });
    const r = await sm('run', '--project-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Unknown materialization "tabel" on typo (models/typo.sql): no {% materialization tabel %} in the project\'s macros');
    expect(r.out).toMatch(/SUCCESS view plain/);
  });
});
