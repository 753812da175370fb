import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * on-run-end's `results` as dbt's RunResult objects: attributes, and `to_dict()` on the result's
 * node and on each timing (elementary uploads run results through them). The line is what
 * dbt-core 1.11.16 with dbt-duckdb 1.11.1 logged for the same project.
 */
describe("on-run-end's results", () => {
  it('have to_dict() on the node and the timings, as dbt objects (not mappings themselves)', async () => {
    const dir = writeProject({
      'dbt_project.yml': "name: ore\nprofile: ore\nversion: '1.0'\non-run-end: \"{{ show_results() }}\"\n",
      'profiles.yml': 'ore:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/ore.duckdb\n      schema: main\n      threads: 1\n',
      'macros/m.sql': [
        '{% macro show_results() %}',
        '{% for r in results %}',
        '{% set d = r.node.to_dict() %}',
        "{% set timings = [] %}{% for t in r.timing %}{% do timings.append(t.to_dict()['name']) %}{% endfor %}",
        "{% do log('R ' ~ d['unique_id'] ~ ' ' ~ d['name'] ~ ' ' ~ d['resource_type'] ~ ' ' ~ d['config']['materialized'] ~ ' ' ~ d['schema'] ~ ' ' ~ d['alias'] ~ ' ' ~ (d['compiled_code'] | trim) ~ ' ' ~ timings ~ ' ' ~ r.status ~ ' ' ~ (d is mapping) ~ ' ' ~ (r.node is mapping) ~ ' ' ~ ('started_at' in r.timing[1].to_dict()), info=True) %}",
        '{% endfor %}',
        '{% endmacro %}',
      ].join('\n'),
      'models/a.sql': "{{ config(materialized='table', schema='x') }} select 1 as id",
    });
    const r = await sm('run', '--project-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => l.startsWith('R '))).toEqual(["R model.ore.a a model table main_x a select 1 as id ['compile', 'execute'] success True False True"]);
  });
});
