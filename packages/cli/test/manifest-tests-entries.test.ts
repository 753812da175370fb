import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';
type Entry = Record<string, any>;
const readJson = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, 'target', file), 'utf8')) as Record<string, any>;

// Every expected value was recorded from `dbt build` (dbt-core 1.11.16, dbt-duckdb 1.11.1) on the
// same files, 5 Dec 2026.
describe("tests' and unit tests' manifest entries, as dbt 1.11 writes them", () => {
  it("puts a test's stored failures where the project's generate_schema_name says, and writes dbt's refs order, unit test entry and metadata", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      // The project's own macro places every node with a custom schema, tests' dbt_test__audit included.
      'macros/generate_schema_name.sql':
        '{% macro generate_schema_name(custom_schema_name, node) %}\n  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}audit_{{ custom_schema_name | trim }}{%- endif -%}\n{% endmacro %}\n',
      'models/parent.sql': "select 1 as id, 'a' as k union all select 2, 'b'",
      'models/child.sql': 'select 1 as id, 1 as parent_id union all select 2, 3',
      'models/s.yml': `version: 2
models:
  - name: child
    columns:
      - name: parent_id
        data_tests:
          - relationships:
              to: ref('parent')
              field: id
              config: {store_failures: true, severity: warn}
unit_tests:
  - name: ut_child
    model: child
    given:
      - input: ref('parent')
        rows:
          - {id: 1, k: "it's", f: 4.5, tiny: 0.00001, flag: true, nothing: null}
    expect:
      rows:
        - {id: 1, parent_id: 1}
        - {id: 2, parent_id: 3}
`,
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('failing rows stored in "dev"."audit_dbt_test__audit"."relationships_child_parent_id__id__ref_parent_"');
    const m = readJson(dir, 'manifest.json');
    const t = m.nodes['test.demo.relationships_child_parent_id__id__ref_parent_.ae4782e24d'] as Entry;
    expect(t.schema).toBe('audit_dbt_test__audit');
    // dbt's name carries the database ("dev"."audit_..."), as sm's does on DuckDB.
    expect(t.relation_name).toBe('"dev"."audit_dbt_test__audit"."relationships_child_parent_id__id__ref_parent_"');
    expect(t.refs.map((x: Entry) => x.name)).toEqual(['parent', 'child']);
    expect(t.depends_on.nodes).toEqual(['model.demo.parent', 'model.demo.child']);
    const u = m.unit_tests['unit_test.demo.child.ut_child'] as Entry;
    expect(Object.keys(u)).toEqual(['model', 'given', 'expect', 'name', 'resource_type', 'package_name', 'path', 'original_file_path', 'unique_id', 'fqn', 'description', 'overrides', 'depends_on', 'config', 'checksum', 'schema', 'created_at', 'versions', 'version']);
    expect(u).toMatchObject({
      given: [{ input: "ref('parent')", rows: [{ id: 1, k: "it's", f: 4.5, tiny: 1e-5, flag: true, nothing: null }], format: 'dict', fixture: null }],
      expect: { rows: [{ id: 1, parent_id: 1 }, { id: 2, parent_id: 3 }], format: 'dict', fixture: null },
      path: 's.yml',
      original_file_path: 'models/s.yml',
      checksum: 'a4feaadd9695bc8e8ab6fa6af047082c01ef2cba87873bd87c434a2336d02e40',
      schema: 'main',
      versions: null,
      version: null,
    });
    expect(Object.keys(m.metadata)).toEqual(['dbt_schema_version', 'dbt_version', 'generated_at', 'invocation_id', 'invocation_started_at', 'env', 'project_name', 'project_id', 'user_id', 'send_anonymous_usage_stats', 'adapter_type', 'quoting', 'run_started_at']);
    expect(m.metadata.quoting).toEqual({ database: true, schema: true, identifier: true, column: null });
    expect(m.metadata.invocation_started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(m.metadata.run_started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    const rr = readJson(dir, 'run_results.json');
    expect(Object.keys(rr.metadata)).toEqual(['dbt_schema_version', 'dbt_version', 'generated_at', 'invocation_id', 'invocation_started_at', 'env']);
    expect(rr.metadata.invocation_id).toBe(m.metadata.invocation_id);
    expect(rr.metadata.invocation_started_at).toBe(m.metadata.invocation_started_at);
    expect(Date.parse(m.metadata.invocation_started_at)).toBeLessThanOrEqual(Date.parse(m.metadata.generated_at));
    // The failing row is in the table dbt would have written.
    const shown = await sm('show', '--project-dir', dir, '--inline', 'select * from audit_dbt_test__audit.relationships_child_parent_id__id__ref_parent_');
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(/from_field[\s\S]*\b3\b/);
  });

  it("writes a source's generic test with the source under sources and no attached node; its log event's attached_node is empty", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'seeds/t.csv': 'id\n1\n',
      'models/s.yml': 'version: 2\nsources:\n  - name: src\n    schema: main\n    tables:\n      - name: t\n        columns:\n          - name: id\n            data_tests: [not_null]\n',
    });
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    const r = await sm('test', '--project-dir', dir, '--log-format', 'json');
    expect(r.code, r.err).toBe(0);
    const m = readJson(dir, 'manifest.json');
    expect(Object.values(m.nodes as Record<string, Entry>).find((n) => n.name === 'source_not_null_src_t_id')).toMatchObject({
      refs: [],
      sources: [['src', 't']],
      attached_node: null,
      file_key_name: 'sources.src',
      depends_on: { nodes: ['source.demo.src.t'] },
      test_metadata: { name: 'not_null', kwargs: { column_name: 'id', model: "{{ get_where_subquery(source('src', 't')) }}" }, namespace: null },
    });
    const logged = r.out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { info: { name: string }; data: Record<string, unknown> });
    expect(logged.find((l) => l.info.name === 'LogTestResult')?.data).toMatchObject({ name: 'source_not_null_src_t_id', attached_node: '' });
  });

  // Recorded from `dbt parse` (dbt-core 1.11.16) on these files: TestConfig.finalize_and_validate
  // settles the pair, store_failures_as deciding store_failures, else store_failures deciding it.
  it('writes store_failures and store_failures_as settled, as dbt does, and a manifest of them is not state:modified', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\ndata_tests:\n  demo:\n    sub:\n      +store_failures_as: view\n",
      'models/m.sql': 'select 1 as id, 2 as b, 3 as c\n',
      'models/s.yml': `models:
  - name: m
    columns:
      - name: id
        data_tests:
          - unique: {config: {store_failures_as: view}}
          - not_null: {config: {store_failures: true}}
          - accepted_values: {arguments: {values: [1]}}
      - name: b
        data_tests:
          - unique: {config: {store_failures_as: ephemeral}}
          - not_null: {config: {store_failures: false}}
      - name: c
        data_tests:
          - unique: {config: {store_failures: false, store_failures_as: table}}
`,
      'models/sub/m2.sql': 'select 1 as id\n',
      'models/sub/s2.yml': 'models:\n  - name: m2\n    columns:\n      - name: id\n        data_tests:\n          - unique: {config: {store_failures: false}}\n',
      'tests/t1.sql': "{{ config(store_failures=true) }}\nselect * from {{ ref('m') }} where false\n",
      'tests/t3.sql': "select * from {{ ref('m') }} where false\n",
    });
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    const m = readJson(dir, 'manifest.json');
    const settled = Object.fromEntries(
      Object.values(m.nodes as Record<string, Entry>)
        .filter((n) => n.resource_type === 'test')
        .map((n) => [n.name, [n.config.store_failures, n.config.store_failures_as]]),
    );
    expect(settled).toEqual({
      unique_m_id: [true, 'view'],
      not_null_m_id: [true, 'table'],
      accepted_values_m_id__1: [null, null],
      unique_m_b: [false, 'ephemeral'],
      not_null_m_b: [false, 'ephemeral'],
      unique_m_c: [true, 'table'],
      unique_m2_id: [true, 'view'],
      t1: [true, 'table'],
      t3: [null, null],
    });
    mkdirSync(join(dir, 'prev'));
    copyFileSync(join(dir, 'target', 'manifest.json'), join(dir, 'prev', 'manifest.json'));
    const ls = await sm('ls', '--project-dir', dir, '--state', join(dir, 'prev'), '-s', 'state:modified', '--output', 'name', '-q');
    expect(ls.code, ls.err).toBe(0);
    expect(ls.out.trim()).toBe('');
  });

  it("lists a test's sources before its refs in depends_on, as every other node's (singular, generic on a model, generic on a source)", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'seeds/sd.csv': 'a,b\n1,2\n',
      'models/base.sql': 'select 1 as x',
      'models/m.sql': "select * from {{ ref('base') }} join {{ source('raw', 'sd') }} on true",
      'tests/t.sql': "select * from {{ ref('base') }} join {{ source('raw', 'sd') }} on true where false",
      'models/s.yml': `sources:
  - name: raw
    schema: main
    tables:
      - name: sd
        columns:
          - name: a
            data_tests:
              - relationships:
                  to: ref('base')
                  field: x
models:
  - name: m
    columns:
      - name: x
        data_tests:
          - relationships:
              to: source('raw', 'sd')
              field: a
`,
    });
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    const nodes = readJson(dir, 'manifest.json').nodes as Record<string, Entry>;
    const deps = (prefix: string) => Object.entries(nodes).find(([id]) => id.startsWith(prefix))![1].depends_on.nodes as string[];
    // dbt 1.11.16 + dbt-duckdb 1.11.1 `dbt parse` on these files (sm listed the refs first for tests).
    expect(deps('test.demo.t')).toEqual(['source.demo.raw.sd', 'model.demo.base']);
    expect(deps('test.demo.relationships_m_x__a__source_raw_sd_.')).toEqual(['source.demo.raw.sd', 'model.demo.m']);
    expect(deps('test.demo.source_relationships_raw_sd_a__x__ref_base_.')).toEqual(['source.demo.raw.sd', 'model.demo.base']);
    expect(deps('model.demo.m')).toEqual(['source.demo.raw.sd', 'model.demo.base']);
  });
});
