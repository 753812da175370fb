import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryDuckDb, writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/**
 * dbt-duckdb 1.11's table and incremental materializations read `partitioned_by`/`partition_by`
 * and `sorted_by`/`sort_by` whenever they create the table, and refuse anything but a column name
 * or a list of them (fivetran's jira package sets BigQuery's `{'field': ..., 'data_type': ...}`).
 * Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1 on these files (`dbt run`, exit 1):
 * t_map, t_empty, t_int, t_sort and i_map ERROR (Compilation Error: "partitioned_by/partition_by
 * must be a list of strings or a string", "... must contain at least one column", "... list
 * values must be non-empty strings", "sorted_by/sort_by must be a list of strings or a string"),
 * down SKIP; t_list and t_both (partitioned_by wins over partition_by) OK with a warning that
 * partitioning is ignored outside DuckLake; a view never reads it (v_map OK).
 */
describe('partition_by and sort_by on DuckDB tables, as dbt-duckdb checks them', () => {
  it('fails a table or a first incremental build whose partition_by is a map, and skips its children', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': 'name: demo\nversion: "1.0"\nprofile: demo\n',
      'models/t_map.sql': "{{ config(materialized='table', partition_by={'field': 'd', 'data_type': 'date'}) }} select 1 as id, current_date as d",
      'models/t_list.sql': "{{ config(materialized='table', partition_by=['d']) }} select 1 as id, current_date as d",
      'models/t_empty.sql': "{{ config(materialized='table', partition_by=[]) }} select 1 as id",
      'models/t_sort.sql': "{{ config(materialized='table', sort_by={'a': 1}) }} select 1 as id",
      'models/t_both.sql': "{{ config(materialized='table', partitioned_by='id', partition_by={'a': 1}) }} select 1 as id",
      'models/t_int.sql': "{{ config(materialized='table', partition_by=[1]) }} select 1 as id",
      'models/v_map.sql': "{{ config(materialized='view', partition_by={'a': 1}) }} select 1 as id",
      'models/i_map.sql': "{{ config(materialized='incremental', partition_by={'field': 'id'}) }} select 1 as id",
      'models/down.sql': "select * from {{ ref('t_map') }}",
    });
    const r = await sm('run', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code).toBe(1);
    const rr = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string }[] };
    const status = Object.fromEntries(rr.results.map((x) => [x.unique_id.split('.')[2], x.status]));
    expect(status).toEqual({ i_map: 'error', t_both: 'success', t_empty: 'error', t_int: 'error', t_list: 'success', t_map: 'error', t_sort: 'error', v_map: 'success', down: 'skipped' });
    const message = (n: string) => rr.results.find((x) => x.unique_id === `model.demo.${n}`)!.message;
    expect(message('t_map')).toMatch(/^Compilation Error in model t_map \(models\/t_map\.sql\)\n {2}partitioned_by\/partition_by must be a list of strings or a string/);
    expect(message('t_empty')).toContain('partitioned_by/partition_by must contain at least one column');
    expect(message('t_int')).toContain('partitioned_by/partition_by list values must be non-empty strings');
    expect(message('t_sort')).toContain('sorted_by/sort_by must be a list of strings or a string');
  });

  it('checks only when the table is created: an incremental run keeps it, --full-refresh fails and leaves the table', async () => {
    // dbt: run 1 (no partition_by) OK; run 2 with the map, incremental: OK, rows 1 and 2; run 3 with
    // the map and --full-refresh: ERROR, exit 1, the table still holds 1 and 2.
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': 'name: demo\nversion: "1.0"\nprofile: demo\n',
      'models/i_var.sql': "{{ config(materialized='incremental', partition_by=({'field': 'id'} if var('p', false) else none)) }} select {{ var('n', 1) }} as id",
    });
    const run = (...extra: string[]) => sm('run', '--project-dir', dir, '--profiles-dir', dir, ...extra);
    expect((await run()).code).toBe(0);
    expect((await run('--vars', '{p: true, n: 2}')).code).toBe(0);
    const r = await run('--vars', '{p: true, n: 3}', '--full-refresh');
    expect(r.code).toBe(1);
    expect(r.out).toContain('partitioned_by/partition_by must be a list of strings or a string');
    expect(await queryDuckDb(join(dir, 'target/demo.duckdb'), 'select id::int as id from i_var order by id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('warns, as dbt-duckdb does, that a valid partition_by or sort_by is ignored, each time a table is created', async () => {
    // Recorded from dbt-duckdb 1.11.1 on these files: `dbt parse` and `dbt compile` say nothing; the
    // first `dbt run` logs, at warn level, while building each model:
    //   DuckDB adapter: partitioned_by/partition_by is only supported for DuckLake relations; ignoring for "dbt"."main"."inc"
    //   DuckDB adapter: sorted_by/sort_by is only supported for DuckLake relations; ignoring for "dbt"."main"."inc"
    //   DuckDB adapter: partitioned_by/partition_by is only supported for DuckLake relations; ignoring for "dbt"."main"."t"
    // and the second run (inc incremental) only the line for t; the view never; exit 0, WARN=0 both times.
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': 'name: demo\nversion: "1.0"\nprofile: demo\n',
      'models/t.sql': "{{ config(materialized='table', partition_by='id') }} select 1 as id",
      'models/inc.sql': "{{ config(materialized='incremental', partition_by=['id'], sort_by='id') }} select 1 as id",
      'models/v.sql': "{{ config(materialized='view', partition_by='id') }} select 1 as id",
    });
    const line = (field: string, rel: string) => `DuckDB adapter: ${field} is only supported for DuckLake relations; ignoring for "demo"."main"."${rel}"`;
    const warned = (out: string) => out.split('\n').filter((l) => l.includes('only supported for DuckLake'));
    for (const cmd of ['parse', 'compile']) {
      const r = await sm(cmd, '--project-dir', dir, '--profiles-dir', dir);
      expect(r.code).toBe(0);
      expect(warned(r.out + r.err)).toEqual([]);
    }
    const run = () => sm('run', '--project-dir', dir, '--profiles-dir', dir);
    const first = await run();
    expect(first.code, first.out + first.err).toBe(0);
    expect(warned(first.out + first.err)).toEqual([line('partitioned_by/partition_by', 'inc'), line('sorted_by/sort_by', 'inc'), line('partitioned_by/partition_by', 't')]);
    const second = await run();
    expect(second.code).toBe(0);
    expect(warned(second.out + second.err)).toEqual([line('partitioned_by/partition_by', 't')]);
    // dbt --log-format json: {"info": {"name": "AdapterEventWarning", "code": "E003", "level": "warn", ...},
    // "data": {"args": [], "base_msg": "partitioned_by/... ignoring for \"dbt\".\"main\".\"t\"", "name": "DuckDB", "node_info": {... "node_status": "executing"}}}.
    const json = await sm('--log-format', 'json', 'run', '-s', 't', '--project-dir', dir, '--profiles-dir', dir);
    const ev = json.out.split('\n').map((l) => JSON.parse(l) as { info: Record<string, unknown>; data: Record<string, unknown> & { node_info?: Record<string, unknown> } }).find((l) => l.info.name === 'AdapterEventWarning');
    expect(ev?.info).toMatchObject({ code: 'E003', level: 'warn', msg: line('partitioned_by/partition_by', 't') });
    expect(ev?.data).toMatchObject({ args: [], base_msg: line('partitioned_by/partition_by', 't').replace('DuckDB adapter: ', ''), name: 'DuckDB' });
    expect(ev?.data.node_info).toMatchObject({ unique_id: 'model.demo.t', node_status: 'executing' });
  });
});
