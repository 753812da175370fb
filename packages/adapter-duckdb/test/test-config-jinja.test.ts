import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROJECT = {
  'sm_project.yml': "name: tcfg\nversion: '1.0'\nprofile: tcfg\n",
  'profiles.yml': 'tcfg:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/tcfg.duckdb\n      threads: 1\n',
  'models/m.sql': 'select 1 as id union all select null\n',
  'models/s.yml': [
    'models:',
    '  - name: m',
    '    columns:',
    '      - name: id',
    '        data_tests:',
    '          - not_null:',
    '              name: off_here',
    '              config:',
    `                enabled: "{{ target.type in ['bigquery', 'spark'] }}"`,
    '          - not_null:',
    '              name: on_here',
    '              config:',
    `                enabled: "{{ target.type == 'duckdb' }}"`,
    `                severity: "{{ 'warn' if target.type == 'duckdb' else 'error' }}"`,
    '          - accepted_values:',
    '              name: counted',
    '              arguments: {values: [2]}',
    '              config:',
    `                error_if: "{{ '>5' if target.type == 'duckdb' else '!=0' }}"`,
    '',
  ].join('\n'),
};

/*
 * dbt-core 1.11.16 with dbt-duckdb 1.11.1, `dbt build` on PROJECT: exit 0, run_results.json
 * below (unique_id, status, failures, message). A test's `enabled`, `severity`, `error_if` are
 * rendered when the YAML is parsed; "False" disables (dbt_expectations' integration tests
 * switch tests on and off per adapter this way).
 */
const DBT_RESULTS = [
  ['model.tcfg.m', 'success', null, null],
  ['test.tcfg.counted.07df650d86', 'warn', 1, 'Got 1 result, configured to warn if != 0'],
  ['test.tcfg.on_here.ba9f6d7446', 'warn', 1, 'Got 1 result, configured to warn if != 0'],
];

describe('Jinja in a test\'s config, as dbt renders it', () => {
  it('disables, sets severity and thresholds per target', async () => {
    const dir = writeProject(PROJECT);
    const o = await execute({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} }, 'build');
    expect(o.status).toBe('success');
    const results = (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; failures: number | null; message: string | null }[] }).results;
    const got = results.map((r) => [r.unique_id, r.status, r.failures, r.unique_id.startsWith('test.') ? r.message : null]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(got).toEqual(DBT_RESULTS);
  });
});
