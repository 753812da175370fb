import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject, ProjectRenderer, type ModelNode } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';
import { INTRO_FILES, INTRO_PROFILES, INTRO_PROJECT_FILE } from './introspection-fixture.ts';

/**
 * Templates that query the warehouse (run_query, {% call statement %} + load_result, adapter
 * introspection, api.Relation), rendered by sm at execution with a live DuckDB connection
 * (ProjectRenderer.renderForExecution) and compared with what dbt-core 1.11.16 + dbt-duckdb
 * 1.11.1 compiled with its connection, recorded by `node scripts/record-jinja-parity.ts` after
 * `dbt run -s a` (dbt's text as it printed it, `"demo".` included). Compile without a warehouse renders these
 * as dbt's parse phase does (`execute` false) and marks them needsWarehouse; that is checked too.
 * The script trims dbt's text: the four cases whose loop leaves a space at the end were read again
 * from dbt's target/compiled (8 Dec 2026, same versions), which keeps it, as sm now does.
 */
const CASES: [name: string, sql: string, dbt: string][] = [
  ["intro_run_query", "{% if execute %}{% set t = run_query(\"select 1 as n, 'x' as s union all select 2, 'y' order by n\") %}{{ t.columns[0].values() }}|{{ t.column_names }}|{{ t.rows[1]['s'] }}|{{ t.rows | length }}|{% for r in t %}{{ r[0] }}{% endfor %}|{{ t.columns['s'].values() | join(',') }}{% endif %}", "(1, 2)|('n', 's')|y|2|12|x,y"],
  ["intro_statement", "{% call statement('q', fetch_result=True) %}select 42 as v, 'w' as w{% endcall %}{% set r = load_result('q') %}{{ r.table.columns[0].values()[0] }}|{{ r.data }}|{{ r.table.column_names }}", "42|[(42, 'w')]|('v', 'w')"],
  ["intro_execute_guard", "{% if execute %}{% set v = run_query('select 7 as x').columns[0].values()[0] %}{% else %}{% set v = 'parse' %}{% endif %}{{ v }}", "7"],
  // dbt-profiler puts run_query values into YAML through column.data_type.jsonify(value).
  ["intro_jsonify", "{% if execute %}{% set t = run_query(\"select 1 as i, 2.5::double as f, 'x' as s, true as b, timestamp '2024-01-02 03:04:05' as ts, null::int as n\") %}{% for c in t.columns %}{{ tojson(c.data_type.jsonify(c.values()[0])) }} {% endfor %}{% endif %}", "1 2.5 \"x\" true \"2024-01-02T03:04:05\" null "],
  // A DATE is a date and a whole DOUBLE a float, as agate gives them (sm gave 2024-01-02 00:00:00 and 1).
  ["intro_value_types", "{% if execute %}{% set t = run_query(\"select date '2024-01-02' as d, 1.0::double as f, 2.5::float as g, 3::double as h\") %}{{ t.rows[0][0] }}|{{ t.rows[0][0] + modules.datetime.timedelta(days=1) }}|{{ t.rows[0][1] }}|{{ t.rows[0][2] }}|{{ t.rows[0][3] * 2 }}|{{ tojson(t.columns[0].data_type.jsonify(t.rows[0][0])) }}|{{ tojson(t.columns[1].data_type.jsonify(t.rows[0][1])) }}{% endif %}", "2024-01-02|2024-01-03|1.0|2.5|6.0|\"2024-01-02\"|1.0"],
  ["intro_jsonify_numbers", "{% if execute %}{% set t = run_query(\"select 2::decimal(10,2) as d, 3::int as i, 4::bigint as b, 1::double as f, 5::hugeint as h\") %}{% for c in t.columns %}{{ tojson(c.data_type.jsonify(c.values()[0])) }} {% endfor %}{% endif %}", "2.0 3 4 1.0 5 "],
  ["intro_time_values", "{% if execute %}{% set t = run_query(\"select time '01:02:03' as a, time '13:02:03.5' as b, null::time as c\") %}{{ t.rows[0][0] }}|{{ t.rows[0][1] }}|{{ t.rows[0][2] }}|{{ tojson(t.columns[0].data_type.jsonify(t.rows[0][0])) }}{% endif %}", "01:02:03|13:02:03.500000|None|\"01:02:03\""],
  ["intro_get_columns", "{% for c in adapter.get_columns_in_relation(ref('a')) %}{{ c.name }}:{{ c.data_type }} {% endfor %}", "id:INTEGER label:character varying(256) "],
  ["intro_get_relation", "{{ adapter.get_relation(database=this.database, schema='main', identifier='a') }}|{{ adapter.get_relation(this.database, 'main', 'nope') }}|{{ load_relation(ref('a')) is not none }}|{{ adapter.get_relation(this.database, 'main', 'a').type }}", "\"demo\".\"main\".\"a\"|None|True|view"],
  ["intro_values_list", "{% if execute %}{% set results = run_query('select 1 as a union all select 3 union all select 2') %}{% set results_list = results.columns[0].values() %}{{ results_list | sort | join('+') }}{% endif %}", "1+2+3"],
  ["intro_list_relations", "{% if execute %}{% for r in list_relations_without_caching(api.Relation.create(database=this.database, schema='main')) %}{{ r['name'] }}:{{ r['type'] }} {% endfor %}{% endif %}", "a:view "],
  ["intro_columns_items", "{% if execute %}{% for k, col in run_query('select 1 as a, 2 as b').columns.items() %}{{ k }}={{ col.values()[0] }} {% endfor %}{{ run_query('select 3 as c').rows[0].keys() }}{% endif %}", "a=1 b=2 ('c',)"],
  ["intro_adapter_execute", "{% set res, table = adapter.execute('select 5 as five', fetch=True) %}{{ table.columns[0].values()[0] }}", "5"],
];

describe('templates that query the warehouse, as dbt renders them with a connection', async () => {
  const dir = writeProject({ 'sm_project.yml': INTRO_PROJECT_FILE, 'profiles.yml': INTRO_PROFILES, ...INTRO_FILES, ...Object.fromEntries(CASES.map(([n, sql]) => [`models/${n}.sql`, sql])) });
  const project = loadProject({ projectDir: dir });
  const adapter = createDuckDbAdapter();
  const renderer = new ProjectRenderer(project, { dialect: adapter.dialect });
  const compiled = renderer.renderAll();
  const session = await adapter.connect(project.target, { projectDir: dir });
  const conn = await session.acquire();
  // As `dbt run -s a` left it: model a is a view.
  await conn.execute(`create view main.a as ${INTRO_FILES['models/a.sql']}`);

  it.each(CASES)('%s', async (name, _sql, dbt) => {
    const node = compiled.nodes.get(`model.demo.${name}`) as ModelNode;
    expect(node.needsWarehouse, 'compile marks it for execution').toBe(true);
    expect(await renderer.renderForExecution({ node }, conn)).toBe(dbt);
  });

  it('compiles without a warehouse as dbt parses: execute is false, nothing runs', () => {
    expect((compiled.nodes.get('model.demo.intro_execute_guard') as ModelNode).compiledCode).toBe('parse');
    expect((compiled.nodes.get('model.demo.intro_run_query') as ModelNode).compiledCode).toBe('');
    expect((compiled.nodes.get('model.demo.intro_get_columns') as ModelNode).compiledCode).toBe('');
    expect(compiled.diagnostics).toEqual([]);
    expect(join(dir)).toBeTruthy();
  });
});
