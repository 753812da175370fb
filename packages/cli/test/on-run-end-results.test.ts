import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * on-run-end's `results` as dbt's RunResult objects: attributes, and `to_dict()` on the result's
 * node and on each timing (elementary uploads run results through them). The line is what
 * dbt-core 1.11.16 with dbt-duckdb 1.11.1 logged for the same project.
 */
describe("on-run-end's results", () => {
  it("give a model's primary_key from its tests when only the model ran (read from its children, not every node)", async () => {
    // dbt-core 1.11.16 + dbt-duckdb 1.11.1 on the same files logged these two lines.
    const dir = writeProject({
      'dbt_project.yml': "name: ore\nprofile: ore\nversion: '1.0'\non-run-end: \"{% for r in results %}{% do log('PK ' ~ r.node.unique_id ~ ' ' ~ r.node.primary_key, info=True) %}{% endfor %}\"\n",
      'profiles.yml': 'ore:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/ore.duckdb\n      schema: main\n      threads: 1\n',
      'models/a.sql': 'select 1 as id, 2 as other',
      'models/b.sql': "select id from {{ ref('a') }}",
      'models/s.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n      - name: other\n        data_tests: [unique]\n  - name: b\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
    });
    const r = await sm('run', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n').filter((l) => l.startsWith('PK ')).sort()).toEqual(["PK model.ore.a ['id']", 'PK model.ore.b []']);
  });


  it('have to_dict() on the node (its graph entry) and the timings, as dbt objects (not mappings themselves)', async () => {
    const dir = writeProject({
      'dbt_project.yml': "name: ore\nprofile: ore\nversion: '1.0'\non-run-end: \"{{ show_results() }}\"\n",
      'profiles.yml': 'ore:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/ore.duckdb\n      schema: main\n      threads: 1\n',
      'macros/m.sql': [
        '{% macro show_results() %}',
        '{% for r in results %}',
        '{% set d = r.node.to_dict() %}',
        "{% set timings = [] %}{% for t in r.timing %}{% do timings.append(t.to_dict()['name']) %}{% endfor %}",
        "{% do log('R ' ~ d['unique_id'] ~ ' ' ~ d['name'] ~ ' ' ~ d['resource_type'] ~ ' ' ~ d['config']['materialized'] ~ ' ' ~ d['schema'] ~ ' ' ~ d['alias'] ~ ' ' ~ (d['compiled_code'] | trim | replace('\\n', ' ')) ~ ' ' ~ timings ~ ' ' ~ r.status ~ ' ' ~ (d is mapping) ~ ' ' ~ (r.node is mapping) ~ ' ' ~ ('started_at' in r.timing[1].to_dict()) ~ ' ' ~ d['path'] ~ ' ' ~ d.get('test_metadata', {}).get('name') ~ ' ' ~ d['depends_on']['nodes'] ~ ' ' ~ r.failures, info=True) %}",
        '{% endfor %}',
        '{% endmacro %}',
      ].join('\n'),
      'models/a.sql': "{{ config(materialized='table', schema='x') }} select 1 as id",
      'models/s.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code).toBe(0);
    // dbt's test line names "d"."main_x"."a" (with its file d.duckdb; this project's is ore.duckdb).
    expect(r.out.split('\n').filter((l) => l.startsWith('R '))).toEqual([
      "R model.ore.a a model table main_x a select 1 as id ['compile', 'execute'] success True False True a.sql None [] None",
      `R test.ore.not_null_a_id.c1cebc1440 not_null_a_id test test main_dbt_test__audit not_null_a_id select id from "ore"."main_x"."a" where id is null ['compile', 'execute'] pass True False True not_null_a_id.sql not_null ['model.ore.a'] 0`,
    ]);
  });
});

/**
 * `graph` as packages use it, a cache shared by the whole run: elementary sets it up in
 * on-run-start, its tests store their results there, on-run-end reads and pops them. The lines
 * are what dbt-core 1.11.16 with dbt-duckdb 1.11.1 logged for the same project.
 */
describe('graph as a cache shared by the run', () => {
  it("holds what on-run-start, each node and each test stored, and a pop before a query is done once", async () => {
    const dir = writeProject({
      'dbt_project.yml': "name: gc\nprofile: gc\nversion: '1.0'\non-run-start: \"{% do graph.setdefault('cache', {'seen': {}}) %}\"\non-run-end: \"{{ finish() }}\"\n",
      'profiles.yml': 'gc:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/gc.duckdb\n      schema: main\n      threads: 1\n',
      'macros/m.sql': [
        "{% macro remember(v) %}{% if execute %}{% do graph.setdefault('cache', {'seen': {}})['seen'].update({model.unique_id: v}) %}{% endif %}{% endmacro %}",
        '{% macro finish() %}',
        '{% if execute %}',
        "{% set seen = graph.get('cache', {}).get('seen', {}) %}",
        "{% do log('END ' ~ (seen | dictsort | list), info=True) %}",
        "{% set v = seen.pop('model.gc.a', 'gone') %}",
        "{% do run_query('select 1') %}",
        "{% do log('POP ' ~ v ~ ' left ' ~ (seen | length), info=True) %}",
        '{% endif %}',
        '{% endmacro %}',
      ].join('\n'),
      // a asks the warehouse (rendered when it runs); b and the test render without it.
      'models/a.sql': "{{ remember(run_query('select 7').columns[0].values()[0] if execute else 0) }} select 1 as id",
      'models/b.sql': "{{ remember('plain') }} select 2 as id",
      'tests/t.sql': "{{ remember('t') }} select * from {{ ref('a') }} where id is null",
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => /^(END|POP) /.test(l))).toEqual(["END [('model.gc.a', 7), ('model.gc.b', 'plain'), ('test.gc.t', 't')]", 'POP 7 left 2']);
  });
});
