import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryDuckDb, writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

// A model writing each graph node's depends_on.nodes and refs as rows, read where dbt's parse has
// recorded them all (as dbt_project_evaluator's base_node_relationships does).
const GRAPH_ROWS = `{% if execute %}
{% for n in graph.nodes.values() | sort(attribute='unique_id') %}
select '{{ n.unique_id }}' as id, '{{ n.depends_on.nodes | join(",") }}' as deps, '{{ n.refs | map(attribute="name") | join(",") }}' as refs
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% else %}
select 1 as id
{% endif %}
`;

// dbt-core 1.11.16 with dbt-duckdb 1.11.1 on these files (6 Dec 2026), `dbt build` PASS=5, graph_rows:
//   model.demo.a                  ''                              ''
//   model.demo.b                  'model.demo.a,seed.demo.skip'   'a,skip'
//   model.demo.graph_rows         ''                              ''
//   seed.demo.skip                ''                              ''
//   test.demo.relationships_b_... 'model.demo.a,model.demo.b'     'a,b'
// b's ref to the seed is in a macro it calls through adapter.dispatch (outside `if execute`, so
// dbt's parse runs it); the test's `to:` argument refs a.
describe("graph's depends_on, as dbt's parse records it", () => {
  it("lists what a model's macros ref and what a generic test's arguments ref, for nodes not rendered when graph is read", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'seeds/skip.csv': 'id\n1\n',
      'macros/drop_skipped.sql':
        "{% macro drop_skipped() %}{{ return(adapter.dispatch('drop_skipped', 'demo')()) }}{% endmacro %}\n" +
        "{% macro default__drop_skipped() %}\n  {% set q %}select id from {{ ref('skip') }}{% endset %}\n  {% if execute %}{% set n = graph.nodes | length %}{% endif %}\n  where id not in ({{ q }})\n{% endmacro %}\n",
      'models/a.sql': 'select 1 as id union all select 2 as id\n',
      // Reads graph while it renders: its own entry is made before its render is done.
      'models/b.sql': "select * from {{ ref('a') }} {{ drop_skipped() }}\n",
      'models/graph_rows.sql': GRAPH_ROWS,
      'models/schema.yml': 'models:\n  - name: b\n    columns:\n      - name: id\n        data_tests:\n          - relationships:\n              arguments:\n                to: ref(\'a\')\n                field: id\n',
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    const rows = await queryDuckDb(join(dir, 'demo.duckdb'), 'select id, deps, refs from graph_rows order by id');
    expect(rows.map((x) => [String(x.id).replace(/\.[0-9a-f]{10}$/, ''), x.deps, x.refs])).toEqual([
      ['model.demo.a', '', ''],
      ['model.demo.b', 'model.demo.a,seed.demo.skip', 'a,skip'],
      ['model.demo.graph_rows', '', ''],
      ['seed.demo.skip', '', ''],
      ['test.demo.relationships_b_id__id__ref_a_', 'model.demo.a,model.demo.b', 'a,b'],
    ]);
  });

  // dbt-core 1.11.16 on these files (6 Dec 2026), target duckdb named dev: a's depends_on.macros is
  // [macro.demo.any_target] (its parse takes only the branches these conditions pick).
  it('lists the macros called under a condition on the target only where the condition holds', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'macros/m.sql': '{% macro only_snowflake() %}1{% endmacro %}\n{% macro any_target() %}2{% endmacro %}\n{% macro not_duckdb() %}3{% endmacro %}\n',
      'models/a.sql':
        "{% set x = any_target() if target.type in ['duckdb', 'postgres'] else not_duckdb() %}\n" +
        "{% if target.type == 'snowflake' and target.name == 'dev' %}{{ only_snowflake() }}{% endif %}\n" +
        "{% if target.name != 'dev' and var('v', none) %}{{ not_duckdb() }}{% endif %}\n" +
        'select {{ x }} as id\n',
      'models/graph_rows.sql':
        "{% if execute %}{% for n in graph.nodes.values() | sort(attribute='unique_id') %}\nselect '{{ n.unique_id }}' as id, '{{ n.depends_on.macros | join(\",\") }}' as macros\n{% if not loop.last %}union all{% endif %}\n{% endfor %}{% else %}select 1 as id{% endif %}\n",
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    const rows = await queryDuckDb(join(dir, 'demo.duckdb'), 'select id, macros from graph_rows order by id');
    expect(rows).toEqual([
      { id: 'model.demo.a', macros: 'macro.demo.any_target' },
      { id: 'model.demo.graph_rows', macros: '' },
    ]);
  });

  // dbt-core 1.11.16 on these files (6 Dec 2026), `dbt run`: graph.nodes has one operation node per
  // hook, as its manifest lists them (index: its place in its project file, as parsed).
  it("lists the project's on-run-start and on-run-end hooks as operation nodes", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\non-run-start: \"select 1\"\non-run-end:\n  - \"{{ log_done() }}\"\n",
      'macros/m.sql': '{% macro log_done() %}select 2{% endmacro %}\n',
      'models/graph_rows.sql':
        "{% if execute %}{% for n in graph.nodes.values() | selectattr('resource_type', 'equalto', 'operation') | sort(attribute='unique_id') %}\n" +
        "select '{{ n.unique_id }}' as id, '{{ n.original_file_path }}' as file, '{{ n.config.materialized }}' as materialized, '{{ n.depends_on.macros | join(\",\") }}' as macros, '{{ n.schema }}' as schema_name, '{{ n.alias }}' as alias, '{{ n.tags | join(\",\") }}' as tags, {{ n.index }} as idx\n" +
        '{% if not loop.last %}union all{% endif %}\n{% endfor %}{% else %}select 1 as id{% endif %}\n',
    });
    const r = await sm('run', '--project-dir', dir);
    expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    const rows = await queryDuckDb(join(dir, 'demo.duckdb'), 'select * from graph_rows order by id');
    expect(rows).toEqual([
      { id: 'operation.demo.demo-on-run-end-0', file: './dbt_project.yml', materialized: 'view', macros: 'macro.demo.log_done', schema_name: 'main', alias: 'demo-on-run-end-0', tags: 'on-run-end', idx: 0 },
      { id: 'operation.demo.demo-on-run-start-0', file: './dbt_project.yml', materialized: 'view', macros: '', schema_name: 'main', alias: 'demo-on-run-start-0', tags: 'on-run-start', idx: 0 },
    ]);
  });
});
