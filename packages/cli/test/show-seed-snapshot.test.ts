import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { shownRows, sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

function project(extra: Record<string, string> = {}): string {
  return writeProject({
    'profiles.yml': PROFILE,
    'dbt_project.yml': "name: demo\nversion: '1.0.0'\nprofile: demo\non-run-start:\n  - \"create table if not exists main.hook_ran as select 1 as x\"\n",
    'seeds/s.csv': 'id,name\n1,a\n2,b\n3,c\n',
    'snapshots/snap.sql': "{% snapshot snap %}\n{{ config(unique_key='id', strategy='check', check_cols='all', target_schema='main') }}\nselect * from {{ ref('s') }}\n{% endsnapshot %}\n",
    ...extra,
  });
}

const tables = async (dir: string) => (await sm('show', '--inline', "select string_agg(table_name, ',' order by table_name) as t from information_schema.tables", '--project-dir', dir, '--profiles-dir', dir)).out;

/**
 * `show -s <seed>` and `show -s <snapshot>` as dbt-core 1.11.16 did them (7 Dec 2026, same
 * files, a new database): a seed is loaded first ("1 of 1 OK loaded seed file main.s"), all its
 * rows shown whatever --limit says, and run_results.json records the load (message "INSERT 3");
 * the project's on-run-start hook does not run; a seed that cannot load is exit 2. A snapshot's
 * query is run with the limit (the snapshot table need not exist, and is not made).
 */
describe('sm show of a seed and of a snapshot, as dbt show', () => {
  it('loads a seed, then shows all its rows and records the load', async () => {
    const dir = project();
    const r = await sm('show', '-s', 's', '--limit', '2', '--log-format', 'json', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(shownRows(r.out).map((x) => x.name)).toEqual(['a', 'b', 'c']);
    const rr = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown>; results: Record<string, unknown>[] };
    expect(rr.args).toMatchObject({ which: 'show', select: ['s'], limit: 2 });
    expect(rr.results).toHaveLength(1);
    expect(rr.results[0]).toMatchObject({ status: 'success', unique_id: 'seed.demo.s', message: 'INSERT 3', adapter_response: { _message: 'INSERT 3', code: 'INSERT', rows_affected: 3 }, compiled: null, compiled_code: null, relation_name: null });
    expect(await tables(dir)).not.toContain('hook_ran');
  });

  it("runs a snapshot's query with the limit, without building it", async () => {
    const dir = project();
    expect((await sm('seed', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    const r = await sm('show', '-s', 'snap', '--limit', '1', '--log-format', 'json', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(shownRows(r.out)).toEqual([{ id: 1, name: 'a' }]);
    expect(await tables(dir)).not.toMatch(/\bsnap\b/);
  });

  it('exits 2 when the seed cannot load, saying why', async () => {
    const dir = project({ 'seeds/bad.csv': 'id,name\n1,a,zz\n' });
    const r = await sm('show', '-s', 'bad', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code).toBe(2);
    expect(`${r.out}\n${r.err}`).toContain('seeds/bad.csv');
  });
});
