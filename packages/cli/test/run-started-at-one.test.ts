import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * dbt's run_started_at is one instant per invocation, in every template. Recorded with dbt 1.11.16
 * + dbt-duckdb 1.11.1, `dbt compile` on these two models: both compiled files read
 * `select '2026-12-07 17:13:26.233089+00:00' as t`. sm rendered the one that queries the warehouse
 * (run_query) again, live, with a clock read then (17:13:30.552 and 17:13:30.937): the Tuva project's
 * tuva_last_run var (`{{ run_started_at... }}`) differed between its models in one compile.
 */
describe('run_started_at in one compile', () => {
  it('is the same instant in a model rendered live (run_query) as in the others', async () => {
    const dir = writeProject({
      'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: 'target/demo.duckdb', schema: main, threads: 1}\n",
      'models/ts_a.sql': "select '{{ run_started_at }}' as t",
      'models/ts_b.sql': "{% set r = run_query('select 42 as n') %}\nselect '{{ run_started_at }}' as t",
    });
    for (let i = 0; i < 2; i++) {
      const r = await sm('compile', '--project-dir', dir);
      expect(r.code, r.err).toBe(0);
      const read = (name: string) => readFileSync(join(dir, 'target/compiled/demo/models', `${name}.sql`), 'utf8').trim();
      const a = read('ts_a');
      expect(a).toMatch(/^select '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00' as t$/);
      expect(read('ts_b'), `compile ${i + 1}`).toBe(a);
    }
  });
});
