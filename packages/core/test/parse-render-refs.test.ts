import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.ts';
import { offline, writeProject } from './fixture.ts';

/**
 * A singular test's depends_on is what dbt's parse render refs, where `config.get()` answers ''.
 * dbt-unit-testing's `ref` override calls `builtins.ref` only when `config.get('tags')` lacks
 * 'unit-test': at parse it always does, so each unit test depends on the model it tests (and
 * `dbt build` runs it after that model, skipping it when the model fails), though the compiled
 * test refs no model. dbt 1.11.16 (dbt-duckdb 1.11.1) on this project: `dbt parse` gives
 * t_unit depends_on.nodes ['model.demo.m'], refs [{'name': 'm'}]; `dbt ls -s +t_unit` lists
 * demo.m and demo.t_unit; `dbt compile -s t_unit` prints `select 1 as x where false`.
 */
describe("a singular test's refs as dbt's parse render makes them", () => {
  it('lists the ref a branch on config.get() takes only at parse', async () => {
    const dir = writeProject({
      'sm_project.yml': 'name: demo\nprofile: demo\n',
      'models/m.sql': 'select 1 as id',
      'tests/t_unit.sql': "{{ config(tags=['unit']) }}\n{% if 'unit' in config.get('tags', []) %}select 1 as x where false{% else %}select * from {{ ref('m') }} where false{% endif %}",
    });
    const c = await compile({ projectDir: dir, adapters: { duckdb: () => offline } });
    const t = c.compiled.nodes.get('test.demo.t_unit') as { dependsOn: { nodes: string[] }; refs: { name: string }[]; compiledCode: string };
    expect(t.dependsOn.nodes).toEqual(['model.demo.m']);
    expect(t.refs.map((r) => r.name)).toEqual(['m']);
    expect(t.compiledCode.trim()).toBe('select 1 as x where false');
  });

  // dbt 1.11.16 compiles this test to '-- True' (sm said False: it read the tags before config() set them).
  it('answers config.get() before a config() call with the final config, as dbt does', async () => {
    const dir = writeProject({
      'sm_project.yml': 'name: demo\nprofile: demo\n',
      'tests/t_early.sql': "-- {{ 'unit' in config.get('tags', []) }}\n{{ config(tags=['unit']) }}\nselect 1 as x where false",
    });
    const c = await compile({ projectDir: dir, adapters: { duckdb: () => offline } });
    const t = c.compiled.nodes.get('test.demo.t_early') as { compiledCode: string; tags: string[] };
    expect(t.compiledCode.split('\n')[0]).toBe('-- True');
    expect(t.tags).toEqual(['unit']);
  });

  // dbt 1.11.16: config.tags ['x'] (its config() calls apply once; sm's render again had applied them twice).
  it("applies a model's config() calls once when it renders again for a config.get() read before them", async () => {
    const dir = writeProject({
      'sm_project.yml': 'name: demo\nprofile: demo\n',
      'models/m.sql': "select '{{ config.get('materialized') }}' as m\n{{ config(materialized='table', tags=['x']) }}",
    });
    const c = await compile({ projectDir: dir, adapters: { duckdb: () => offline } });
    const m = c.compiled.nodes.get('model.demo.m') as { compiledCode: string; config: { tags: string[] } };
    expect(m.compiledCode.trim().split('\n')[0]).toBe("select 'table' as m");
    expect(m.config.tags).toEqual(['x']);
  });
});
