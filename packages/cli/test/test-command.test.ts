import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 2\n';

async function query(dir: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(join(dir, 'target/demo.duckdb'));
  const c = await db.connect();
  try {
    const rows = (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

const schema = (uniqueConfig = '') => `version: 2
models:
  - name: dim_users
    columns:
      - name: user_id
        tests:
          - not_null
          - unique${uniqueConfig ? `:\n              config: ${uniqueConfig}` : ''}
`;

/** A dimension over a seed with a duplicate key planted (users 2 and 3 appear twice). */
function project(uniqueConfig = ''): string {
  return writeProject({
    'profiles.yml': PROFILE,
    'seeds/users.csv': 'user_id,level\n1,free\n2,paid\n2,paid\n3,free\n3,free\n',
    'models/dim_users.sql': "select * from {{ ref('users') }}",
    'models/fact.sql': "{{ config(materialized='table') }}select user_id from {{ ref('dim_users') }}",
    'models/wide.sql': "{{ config(materialized='table') }}select * from {{ ref('fact') }}",
    'models/other.sql': "{{ config(materialized='table') }}select 1 as x",
    'models/schema.yml': schema(uniqueConfig),
  });
}

const finished = (out: string) =>
  out.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.event === 'node_finished');

describe('sm test and sm build with data tests', () => {
  it('a duplicate key fails unique with exit 1 and its failing-row count; warn severity exits 0 with a warning', async () => {
    const dir = project();
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const r = await sm('test', '--project-dir', dir);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/FAIL\s+test unique_dim_users_user_id .* 2 failing/);
    expect(r.out).toMatch(/PASS\s+test not_null_dim_users_user_id/);
    expect(r.out).toContain('Got 2 results, configured to fail if != 0');
    writeFileSync(join(dir, 'models/schema.yml'), schema('{severity: warn}'));
    const w = await sm('test', '--project-dir', dir);
    expect(w.code, w.out).toBe(0);
    expect(w.out).toMatch(/WARN\s+test unique_dim_users_user_id .* 2 failing/);
    expect(w.out).toContain('Warning in test unique_dim_users_user_id');
    // warn_if/error_if thresholds: two failures error only above 5, warn above 1.
    writeFileSync(join(dir, 'models/schema.yml'), schema(`{error_if: '>5', warn_if: '>1'}`));
    const t = await sm('test', '--project-dir', dir);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/WARN\s+test unique_dim_users_user_id/);
    // Above both thresholds nothing is judged a failure: dbt 1.11.16 records status pass with failures 0 in
    // run_results.json though the query found rows (dbt-expectations' integration tests with error_if '=0', warn_if '<4').
    writeFileSync(join(dir, 'models/schema.yml'), schema(`{error_if: '>5', warn_if: '>5'}`));
    expect((await sm('test', '--project-dir', dir)).code).toBe(0);
    const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; failures: number }[] };
    expect(rr.results.find((x) => x.unique_id.startsWith('test.demo.unique_dim_users_user_id'))).toMatchObject({ status: 'pass', failures: 0 });
  });

  it('build skips the descendants of a model whose error test failed; retry then runs exactly the failed and skipped nodes', async () => {
    const dir = project();
    const b = await sm('build', '--project-dir', dir, '--log-format', 'json');
    expect(b.code).toBe(1);
    const status = Object.fromEntries(finished(b.out).map((e) => [e.name, e.status]));
    expect(status).toEqual({
      users: 'success',
      dim_users: 'success',
      not_null_dim_users_user_id: 'pass',
      unique_dim_users_user_id: 'fail',
      fact: 'skipped',
      wide: 'skipped',
      other: 'success',
    });
    // Fix the data behind the view; retry must not rebuild what succeeded.
    await query(dir, 'delete from main.users where user_id in (2, 3); insert into main.users values (2, \'paid\'), (3, \'free\')');
    const r = await sm('retry', '--project-dir', dir, '--log-format', 'json');
    expect(r.code, r.out).toBe(0);
    expect(finished(r.out).map((e) => `${e.name}:${e.status}`).sort()).toEqual(['fact:success', 'unique_dim_users_user_id:pass', 'wide:success']);
    expect(await query(dir, 'select count(*)::int as n from main.wide')).toEqual([{ n: 3 }]);
  });

  it('--store-failures keeps the failing rows in a table named after the test and says where; a later pass empties it', async () => {
    const dir = project();
    expect((await sm('build', '--project-dir', dir, '--exclude', 'unique_dim_users_user_id')).code).toBe(0);
    const r = await sm('test', '--project-dir', dir, '--store-failures');
    expect(r.code).toBe(1);
    expect(r.out).toContain('failing rows stored in "demo"."main_dbt_test__audit"."unique_dim_users_user_id"');
    // run_results name that relation, as dbt's do.
    const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; relation_name: string | null }[] };
    expect(rr.results.find((x) => x.unique_id.startsWith('test.demo.unique_dim_users_user_id'))?.relation_name).toBe('"demo"."main_dbt_test__audit"."unique_dim_users_user_id"');
    expect(await query(dir, 'select unique_field, n_records from main_dbt_test__audit.unique_dim_users_user_id order by 1')).toEqual([
      { unique_field: 2, n_records: 2 },
      { unique_field: 3, n_records: 2 },
    ]);
    await query(dir, 'delete from main.users where user_id in (2, 3)');
    expect((await sm('test', '--project-dir', dir, '--store-failures')).code).toBe(0);
    expect(await query(dir, 'select count(*)::int as n from main_dbt_test__audit.unique_dim_users_user_id')).toEqual([{ n: 0 }]);
  });

  it('--log-format json says where --store-failures put the failing rows, and null for tests that stored nothing', async () => {
    const dir = project();
    expect((await sm('build', '--project-dir', dir, '--exclude', 'unique_dim_users_user_id')).code).toBe(0);
    const r = await sm('test', '--project-dir', dir, '--store-failures', '--log-format', 'json');
    expect(r.code).toBe(1);
    const byName = Object.fromEntries(finished(r.out).map((e) => [e.name, e]));
    expect(byName.unique_dim_users_user_id).toMatchObject({ status: 'fail', failures: 2, stored_failures_in: '"demo"."main_dbt_test__audit"."unique_dim_users_user_id"' });
    expect(byName.not_null_dim_users_user_id).toMatchObject({ status: 'pass' });
    const plain = await sm('test', '--project-dir', dir, '--log-format', 'json');
    expect(finished(plain.out).find((e) => e.name === 'unique_dim_users_user_id')).toMatchObject({ status: 'fail', stored_failures_in: null });
  });

  it("not_null stores the whole failing row, as dbt's selects * when it keeps failures (config or --store-failures), its column otherwise", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/m.sql': "select 1 as id, 'a' as name union all select null, 'b' union all select 3, null",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests: [not_null]\n      - name: name\n        data_tests:\n          - not_null:\n              config: {store_failures_as: view}\n',
    });
    const compiled = (name: string) => readFileSync(join(dir, 'target/compiled/demo/models/schema.yml', `${name}.sql`), 'utf8').trim();
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    expect((await sm('test', '--project-dir', dir)).code).toBe(1);
    expect(compiled('not_null_m_id')).toBe('select id\nfrom "demo"."main"."m"\nwhere id is null');
    expect(compiled('not_null_m_name')).toBe('select *\nfrom "demo"."main"."m"\nwhere name is null');
    expect(await query(dir, 'select * from main_dbt_test__audit.not_null_m_name')).toEqual([{ id: 3, name: null }]);
    // The flag is an input of the render: compiled again with it, and again without it.
    expect((await sm('test', '--project-dir', dir, '--store-failures')).code).toBe(1);
    expect(compiled('not_null_m_id')).toBe('select *\nfrom "demo"."main"."m"\nwhere id is null');
    expect(await query(dir, 'select * from main_dbt_test__audit.not_null_m_id')).toEqual([{ id: null, name: 'b' }]);
    expect((await sm('test', '--project-dir', dir)).code).toBe(1);
    expect(compiled('not_null_m_id')).toBe('select id\nfrom "demo"."main"."m"\nwhere id is null');
  });

  it('store_failures_as: view, where and limit are honoured', async () => {
    const dir = project(`{store_failures_as: view, where: "level = 'paid'"}`);
    expect((await sm('build', '--project-dir', dir, '--exclude', 'unique_dim_users_user_id')).code).toBe(0);
    const r = await sm('test', '--project-dir', dir, '--select', 'test_name:unique');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL\s+test unique_dim_users_user_id .* 1 failing/);
    expect(await query(dir, "select table_type from information_schema.tables where table_schema = 'main_dbt_test__audit'")).toEqual([{ table_type: 'VIEW' }]);
    expect(await query(dir, 'select unique_field from main_dbt_test__audit.unique_dim_users_user_id')).toEqual([{ unique_field: 2 }]);
    // From view to table in place, and limit caps both the count and the stored rows.
    writeFileSync(join(dir, 'models/schema.yml'), schema('{store_failures: true, limit: 1}'));
    const l = await sm('test', '--project-dir', dir, '--select', 'test_name:unique');
    expect(l.out).toMatch(/FAIL\s+test unique_dim_users_user_id .* 1 failing/);
    expect(await query(dir, "select table_type from information_schema.tables where table_schema = 'main_dbt_test__audit'")).toEqual([{ table_type: 'BASE TABLE' }]);
    expect(await query(dir, 'select count(*)::int as n from main_dbt_test__audit.unique_dim_users_user_id')).toEqual([{ n: 1 }]);
  });
});
