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
