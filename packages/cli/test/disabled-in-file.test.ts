import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

// dbt-core 1.11.16 on the same files (6 Dec 2026): dbt renders every model file at parse, and
// the file's own config(enabled=...) beats its folder's `+enabled: false` in dbt_project.yml and
// its YAML `config: enabled: false`. A model its file leaves disabled is not resolved: a var with
// no value reads None at parse, its refs and sources are never looked up. `dbt build` runs
// reads_graph, yml_off and uses_it, exit 0; `dbt ls` lists those three.
describe("a model's own config(enabled=...) decides, as in dbt", () => {
  const files = {
    'profiles.yml': PROFILE,
    'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\nvars:\n  turn_on: true\nmodels:\n  demo:\n    parked:\n      +enabled: false\n",
    // Reading `graph` renders every model first: uses_it refs this one while it waits.
    'models/parked/reads_graph.sql': "{{ config(enabled=var('turn_on')) }}\n{% if execute %}{% for n in graph.nodes.values() %}{% endfor %}{% endif %}\nselect 1 as id\n",
    'models/parked/uses_it.sql': "{{ config(enabled=var('turn_on')) }}\nselect * from {{ ref('reads_graph') }}\n",
    'models/parked/stays_off.sql': 'select 2 as id\n',
    'models/rest/dormant.sql': "{{ config(enabled=var('wake', false)) }}\nselect * from {{ var('table_to_read') }} join {{ ref('no_such_model') }} using (id) join {{ source('nope', 'gone') }} using (id)\n",
    'models/rest/yml_off.sql': '{{ config(enabled=true) }}\nselect 3 as id\n',
    'models/rest/s.yml': 'models:\n  - name: yml_off\n    config:\n      enabled: false\n',
  };

  it('re-enables what its folder or YAML disabled, and does not resolve what stays disabled', async () => {
    const dir = writeProject(files);
    const ls = await sm('ls', '--project-dir', dir, '--profiles-dir', dir);
    expect(ls.code, ls.err).toBe(0);
    expect(ls.out.trim().split('\n').sort()).toEqual(['demo.parked.reads_graph', 'demo.parked.uses_it', 'demo.rest.yml_off']);
    const b = await sm('build', '--project-dir', dir, '--profiles-dir', dir);
    expect(b.code, b.err).toBe(0);
    expect(b.out).toMatch(/OK=3/);
  });

  // dbt-core 1.11.16 (6 Dec 2026), the same files: the generic tests on a model whose file
  // enables it again are enabled with it (`dbt ls` lists unique_yml_off_id and
  // not_null_reads_graph_id, `dbt build` passes 5); one on a model left disabled is among the
  // manifest's nodes, enabled false, depending on nothing.
  it('keeps the generic tests on a model its file re-enables', async () => {
    const dir = writeProject({
      ...files,
      'models/rest/s.yml': 'models:\n  - name: yml_off\n    config:\n      enabled: false\n    tests:\n      - unique:\n          arguments:\n            column_name: id\n',
      'models/parked/s.yml': 'models:\n  - name: reads_graph\n    columns:\n      - name: id\n        tests: [not_null]\n  - name: stays_off\n    columns:\n      - name: id\n        tests: [not_null]\n',
    });
    const ls = await sm('ls', '--project-dir', dir, '--profiles-dir', dir, '--resource-type', 'test');
    expect(ls.code, ls.err).toBe(0);
    expect(ls.out.trim().split('\n').sort()).toEqual(['demo.parked.not_null_reads_graph_id', 'demo.rest.unique_yml_off_id']);
    const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { config: { enabled: boolean }; depends_on: { nodes: string[] } }> };
    const test = (prefix: string) => Object.entries(manifest.nodes).find(([id]) => id.startsWith(prefix))?.[1];
    expect(test('test.demo.unique_yml_off_id.')?.depends_on.nodes).toEqual(['model.demo.yml_off']);
    expect(test('test.demo.not_null_stays_off_id.')).toMatchObject({ config: { enabled: false }, depends_on: { nodes: [] } });
    const b = await sm('build', '--project-dir', dir, '--profiles-dir', dir);
    expect(b.code, b.err).toBe(0);
    expect(b.out).toMatch(/OK=5/);
    expect(b.out).toMatch(/PASS +test unique_yml_off_id/);
  });

  // dbt: "Model 'model.demo.c' (models/c.sql) depends on a node named 'd' which is disabled", exit 2.
  it('a ref to a model its file disables is still an error', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/d.sql': '{{ config(enabled=false) }}\nselect 1 as id\n', 'models/c.sql': "select * from {{ ref('d') }}\n" });
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/"c" refers to "d", which is disabled/);
  });
});
