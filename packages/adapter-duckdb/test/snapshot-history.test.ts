import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDuckDbAdapter } from '../src/index.ts';
import { execute, type InvocationOptions } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';
const SOURCES = 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: users\n';

/** Run SQL against the project's DuckDB file through the adapter (closed again before sm opens it). */
async function sql(dir: string, text: string): Promise<Record<string, unknown>[]> {
  const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 1, path: join(dir, 'target/demo.duckdb') }, { projectDir: dir });
  try {
    const c = await session.acquire();
    let rows: readonly Record<string, unknown>[] = [];
    for (const s of text.split(';').map((x) => x.trim()).filter(Boolean)) rows = (await c.execute(s)).rows;
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v])));
  } finally {
    await session.close();
  }
}

async function sm(dir: string, command: 'snapshot' | 'build' | 'run', extra: Partial<InvocationOptions> = {}) {
  const o = await execute({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, ...extra }, command);
  const bad = o.results.filter((r) => r.status !== 'success' && r.status !== 'pass');
  return { ok: o.status === 'success', results: o.results, errors: bad.map((r) => `${r.name}: ${r.message}`).join('\n') };
}

function project(config: string, files: Record<string, string> = {}): string {
  return writeProject({
    'profiles.yml': PROFILE,
    'models/sources.yml': SOURCES,
    'snapshots/users_snapshot.sql': `{% snapshot users_snapshot %}\n{{ config(${config}) }}\nselect * from {{ source('raw', 'users') }}\n{% endsnapshot %}\n`,
    ...files,
  });
}

const SEED = `create schema if not exists raw;
create or replace table raw.users as select * from (values
  (1, 'ann', 'free', timestamp '2026-01-01 00:00:00'),
  (2, 'bob', 'free', timestamp '2026-01-01 00:00:00'),
  (3, 'cat', 'paid', timestamp '2026-01-01 00:00:00')) t(id, name, level, updated_at)`;

const history = (dir: string, cols = 'id, name, level, dbt_valid_from, dbt_valid_to') => sql(dir, `select ${cols} from main.users_snapshot order by id, dbt_valid_from`);

