import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

// dbt-core 1.11.16 on the same files (6 Dec 2026): a_metric lives in main_metrics.metric_a, and
// b_summary selects from "demo"."main_metrics"."metric_a"; PASS=2. (dbt knows every model's
// config before it compiles any; sm renders b_summary while a_metric, reading graph, waits.)
describe('a model rendered while the model it refs reads graph', () => {
  it("refs that model's final relation, as in dbt", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/a_metric.sql': "{{ config(schema='metrics', alias='metric_a') }}\n{% if execute %}{% for n in graph.nodes.values() %}{% endfor %}{% endif %}\nselect 1 as result\n",
      // Not a literal ref: nothing says before it renders that it needs a_metric.
      'models/b_summary.sql': "{% set name = 'a_metric' %}\nselect * from {{ ref(name) }}\n",
    });
    const b = await sm('build', '--project-dir', dir);
    expect(b.code, `${b.out}\n${b.err}`).toBe(0);
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'b_summary.sql'), 'utf8')).toContain('"main_metrics"."metric_a"');
  });
});

// dbt-core 1.11.16 on the same files (6 Dec 2026), on-run-end's log lines:
//   TAGS my_check_m_x ['from_macro'] ['from_macro'] warn
//   TAGS not_null_m_x ['yaml_tag'] ['yaml_tag'] ERROR
describe("a generic test's config() in graph", () => {
  it('is there at run time, as dbt parsed it, for a hook and for a model that reads graph', async () => {
    const logTests = "{% for n in graph.nodes.values() | sort(attribute='name') if n.resource_type == 'test' %}{{ log('TAGS ' ~ n.name ~ ' ' ~ n.tags ~ ' ' ~ n.config.tags ~ ' ' ~ n.config.severity, info=True) }}{% endfor %}";
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': `name: demo\nversion: '1.0'\nprofile: demo\non-run-end:\n  - "${logTests}"\n`,
      'macros/my_check.sql': "{% test my_check(model, column_name) %}\n{{ config(tags=['from_macro'], severity='warn') }}\nselect * from {{ model }} where {{ column_name }} is null\n{% endtest %}\n",
      'models/m.sql': 'select 1 as x\n',
      'models/reader.sql': `{% if execute %}${logTests.replaceAll('TAGS', 'READ')}{% endif %}\nselect 1 as y\n`,
      'models/s.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: x\n        data_tests:\n          - my_check\n          - not_null:\n              config: {tags: [yaml_tag]}\n',
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, `${r.out}\n${r.err}`).toBe(0);
    for (const word of ['TAGS', 'READ']) {
      expect(r.out).toContain(`${word} my_check_m_x ['from_macro'] ['from_macro'] warn`);
      expect(r.out).toContain(`${word} not_null_m_x ['yaml_tag'] ['yaml_tag'] ERROR`);
    }
  });
});
