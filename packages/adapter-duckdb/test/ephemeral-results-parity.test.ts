import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute, type InvocationOptions } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

/** a (view) -> e (ephemeral, with a test) -> b (table, one failing and one warning test). */
const FILES = {
  'sm_project.yml': "name: eph\nversion: '1.0'\nprofile: eph\n",
  'profiles.yml': 'eph:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/eph.duckdb\n      threads: 1\n',
  'models/a.sql': 'select 1 as id union all select 2 as id',
  'models/e.sql': "{{ config(materialized='ephemeral') }} select id * 10 as v from {{ ref('a') }}",
  'models/b.sql': "{{ config(materialized='table') }} select v from {{ ref('e') }}",
  'models/schema.yml': [
    'models:',
    '  - name: e',
    '    columns:',
    '      - name: v',
    '        data_tests: [not_null]',
    '  - name: b',
    '    columns:',
    '      - name: v',
    '        data_tests:',
    '          - accepted_values:',
    '              arguments: {values: [10]}',
    '          - accepted_values:',
    '              name: b_warns',
    '              arguments: {values: [20]}',
    '              config: {severity: warn}',
    '',
  ].join('\n'),
};

/*
 * What dbt-core 1.11.16 with dbt-duckdb 1.11.1 wrote to run_results.json for `dbt build` on
 * FILES (unique_id, status, failures, message for tests that did not pass): the ephemeral
 * model is no result (dbt inlines it and runs nothing), the test on it is.
 */
const DBT_RESULTS = [
  ['model.eph.a', 'success', null],
  ['test.eph.not_null_e_v.d98d59f30c', 'pass', 0],
  ['model.eph.b', 'success', null],
  ['test.eph.accepted_values_b_v__10.5147d34112', 'fail', 1, 'Got 1 result, configured to fail if != 0'],
  ['test.eph.b_warns.d576b754bf', 'warn', 1, 'Got 1 result, configured to warn if != 0'],
];

describe('run_results.json as dbt-core 1.11.16 writes it', () => {
  it('lists no ephemeral model, runs what depends on one after what it depends on, and words test failures as dbt does', async () => {
    const dir = writeProject(FILES);
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    const o = await execute(opts, 'build');
    expect(o.status).toBe('failure');
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; failures: number | null; message: string | null }[] }).results;
    const got = results.map((r) => (r.status === 'fail' || r.status === 'warn' ? [r.unique_id, r.status, r.failures, r.message] : [r.unique_id, r.status, r.failures]));
    const byId = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    expect(got.sort(byId)).toEqual([...DBT_RESULTS].sort(byId));
  });
});
