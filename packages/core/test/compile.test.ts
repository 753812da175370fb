import { describe, expect, it } from 'vitest';
import { BaseDialect, compile, isSmProjectError, type Adapter, type Diagnostic, type InvocationOptions } from '../src/index.ts';
import { writeProject } from './fixture.ts';

// Compile needs no warehouse: an adapter that can only render SQL text.
const offline: Adapter = {
  type: 'duckdb',
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('compile must not connect')),
};

const opts = (projectDir: string, extra: Partial<InvocationOptions> = {}): InvocationOptions => ({ projectDir, adapters: { duckdb: () => offline }, ...extra });

async function diagnosticsOf(files: Record<string, string>): Promise<Diagnostic[]> {
  try {
    await compile(opts(writeProject(files)));
  } catch (e) {
    if (isSmProjectError(e)) return [...e.diagnostics];
    throw e;
  }
  throw new Error('expected compile to fail');
}

describe('compile', () => {
  it('renders ref, source, config, var, this and macros, and knows the relation from config alone', async () => {
    const dir = writeProject({
      'sm_project.yml': 'name: demo\nprofile: demo\nvars:\n  min_id: 2\nmodels:\n  demo:\n    marts:\n      +materialized: table\n      +schema: marts\n',
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n',
      // b is rendered first alphabetically but refers to a, whose config() moves it to another schema.
      'models/marts/b.sql': "select *, '{{ this }}' as me from {{ ref('a') }} where id >= {{ var('min_id') }} and {{ upper_it('x') }} = 'X'",
      'models/a.sql': "{{ config(schema='core', alias='a_alias') }}\nselect id from {{ source('raw', 'events') }}",
      'macros/upper_it.sql': "{% macro upper_it(col) %}upper('{{ col }}'){% endmacro %}",
    });
    const c = await compile(opts(dir));
    const b = c.compiled.nodes.get('model.demo.b') as { compiledCode: string; config: { materialized: string }; dependsOn: { nodes: string[] } };
    expect(b.compiledCode).toBe(`select *, '"main_marts"."b"' as me from "main_core"."a_alias" where id >= 2 and upper('x') = 'X'`);
    expect(b.config.materialized).toBe('table');
    expect(b.dependsOn.nodes).toEqual(['model.demo.a']);
    const a = c.compiled.nodes.get('model.demo.a') as { compiledCode: string; dependsOn: { nodes: string[] } };
    expect(a.compiledCode).toContain('from "raw"."events"');
    expect(a.dependsOn.nodes).toEqual(['source.demo.raw.events']);
    expect(c.selected.indexOf('model.demo.a')).toBeLessThan(c.selected.indexOf('model.demo.b'));
  });

  // The shapes recorded from `dbt compile` (dbt-core 1.11.16): `__dbt__cte__<identifier>`, each
  // definition ` name as (\n...\n)` joined by `, `; after the model's own `with` (and the
  // whitespace after it) with `, ` before its CTEs, else `with` in front and a space after.
  it('inlines ephemeral models as CTEs named as dbt names them, merging with an existing with clause', async () => {
    const dir = writeProject({
      'models/e1.sql': "{{ config(materialized='ephemeral') }}select 1 as id",
      'models/e2.sql': "{{ config(materialized='ephemeral', alias='two') }}select id from {{ ref('e1') }}",
      'models/m.sql': "with x as (select * from {{ ref('e2') }})\nselect * from x",
      'models/p.sql': "-- c\nselect * from {{ ref('e1') }}",
      'models/r.sql': "-- c\nWITH RECURSIVE\n  x as (select * from {{ ref('e1') }})\nselect * from x",
    });
    const c = await compile(opts(dir));
    const code = (id: string) => (c.compiled.nodes.get(`model.demo.${id}`) as { compiledCode: string }).compiledCode;
    expect(code('m')).toBe('with  __dbt__cte__e1 as (\nselect 1 as id\n),  __dbt__cte__two as (\nselect id from __dbt__cte__e1\n), x as (select * from __dbt__cte__two)\nselect * from x');
    expect(code('p')).toBe('with __dbt__cte__e1 as (\nselect 1 as id\n) -- c\nselect * from __dbt__cte__e1');
    expect(code('r')).toBe('-- c\nWITH RECURSIVE\n   __dbt__cte__e1 as (\nselect 1 as id\n), x as (select * from __dbt__cte__e1)\nselect * from x');
    expect((c.compiled.nodes.get('model.demo.m') as { extraCtes: unknown }).extraCtes).toEqual([
      { id: 'model.demo.e1', sql: ' __dbt__cte__e1 as (\nselect 1 as id\n)' },
      { id: 'model.demo.e2', sql: ' __dbt__cte__two as (\nselect id from __dbt__cte__e1\n)' },
    ]);
  });

  it('supports the Jinja that dbt users write', async () => {
    const dir = writeProject({
      'models/j.sql': [
        "{% set ns = namespace(n=0) %}{% for c in ['a','b','c'] %}{% set ns.n = ns.n + 1 %}{% endfor %}",
        "{% set cols = 'x, y'.split(', ') %}{% do cols.append('z') %}",
        "select {{ ns.n }} as n, '{{ cols | join('|') }}' as c, '{{ 'Ab'.upper() }}' as u, {{ is_incremental() }} as inc, {{ {'k': 1} | tojson }} as j{% if True and not False and None is none %}, 1 as t{% endif %}",
      ].join('\n'),
      'macros/ret.sql': '{% macro twice(x) %}{{ return(x * 2) }}{% endmacro %}',
      'models/r.sql': 'select {{ twice(21) }} as v',
    });
    const c = await compile(opts(dir));
    // dbt-core 1.11.16 compiled j to this (8 Dec 2026), the two lines of sets leaving their newlines.
    expect((c.compiled.nodes.get('model.demo.j') as { compiledCode: string }).compiledCode).toBe(`\n\nselect 3 as n, 'x|y|z' as c, 'AB' as u, False as inc, {"k": 1} as j, 1 as t`);
    expect((c.compiled.nodes.get('model.demo.r') as { compiledCode: string }).compiledCode).toBe('select 42 as v');
  });

  it("gives a generic test's `model` dbt's test node, and graph its manifest entry (path, patch_path, kwargs with model, relation_name)", async () => {
    // dbt 1.11.16 compiled this test to the line below (no namespace key: it prints nothing), but
    // for the relation name's database ("d"."main"."m"), which sm leaves out of relation names.
    const dir = writeProject({
      'sm_project.yml': 'name: tm\nprofile: demo\n',
      'macros/t.sql': [
        '{% macro node_of_test() %}{{ return(model) }}{% endmacro %}',
        '{% test shows_model(model, column_name, limit_to=none) %}',
        '{% set t = node_of_test() %}',
        '{% if execute %}',
        '{% set g = graph.nodes[t.unique_id] %}',
        "select '{{ t.attached_node }}|{{ t.column_name }}|{{ t.test_metadata.name }}|{{ t.test_metadata.namespace }}|{{ t.test_metadata.kwargs.limit_to }}|{{ t.resource_type }}|{{ t.alias }}|{{ t.depends_on.nodes }}|{{ t.test_metadata.kwargs.model }}|{{ g.path }}|{{ graph.nodes[\"model.tm.m\"].patch_path }}|{{ g.test_metadata.kwargs.model }}|{{ graph.nodes[\"model.tm.m\"].relation_name }}|{{ g.relation_name }}' as x where false",
        '{% endif %}',
        '{% endtest %}',
      ].join('\n'),
      'models/m.sql': 'select 1 as id',
      'models/s.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - shows_model:\n              arguments:\n                limit_to: 3\n',
    });
    const c = await compile(opts(dir));
    const t = [...c.compiled.nodes.values()].find((n) => n.resourceType === 'test') as { compiledCode: string };
    expect(t.compiledCode.trim()).toBe(
      `select 'model.tm.m|id|shows_model||3|test|shows_model_m_id__3|['model.tm.m']|{{ get_where_subquery(ref('m')) }}|shows_model_m_id__3.sql|tm://models/s.yml|{{ get_where_subquery(ref('m')) }}|"main"."m"|None' as x where false`,
    );
  });

  it('reports a missing ref with file, line and the closest names', async () => {
    const ds = await diagnosticsOf({ 'models/stg_users.sql': 'select 1', 'models/dim.sql': "select *\nfrom {{ ref('stg_user') }}" });
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: 'SM_REF_NOT_FOUND', location: { file: 'models/dim.sql', line: 2 } });
    expect(ds[0]!.hint).toContain('"stg_users"');
  });

  it('reports a cycle naming every node on it, and collects all problems at once', async () => {
    const ds = await diagnosticsOf({
      'models/a.sql': "select * from {{ ref('c') }}",
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/c.sql': "select * from {{ ref('b') }}",
      'models/bad.sql': 'select {{ oops( }}',
    });
    const cycle = ds.find((d) => d.code === 'SM_CYCLE')!;
    expect(cycle.message).toContain('a -> c -> b -> a');
    expect(ds.find((d) => d.code === 'SM_TEMPLATE_SYNTAX')).toMatchObject({ location: { file: 'models/bad.sql', line: 1 } });
  });

  it('reports YAML syntax errors with file and line', async () => {
    const ds = await diagnosticsOf({ 'models/a.sql': 'select 1', 'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n   columns: []\n' });
    expect(ds[0]).toMatchObject({ code: 'SM_YAML', location: { file: 'models/schema.yml', line: 4 } });
  });

  it('rejects unknown tests, tests missing an argument, unknown sources and vars', async () => {
    const ds = await diagnosticsOf({
      'models/a.sql': "select 1 as id from {{ source('raw', 'nope') }} where {{ var('missing') }}",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests:\n          - uniq\n          - accepted_values: {quote: true}\n',
    });
    const codes = ds.map((d) => d.code).sort();
    expect(codes).toEqual(['SM_SOURCE_NOT_FOUND', 'SM_TEST_INVALID', 'SM_TEST_INVALID', 'SM_VAR_MISSING']);
    expect(ds.find((d) => d.message.includes('"uniq"'))!.hint).toContain('unique');
    expect(ds.find((d) => d.message.includes('"values"'))!.location?.file).toBe('models/schema.yml');
  });

  it('resolves env_var in profiles and never renders secrets into SQL', async () => {
    const dir = writeProject({
      'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n      schema: \"{{ env_var('SM_TEST_SCHEMA', 'main') }}\"\n      password: \"{{ env_var('SM_TEST_PW') }}\"\n",
      'models/a.sql': "select '{{ target.schema }}' as s, '{{ target.password }}' as p",
    });
    const c = await compile(opts(dir, { env: { SM_TEST_PW: 'hunter22', SM_TEST_SCHEMA: 'analytics' } }));
    expect((c.compiled.nodes.get('model.demo.a') as { compiledCode: string }).compiledCode).toBe("select 'analytics' as s, '' as p");
    expect(c.project.secrets).toEqual(['hunter22']);
    const ds = await compile(opts(dir, { env: {} })).then(() => [], (e) => e.diagnostics as Diagnostic[]);
    expect(ds[0]).toMatchObject({ code: 'SM_ENV_VAR_MISSING' });
    expect(ds[0].message).toContain('SM_TEST_PW');
  });
});
