import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDuckdbProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * dbt hands every selected ephemeral model to a runner (no run result), which writes its compiled
 * SQL under target/compiled, also when no node inlines it. sm wrote only the inlined ones, so
 * dbt_project_evaluator's integration project (all fake models ephemeral) lacked ten of them.
 * Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1 (7 Dec 2026): `dbt run` wrote
 * models/lonely.sql, models/t.sql and models/used.sql; `dbt run -s t` (compiled folder removed)
 * wrote t.sql and used.sql only.
 */
describe('compiled files of ephemeral models, as dbt writes them', () => {
  it('are written for every selected ephemeral model, inlined or not', async () => {
    const dir = writeDuckdbProject({
      'models/lonely.sql': "{{ config(materialized='ephemeral') }} select 1 as id",
      'models/used.sql': "{{ config(materialized='ephemeral') }} select 2 as id",
      'models/t.sql': "select * from {{ ref('used') }}",
    });
    const compiled = (name: string) => join(dir, 'target/compiled/demo/models', `${name}.sql`);
    const run = await sm('run', '--project-dir', dir);
    expect(run.code, run.err).toBe(0);
    expect(['lonely', 't', 'used'].map((n) => existsSync(compiled(n)))).toEqual([true, true, true]);
    expect(readFileSync(compiled('lonely'), 'utf8').trim()).toBe('select 1 as id');
    rmSync(join(dir, 'target/compiled'), { recursive: true });
    expect((await sm('run', '-s', 't', '--project-dir', dir)).code).toBe(0);
    expect(['lonely', 't', 'used'].map((n) => existsSync(compiled(n)))).toEqual([false, true, true]);
  });
});
