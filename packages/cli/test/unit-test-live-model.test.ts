import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const ut = (name: string, model: string, expectRow: string, overrides = '') =>
  `  - name: ${name}\n    model: ${model}\n${overrides}    given:\n      - input: ref('a')\n        rows:\n          - {id: 1}\n    expect:\n      rows:\n        - ${expectRow}\n`;

/**
 * A unit test compiles its model as dbt does, with `execute` true: a template that raises once it is
 * (audit_helper's quick_are_queries_identical on DuckDB) fails the test, and run_query answers. Recorded
 * with dbt 1.11.16 + dbt-duckdb 1.11.1, `dbt build` on this fixture: exit 1; run_results: the first of m's
 * unit tests `error` "Compilation Error in unit_test ut2 (models/u.yml)\n  not for adapter 'duckdb'", m's
 * other unit tests and m `skipped`; r's unit tests (with and without overrides) `pass`, r `success`. sm read
 * the model's parse-phase text (execute false): m's unit tests passed on an empty model (dbt-audit-helper's
 * quick_are_queries_identical_differences failed on SQL syntax instead) and r's found n = 0.
 */
describe('a unit test of a model whose template asks the warehouse', () => {
  it('renders the model live: a compiler error fails the test, run_query answers', async () => {
    const dir = writeProject({
      'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: 'target/demo.duckdb', schema: main, threads: 1}\n",
      'models/a.sql': 'select 1 as id\n',
      'models/m.sql': "select * from {{ ref('a') }}\n{% if execute %}{% do exceptions.raise_compiler_error(\"not for adapter '\" ~ target.type ~ \"'\") %}{% endif %}\n",
      'models/r.sql': "{% set n = run_query('select 41 + 1 as n').columns[0].values()[0] if execute else 0 %}\nselect id, {{ n }} as n from {{ ref('a') }}\n",
      'models/u.yml': `unit_tests:\n${ut('ut0', 'm', '{id: 1}', '    overrides:\n      vars: {y: 1}\n')}${ut('ut1', 'm', '{id: 1}')}`,
      'models/r.yml': `unit_tests:\n${ut('ur', 'r', '{id: 1, n: 42}')}${ut('ur2', 'r', '{id: 1, n: 42}', '    overrides:\n      vars: {x: 1}\n')}`,
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, r.err).toBe(1);
    const results = (JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string | null }[] }).results;
    const status = Object.fromEntries(results.map((x) => [x.unique_id.split('.').slice(2).join('.'), x.status]));
    expect(status).toMatchObject({ a: 'success', r: 'success', 'r.ur': 'pass', 'r.ur2': 'pass', m: 'skipped' });
    const mTests = results.filter((x) => x.unique_id.startsWith('unit_test.demo.m.'));
    expect(mTests.map((x) => x.status).sort()).toEqual(['error', 'skipped']);
    const failed = mTests.find((x) => x.status === 'error')!;
    expect(failed.message).toBe(`Compilation Error in unit_test ${failed.unique_id.split('.').pop()} (models/u.yml)\n  not for adapter 'duckdb'`);
  });

  it('fails a unit test with overrides alone on a model that raises when executed', async () => {
    const dir = writeProject({
      'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: 'target/demo.duckdb', schema: main, threads: 1}\n",
      'models/a.sql': 'select 1 as id\n',
      'models/m.sql': "select * from {{ ref('a') }}\n{% if execute %}{% do exceptions.raise_compiler_error('no') %}{% endif %}\n",
      'models/u.yml': `unit_tests:\n${ut('ut0', 'm', '{id: 1}', '    overrides:\n      vars: {y: 1}\n')}`,
    });
    const r = await sm('build', '--project-dir', dir);
    expect(r.code, r.err).toBe(1);
    const results = (JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string | null }[] }).results;
    expect(results.find((x) => x.unique_id === 'unit_test.demo.m.ut0')).toMatchObject({ status: 'error', message: 'Compilation Error in unit_test ut0 (models/u.yml)\n  no' });
  });
});
