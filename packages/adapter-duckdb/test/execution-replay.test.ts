import { describe, expect, it } from 'vitest';
import { execute, type InvocationOptions } from '@smsql/core';
import { queryTarget, writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROJECT = {
  'sm_project.yml': "name: late\nversion: '1.0'\nprofile: late\n",
  'profiles.yml': 'late:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/late.duckdb\n      threads: 1\n',
  // Ask the warehouse, then ref a model the execution-time renderer has not rendered yet, by a computed name (dbt-codegen's generate_model_yaml does this).
  'models/a_late.sql': "{% set r = run_query('select 41 + 1 as x') %}\nselect {{ r.columns[0].values()[0] if execute else 0 }} as x, id from {{ ref('zz_base') }}\n",
  'models/zz_base.sql': 'select 7 as id\n',
  // A question, a ref to a model the renderer has not rendered yet, then another question: the retry after the ref must ask from the first again.
  'tests/t_late.sql': "{% set r = run_query('select 41 + 1 as x') %}\n{% set m = 'zz' ~ '_base' %}{% set rel = ref(m) %}{% set n = run_query('select count(*) as n from ' ~ rel) %}select id from {{ rel }} where {{ r.columns[0].values()[0] if execute else 42 }} <> 42 or {{ n.columns[0].values()[0] if execute else 1 }} <> 1\n",
};

/** dbt-core 1.11.16 with dbt-duckdb 1.11.1, `dbt build` on PROJECT: exit 0, every node passes, and main.a_late holds this. */
const DBT_ROWS = [[42, 7]];

describe('a template rendered at execution that queries, then refs a model not rendered yet', () => {
  it('renders again from its first question and builds what dbt builds', async () => {
    const dir = writeProject(PROJECT);
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    const o = await execute(opts, 'build');
    expect(Object.fromEntries(o.results.map((r) => [r.uniqueId, r.status === 'error' ? r.message : r.status]))).toEqual({
      'model.late.zz_base': 'success',
      'test.late.t_late': 'pass',
      'model.late.a_late': 'success',
    });
    expect((await queryTarget(opts, 'select x, id from main.a_late')).map((r) => Object.values(r).map(Number))).toEqual(DBT_ROWS);
  });
});
