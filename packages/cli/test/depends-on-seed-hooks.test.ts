import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

// Recorded from `dbt ls --output json --output-keys unique_id depends_on` (dbt-core 1.11.16,
// 6 Dec 2026) on the same files: the macros a seed's hooks call are the seed's depends_on, and
// neither they nor the project's generate_schema_name are the depends_on of a model reading it.
describe("a seed's hook macros in depends_on, as dbt lists them", () => {
  it("are the seed's, not those of the model that refs it", async () => {
    const dir = writeProject({
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\nseeds:\n  demo:\n    s:\n      +post-hook: \"{{ note_loaded() }}\"\n",
      'macros/note.sql': '{% macro note_loaded() %}select 1{% endmacro %}',
      'macros/gsn.sql': '{% macro default__generate_schema_name(custom_schema_name, node) -%}\n  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}\n{%- endmacro %}\n',
      'seeds/s.csv': 'id\n1\n',
      'models/m.sql': "select * from {{ ref('s') }}",
    });
    const r = await sm('ls', '--output', 'json', '--output-keys', 'unique_id', 'depends_on', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split('\n').sort()).toEqual([
      '{"unique_id": "model.demo.m", "depends_on": {"macros": [], "nodes": ["seed.demo.s"]}}',
      '{"unique_id": "seed.demo.s", "depends_on": {"macros": ["macro.demo.note_loaded"]}}',
    ]);
  });
});
