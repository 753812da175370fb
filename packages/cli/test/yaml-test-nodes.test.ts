import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * Tests declared on a YAML entry that no model file defines. Recorded with dbt 1.11.16 +
 * dbt-duckdb 1.11.1 on this project: `dbt parse` warns "Did not find matching node for patch with
 * name 'ghost'" and "Test 'test.orph.unique_ghost_id.6e451fa511' (models/schema.yml) depends on a
 * node named 'ghost' in package '' which was not found", and its manifest keeps both tests among
 * its nodes (not under `disabled`):
 *   test.orph.unique_ghost_id.6e451fa511 enabled False, schema main (the project's
 *     generate_schema_name's), depends_on {macros: [macro.dbt.test_unique], nodes: []},
 *     attached_node None, refs [{name: ghost, package: None, version: None}]
 *   test.orph.not_null_ghost_id.350935295d likewise with macro.dbt.test_not_null
 * `dbt ls` lists orph.a and orph.unique_a_id; `dbt build` PASS=2, exit 0. sm left the two tests
 * out of its manifest (dbt-labs/rapid-onboarding-exemplar: 7 such nodes, snowflake_frostbyte_tasty_bytes: 2).
 */
const FILES = {
  'dbt_project.yml': "name: orph\nversion: '1.0'\nconfig-version: 2\nprofile: demo\ndata_tests:\n  +schema: audit\n",
  'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: 'target/demo.duckdb', schema: main, threads: 1}\n",
  'models/a.sql': 'select 1 as id\n',
  'macros/s.sql': '{% macro generate_schema_name(custom_schema_name, node) -%}{{ target.schema }}{%- endmacro %}\n',
  'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n  - name: ghost\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
};

describe('tests on a YAML entry no file defines', () => {
  it('are among the manifest nodes, disabled and attached to nothing, and neither listed nor run, as dbt', async () => {
    const dir = writeProject(FILES);
    const parsed = await sm('parse', '--project-dir', dir);
    expect(parsed.code, parsed.err).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>>; disabled: Record<string, unknown> };
    const tests = Object.entries(m.nodes)
      .filter(([id]) => id.startsWith('test.'))
      .map(([id, n]) => [id, (n.config as { enabled: boolean }).enabled, n.schema, n.depends_on, n.attached_node, n.refs]);
    expect(tests).toEqual([
      ['test.orph.unique_a_id.f6a5f640da', true, 'main', { macros: ['macro.dbt.test_unique'], nodes: ['model.orph.a'] }, 'model.orph.a', [{ name: 'a', package: null, version: null }]],
      ['test.orph.unique_ghost_id.6e451fa511', false, 'main', { macros: ['macro.dbt.test_unique'], nodes: [] }, null, [{ name: 'ghost', package: null, version: null }]],
      ['test.orph.not_null_ghost_id.350935295d', false, 'main', { macros: ['macro.dbt.test_not_null'], nodes: [] }, null, [{ name: 'ghost', package: null, version: null }]],
    ]);
    expect(m.disabled).toEqual({});
    const ls = await sm('ls', '--project-dir', dir, '-q');
    expect(ls.out.trim().split('\n')).toEqual(['orph.a', 'orph.unique_a_id']);
    const build = await sm('build', '--project-dir', dir);
    expect(build.code, build.err).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
    expect(results.results.map((r) => [r.unique_id, r.status]).sort()).toEqual([
      ['model.orph.a', 'success'],
      ['test.orph.unique_a_id.f6a5f640da', 'pass'],
    ]);
  });
});

/**
 * A generic test's YAML config with Jinja in it. Recorded with dbt 1.11.16 + dbt-duckdb 1.11.1,
 * `dbt parse` of this project: test.orph.unique_a_id.f6a5f640da has config.where "id < 5", raw_code
 * `{{ test_unique(**_dbt_generic_test_kwargs) }}{{ config(where="id < 5") }}` and unrendered_config
 * {schema: audit, where: "id < 5"} (its test builder renders the config as it parses it). sm wrote
 * `id < {{ var('lim', 5) }}` in all three, in its parse and its compile manifests
 * (dbt-labs/rapid-onboarding-exemplar: `where: "valid_to = '{{ var("future_proof_date") }}'"`).
 */
const RENDERED_YML = "version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests:\n          - unique:\n              config:\n                where: \"id < {{ var('lim', 5) }}\"\n";

describe("a generic test's YAML config", () => {
  it('is rendered as dbt renders it when it parses, in config, raw_code and unrendered_config, and the test still runs', async () => {
    const dir = writeProject({ ...FILES, 'models/schema.yml': RENDERED_YML });
    const build = await sm('build', '--project-dir', dir);
    expect(build.code, build.err).toBe(0);
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { config: { where: string }; raw_code: string; unrendered_config: unknown }> };
    const t = m.nodes['test.orph.unique_a_id.f6a5f640da']!;
    expect([t.config.where, t.raw_code, t.unrendered_config]).toEqual(['id < 5', '{{ test_unique(**_dbt_generic_test_kwargs) }}{{ config(where="id < 5") }}', { schema: 'audit', where: 'id < 5' }]);
  });
});

/**
 * A relationships test set aside at loading: on a YAML entry no file defines (ghost) and on a model
 * its YAML disables (offy). Recorded with dbt 1.11.16 + dbt-duckdb 1.11.1, `dbt parse` of this project:
 * both kept among the nodes, enabled false, depends_on {macros: [macro.dbt.test_relationships,
 * macro.dbt.get_where_subquery], nodes: [model.orph.a]}, refs [a, ghost] / [a, offy]. sm listed only the
 * tested node among the refs and depended on nothing.
 */
const SET_ASIDE_YML = `version: 2
models:
  - name: a
  - name: ghost
    columns:
      - name: id
        data_tests:
          - relationships: {arguments: {to: "ref('a')", field: id}}
  - name: offy
    config: {enabled: false}
    columns:
      - name: id
        data_tests:
          - relationships: {arguments: {to: "ref('a')", field: id}}
`;

describe('a relationships test set aside for want of its node', () => {
  it('refs its `to` and depends on it, as dbt lists it', async () => {
    const dir = writeProject({ ...FILES, 'models/offy.sql': 'select 1 as id\n', 'models/schema.yml': SET_ASIDE_YML });
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { depends_on: unknown; refs: { name: string }[]; config: { enabled: boolean } }> };
    const shown = (id: string) => [m.nodes[id]!.config.enabled, m.nodes[id]!.depends_on, m.nodes[id]!.refs.map((r) => r.name)];
    const deps = { macros: ['macro.dbt.test_relationships', 'macro.dbt.get_where_subquery'], nodes: ['model.orph.a'] };
    expect(shown('test.orph.relationships_ghost_id__id__ref_a_.05e8b3f19a')).toEqual([false, deps, ['a', 'ghost']]);
    expect(shown('test.orph.relationships_offy_id__id__ref_a_.a64b112212')).toEqual([false, deps, ['a', 'offy']]);
  });
});
