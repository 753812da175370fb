import { describe, expect, it } from 'vitest';
import { execute, type InvocationOptions } from '@smsql/core';
import { queryTarget as rows, writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

/**
 * dbt's persist_docs on DuckDB: dbt-core 1.11.16 with dbt-duckdb 1.11.1 left these comments for
 * the same files (a documented column the view lacks is skipped; an undocumented one has none).
 */
describe('persist_docs', () => {
  it('puts the descriptions of a table, a view and their documented columns into the warehouse as comments, again on every run', async () => {
    const dir = writeProject({
      'sm_project.yml': 'name: pd\nprofile: pd\nmodels:\n  pd:\n    +persist_docs: {relation: true, columns: true}\n',
      'profiles.yml': 'pd:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/pd.duckdb\n      threads: 1\n',
      'models/t.sql': "{{ config(materialized='table') }} select 1 as id",
      'models/v.sql': "select 2 as id, 'x' as name",
      'models/s.yml': "models:\n  - name: t\n    description: The table's own\n    columns:\n      - {name: id, description: The id}\n  - name: v\n    description: The view\n    columns:\n      - {name: id, description: V id}\n      - {name: missing, description: not there}\n",
    });
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    const comments = "select name, comment from (select table_name as name, comment from duckdb_tables() union all select view_name, comment from duckdb_views() union all select table_name || '.' || column_name, comment from duckdb_columns()) where name in ('t', 'v', 't.id', 'v.id', 'v.name') order by name";
    const expected = [
      { name: 't', comment: "The table's own" },
      { name: 't.id', comment: 'The id' },
      { name: 'v', comment: 'The view' },
      { name: 'v.id', comment: 'V id' },
      { name: 'v.name', comment: null },
    ];
    for (let i = 0; i < 2; i++) {
      expect((await execute(opts, 'run')).status).toBe('success');
      expect(await rows(opts, comments)).toEqual(expected);
    }
  });
});
