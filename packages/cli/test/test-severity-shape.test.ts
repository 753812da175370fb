import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

// Recorded from `dbt ls --resource-type test --output json --output-keys name config.severity`
// (dbt-core 1.11.16, 6 Dec 2026) on the same files: a test's severity is dbt's default `ERROR`
// when nothing sets it, and as written (`error`) when its YAML or config() sets it.
describe("a test's severity in the manifest and ls, as dbt writes it", () => {
  it('is ERROR by default and as written when set', async () => {
    const dir = writeProject({
      'models/a.sql': 'select 1 as id',
      'models/a.yml': 'models:\n  - name: a\n    columns:\n      - name: id\n        data_tests:\n          - unique\n          - not_null:\n              config:\n                severity: error\n',
      'tests/t_lower.sql': "{{ config(severity='error') }} select * from {{ ref('a') }} where false",
      'tests/t_default.sql': "select * from {{ ref('a') }} where false",
    });
    const r = await sm('ls', '--resource-type', 'test', '--output', 'json', '--output-keys', 'name', 'config.severity', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split('\n').sort()).toEqual([
      '{"name": "not_null_a_id", "config.severity": "error"}',
      '{"name": "t_default", "config.severity": "ERROR"}',
      '{"name": "t_lower", "config.severity": "error"}',
      '{"name": "unique_a_id", "config.severity": "ERROR"}',
    ]);
  });
});
