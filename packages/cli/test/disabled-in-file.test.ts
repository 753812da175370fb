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

  // dbt: "Model 'model.demo.c' (models/c.sql) depends on a node named 'd' which is disabled", exit 2.
  it('a ref to a model its file disables is still an error', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/d.sql': '{{ config(enabled=false) }}\nselect 1 as id\n', 'models/c.sql': "select * from {{ ref('d') }}\n" });
    const r = await sm('parse', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/"c" refers to "d", which is disabled/);
  });
});