describe('snapshots', () => {
  it('timestamp strategy: a changed row closes its version and opens a new one; nothing else changes', async () => {
    const dir = project(`unique_key='id', strategy='timestamp', updated_at='updated_at'`);
    await sql(dir, SEED);
    let r = await sm(dir, 'snapshot');
    expect(r.ok, r.errors).toBe(true);
    expect(r.results[0]!.message).toBe('CREATE SNAPSHOT 3 rows');
    const first = await sql(dir, 'select * from main.users_snapshot order by id');
    expect(first).toHaveLength(3);
    expect(first.every((x) => x.dbt_valid_to === null && x.dbt_valid_from === '2026-01-01T00:00:00.000Z' && typeof x.dbt_scd_id === 'string')).toBe(true);

    await sql(dir, "update raw.users set level = 'paid', updated_at = timestamp '2026-01-02 10:00:00' where id = 2; insert into raw.users values (4, 'dan', 'free', timestamp '2026-01-02 11:00:00')");
    r = await sm(dir, 'snapshot');
    expect(r.ok, r.errors).toBe(true);
    expect(r.results[0]!.rowsAffected).toBe(2);
    expect(await history(dir)).toEqual([
      { id: 1, name: 'ann', level: 'free', dbt_valid_from: '2026-01-01T00:00:00.000Z', dbt_valid_to: null },
      { id: 2, name: 'bob', level: 'free', dbt_valid_from: '2026-01-01T00:00:00.000Z', dbt_valid_to: '2026-01-02T10:00:00.000Z' },
      { id: 2, name: 'bob', level: 'paid', dbt_valid_from: '2026-01-02T10:00:00.000Z', dbt_valid_to: null },
      { id: 3, name: 'cat', level: 'paid', dbt_valid_from: '2026-01-01T00:00:00.000Z', dbt_valid_to: null },
      { id: 4, name: 'dan', level: 'free', dbt_valid_from: '2026-01-02T11:00:00.000Z', dbt_valid_to: null },
    ]);
    // Untouched rows keep their identity; a third run over the same source writes nothing.
    const ids = await sql(dir, 'select id, dbt_scd_id from main.users_snapshot where id in (1, 3) order by id');
    expect(ids.map((x) => x.dbt_scd_id)).toEqual(first.filter((x) => x.id !== 2).map((x) => x.dbt_scd_id));
    const before = await sql(dir, 'select * from main.users_snapshot order by id, dbt_valid_from');
    r = await sm(dir, 'snapshot');
    expect(r.results[0]!.rowsAffected).toBe(0);
    expect(await sql(dir, 'select * from main.users_snapshot order by id, dbt_valid_from')).toEqual(before);
    expect(await sql(dir, "select table_name from information_schema.tables where table_name like '%__sm_%'")).toEqual([]);
  });

  it("check strategy compares only check_cols ('all' compares every column)", async () => {
    const dir = project(`unique_key='id', strategy='check', check_cols=['level']`);
    await sql(dir, SEED);
    expect((await sm(dir, 'snapshot')).ok).toBe(true);
    await sql(dir, "update raw.users set name = 'ANN' where id = 1; update raw.users set level = 'paid' where id = 2");
    const r = await sm(dir, 'snapshot');
    expect(r.ok, r.errors).toBe(true);
    const rows = await sql(dir, 'select id, name, level, dbt_valid_to is null as current, dbt_updated_at = dbt_valid_from as same from main.users_snapshot order by id, dbt_valid_from');
    expect(rows).toEqual([
      { id: 1, name: 'ann', level: 'free', current: true, same: true },
      { id: 2, name: 'bob', level: 'free', current: false, same: true },
      { id: 2, name: 'bob', level: 'paid', current: true, same: true },
      { id: 3, name: 'cat', level: 'paid', current: true, same: true },
    ]);
    const all = project(`unique_key='id', strategy='check', check_cols='all'`);
    await sql(all, SEED);
    expect((await sm(all, 'snapshot')).ok).toBe(true);
    await sql(all, "update raw.users set name = 'ANN' where id = 1");
    expect((await sm(all, 'snapshot')).results[0]!.rowsAffected).toBe(1);
    expect(await sql(all, 'select count(*)::int n from main.users_snapshot where id = 1')).toEqual([{ n: 2 }]);
  });

  it('hard_deletes: invalidate closes a vanished row; new_record also writes a deletion version and revives it later', async () => {
    const inv = project(`unique_key='id', strategy='timestamp', updated_at='updated_at', invalidate_hard_deletes=true`);
    await sql(inv, SEED);
    expect((await sm(inv, 'snapshot')).ok).toBe(true);
    await sql(inv, 'delete from raw.users where id = 3');
    expect((await sm(inv, 'snapshot')).results[0]!.rowsAffected).toBe(1);
    expect(await sql(inv, 'select id, dbt_valid_to is null as current from main.users_snapshot order by id')).toEqual([
      { id: 1, current: true },
      { id: 2, current: true },
      { id: 3, current: false },
    ]);

    const nr = project(`unique_key='id', strategy='timestamp', updated_at='updated_at', hard_deletes='new_record'`);
    await sql(nr, SEED);
    expect((await sm(nr, 'snapshot')).ok).toBe(true);
    await sql(nr, 'delete from raw.users where id = 3');
    let r = await sm(nr, 'snapshot');
    expect(r.ok, r.errors).toBe(true);
    expect(await sm(nr, 'snapshot').then((x) => x.results[0]!.rowsAffected)).toBe(0);
    await sql(nr, "insert into raw.users values (3, 'cat', 'free', timestamp '2026-01-01 00:00:00')");
    r = await sm(nr, 'snapshot');
    expect(r.ok, r.errors).toBe(true);
    expect(await sql(nr, 'select level, dbt_is_deleted, dbt_valid_to is null as current from main.users_snapshot where id = 3 order by dbt_valid_from')).toEqual([
      { level: 'paid', dbt_is_deleted: 'False', current: false },
      { level: 'paid', dbt_is_deleted: 'True', current: false },
      { level: 'free', dbt_is_deleted: 'False', current: true },
    ]);
    expect(await sql(nr, 'select count(*)::int n from main.users_snapshot where id <> 3')).toEqual([{ n: 2 }]);
    // dbt 1.11's id of a deletion version: the hash of the deleted version's id and the time of the
    // run (checked against the rows of a dbt-duckdb 1.11.1 snapshot, 6 Dec 2026), not of the key.
    expect(
      await sql(
        nr,
        `select d.dbt_scd_id = md5(coalesce(cast(o.dbt_scd_id as varchar), '') || '|' || coalesce(cast(d.dbt_valid_from as varchar), '')) as dbt_id,
                d.dbt_scd_id = md5('3|' || cast(d.dbt_valid_from as varchar)) as key_id
         from main.users_snapshot d join main.users_snapshot o on o.id = d.id and o.dbt_is_deleted = 'False' and o.dbt_valid_to = d.dbt_valid_from
         where d.dbt_is_deleted = 'True'`,
      ),
    ).toEqual([{ dbt_id: true, key_id: false }]);
  });

  it('snapshot_meta_column_names and dbt_valid_to_current rename and fill the meta columns', async () => {
    const dir = project(
      `unique_key='id', strategy='timestamp', updated_at='updated_at', dbt_valid_to_current="timestamp '9999-12-31'", snapshot_meta_column_names={'dbt_valid_from': 'valid_from', 'dbt_valid_to': 'valid_to', 'dbt_scd_id': 'version_id', 'dbt_updated_at': 'changed_at'}`,
    );
    await sql(dir, SEED);
    expect((await sm(dir, 'snapshot')).ok).toBe(true);
    await sql(dir, "update raw.users set level = 'paid', updated_at = timestamp '2026-01-03 00:00:00' where id = 1");
    const r = await sm(dir, 'snapshot');
    expect(r.ok, r.errors).toBe(true);
    // dbt 1.11's order: the source's columns, then scd_id, updated_at, valid_from, valid_to.
    expect((await sql(dir, "select column_name from information_schema.columns where table_name = 'users_snapshot' order by ordinal_position")).map((x) => x.column_name)).toEqual([
      'id', 'name', 'level', 'updated_at', 'version_id', 'changed_at', 'valid_from', 'valid_to',
    ]);
    expect(await sql(dir, 'select level, valid_to from main.users_snapshot where id = 1 order by valid_from')).toEqual([
      { level: 'free', valid_to: '2026-01-03T00:00:00.000Z' },
      { level: 'paid', valid_to: '9999-12-31T00:00:00.000Z' },
    ]);
  });

  it('YAML snapshots (dbt 1.9) with relation:, and build runs them in DAG order before models that ref them', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/sources.yml': SOURCES,
      'snapshots/snapshots.yml': "snapshots:\n  - name: users_history\n    relation: source('raw', 'users')\n    config:\n      schema: history\n      unique_key: id\n      strategy: check\n      check_cols: [level]\n",
      'models/dim_users.sql': "{{ config(materialized='table') }}select id, level, dbt_valid_from from {{ ref('users_history') }} where dbt_valid_to is null",
    });
    await sql(dir, SEED);
    const r = await sm(dir, 'build');
    expect(r.ok, r.errors).toBe(true);
    expect(r.results.map((x) => x.name)).toEqual(['users_history', 'dim_users']);
    expect(await sql(dir, 'select count(*)::int n from main_history.users_history')).toEqual([{ n: 3 }]);
    expect(await sql(dir, 'select count(*)::int n from main.dim_users')).toEqual([{ n: 3 }]);
    // `run` builds models only, as in dbt; `snapshot --select` picks snapshots.
    const run = await sm(dir, 'run');
    expect(run.results.map((x) => x.name)).toEqual(['dim_users']);
    const snap = await sm(dir, 'snapshot', { select: ['users_history'] });
    expect(snap.results.map((x) => x.name)).toEqual(['users_history']);
  });

  it("legacy target_schema places the snapshot verbatim, and ref() to it follows", async () => {
    const dir = project(`target_schema='snaps', unique_key='id', strategy='check', check_cols='all'`, {
      'models/current_users.sql': "select * from {{ ref('users_snapshot') }} where dbt_valid_to is null",
    });
    await sql(dir, SEED);
    const r = await sm(dir, 'build');
    expect(r.ok, r.errors).toBe(true);
    expect(await sql(dir, 'select count(*)::int n from main.current_users')).toEqual([{ n: 3 }]);
    expect(await sql(dir, "select table_schema from information_schema.tables where table_name = 'users_snapshot'")).toEqual([{ table_schema: 'snaps' }]);
  });

  it('a bad config or a failing run names the snapshot and leaves the history as it was', async () => {
    let dir = project(`unique_key='id', strategy='timestamp'`);
    await sql(dir, SEED);
    // As dbt 1.11 (SnapshotConfig.final_validate when it parses): a project error before anything runs (exit 2), not a failed snapshot.
    await expect(sm(dir, 'snapshot')).rejects.toMatchObject({ diagnostics: [{ code: 'SM_CONFIG_INVALID', location: { file: 'snapshots/users_snapshot.sql' }, message: expect.stringContaining('the timestamp strategy must specify an updated_at') }] });
    dir = project(`unique_key='id', strategy='check', check_cols=['level']`);
    await sql(dir, SEED);
    expect((await sm(dir, 'snapshot')).ok).toBe(true);
    await sql(dir, "update raw.users set level = 'paid' where id = 1; alter table raw.users rename column level to tier");
    let r = await sm(dir, 'snapshot');
    expect(r.errors).toContain('the source query has no column level');
    expect(await sql(dir, 'select count(*)::int n from main.users_snapshot')).toEqual([{ n: 3 }]);
    expect(await sql(dir, "select table_name from information_schema.tables where table_name like '%__sm_%'")).toEqual([]);
    // A key that is not unique in the source would give it two current versions: refused, history kept.
    await sql(dir, "alter table raw.users rename column tier to level; insert into raw.users values (2, 'bob', 'paid', timestamp '2026-01-05 00:00:00')");
    r = await sm(dir, 'snapshot');
    expect(r.errors).toContain('unique_key (id) is not unique in the source query (e.g. id=2 appears 2 times)');
    expect(await sql(dir, 'select count(*)::int n from main.users_snapshot')).toEqual([{ n: 3 }]);
  });
});
