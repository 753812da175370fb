import { describe, expect, it } from 'vitest';
import { writeDuckdbProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

// dbt-core 1.11.16 + dbt-duckdb 1.11.1 (8 Dec 2026), a table and a view with `grants: {select: [reporter]}`:
// `dbt run` printed "DuckDB adapter: Grants for relations are not supported by DuckDB" once (before the
// table's OK line), built both, exit 0. sm said nothing of the grants.
describe('grants on DuckDB', () => {
  it("are not applied: dbt-duckdb's warning, once per run", async () => {
    const dir = writeDuckdbProject({
      'models/a.sql': "{{ config(materialized='table', grants={'select': ['reporter']}) }} select 1 as id",
      'models/b.sql': "{{ config(grants={'select': ['reporter']}) }} select 1 as id",
      'models/c.sql': 'select 1 as id',
    });
    const r = await sm('run', '--project-dir', dir);
    expect(r.code).toBe(0);
    const said = (r.out + r.err).split('\n').filter((l) => l.includes('Grants for relations are not supported by DuckDB'));
    expect(said).toEqual(['DuckDB adapter: Grants for relations are not supported by DuckDB']);
  });
});
