import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

// dbt-core 1.11.16 on the same files (6 Dec 2026): dbt's generate_schema_name dispatches in the
// dbt namespace, the root project first, so a root `default__generate_schema_name` decides where
// nodes go: a in raw_data, b in main, the test's failures in dbt_test__audit; b selects from
// "demo"."raw_data"."a". PASS=3.
describe("a root project's naming macros, as dbt calls them", () => {
  it('places nodes, as dbt dispatches generate_schema_name to it', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'macros/gsn.sql': [
        '{% macro default__generate_schema_name(custom_schema_name, node) -%}',
        '  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}',
        '{%- endmacro %}',
      ].join('\n'),
      'models/a.sql': "{{ config(schema='raw_data') }} select 1 as id",
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/a.yml': 'models:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [{unique: {config: {store_failures: true}}}]\n',
    });
    const b = await sm('build', '--project-dir', dir);
    expect(b.code, b.err).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { schema: string }> };
    expect(Object.fromEntries(Object.entries(m.nodes).map(([id, n]) => [id.split('.')[2], n.schema]))).toEqual({ a: 'raw_data', b: 'main', unique_a_id: 'dbt_test__audit' });
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'b.sql'), 'utf8')).toContain('"raw_data"."a"');
  });

  // dbt-core 1.11.16 on the same files (6 Dec 2026): a root generate_alias_name names every
  // relation: main.t_a and main.t_b, and b selects from "demo"."main"."t_a".
  it("a root project's generate_alias_name names the relations, as in dbt", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'macros/gan.sql': [
        '{% macro generate_alias_name(custom_alias_name=none, node=none) -%}',
        '  {%- if custom_alias_name -%}{{ custom_alias_name | trim }}{%- else -%}t_{{ node.name }}{%- endif -%}',
        '{%- endmacro %}',
      ].join('\n'),
      'models/a.sql': 'select 1 as id',
      'models/b.sql': "select * from {{ ref('a') }}",
    });
    const b = await sm('build', '--project-dir', dir);
    expect(b.code, b.err).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { alias: string }> };
    expect(Object.values(m.nodes).map((n) => n.alias).sort()).toEqual(['t_a', 't_b']);
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'b.sql'), 'utf8')).toContain('"main"."t_a"');
  });
});
