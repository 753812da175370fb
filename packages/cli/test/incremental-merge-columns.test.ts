import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { queryDuckDb, writeDuckdbProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const rows = (phase1: string, phase2: string) => `{% if var('phase') == 1 %}${phase1}{% else %}${phase2}{% endif %}`;
const DATA = rows("select 1 as id, 'a' as v, 1 as n union all select 2, 'b', 1", "select 1 as id, 'a2' as v, 2 as n union all select 3, 'c', 2");

/**
 * Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1 (8 Dec 2026), `dbt run --vars 'phase: 1'` then
 * `phase: 2` on these models:
 * - ex (merge, merge_exclude_columns [v]): (1,'a',2), (2,'b',1), (3,'c',2): a matched row keeps v;
 * - up (merge, merge_update_columns [n]): the same;
 * - dflt (a unique_key, no strategy): (1,'a2'), (1,'dup'), (2,'b'), (3,'c'): dbt-duckdb's default
 *   strategy is delete+insert, which keeps both new rows of key 1;
 * - both merge_update_columns and merge_exclude_columns: "Compilation Error ... Model cannot specify
 *   merge_update_columns and merge_exclude_columns. Please update model to use only one config", exit 1.
 * sm ignored both configs (every column updated) and merged by default (one row of key 1).
 */
describe("incremental merges choose their columns, and DuckDB's default strategy, as dbt-duckdb does", () => {
  it('keeps excluded columns, updates only listed ones, and deletes+inserts by default', async () => {
    const dir = writeDuckdbProject({
      'dbt_project.yml': "name: demo\nprofile: demo\nversion: '1.0'\nvars:\n  phase: 1\n",
      'models/ex.sql': `{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge', merge_exclude_columns=['v']) }}\n${DATA}`,
      'models/up.sql': `{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge', merge_update_columns=['n']) }}\n${DATA}`,
      'models/dflt.sql': `{{ config(materialized='incremental', unique_key='id') }}\n${rows("select 1 as id, 'a' as v union all select 2, 'b'", "select 1 as id, 'a2' as v union all select 1, 'dup' union all select 3, 'c'")}`,
    });
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const r = await sm('run', '--project-dir', dir, '--vars', 'phase: 2');
    expect(r.code, r.out + r.err).toBe(0);
    const db = join(dir, 'target/d.duckdb');
    const expected = [{ id: 1, v: 'a', n: 2 }, { id: 2, v: 'b', n: 1 }, { id: 3, v: 'c', n: 2 }];
    expect(await queryDuckDb(db, 'select id, v, n from main.ex order by all')).toEqual(expected);
    expect(await queryDuckDb(db, 'select id, v, n from main.up order by all')).toEqual(expected);
    expect(await queryDuckDb(db, 'select id, v from main.dflt order by all')).toEqual([{ id: 1, v: 'a2' }, { id: 1, v: 'dup' }, { id: 2, v: 'b' }, { id: 3, v: 'c' }]);
  });

  it('refuses both lists on a merge: the model fails, exit 1', async () => {
    const dir = writeDuckdbProject({
      'models/both.sql': "{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge', merge_update_columns=['n'], merge_exclude_columns=['v']) }}\nselect 1 as id, 'a' as v, 1 as n",
    });
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const r = await sm('run', '--project-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toContain('Model cannot specify merge_update_columns and merge_exclude_columns. Please update model to use only one config');
  });
});
