import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

async function query(dir: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(join(dir, 'target/demo.duckdb'));
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('sm snapshot', () => {
  it('records history of a model across runs; run leaves snapshots alone; a file without a snapshot block is a located warning', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/users.sql': "{{ config(materialized='table') }}select 1 as id, '{{ var(\"level\", \"free\") }}' as level",
      'snapshots/users_snap.sql': "{% snapshot users_snap %}{{ config(unique_key='id', strategy='check', check_cols=['level']) }}select * from {{ ref('users') }}{% endsnapshot %}",
    });
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    let r = await sm('snapshot', '--project-dir', dir);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('users_snap');
    expect((await sm('run', '--project-dir', dir, '--vars', '{level: paid}')).out).not.toContain('users_snap');
    r = await sm('snapshot', '--project-dir', dir, '--select', 'users_snap');
    expect(r.code, r.out).toBe(0);
    expect(await query(dir, 'select level, dbt_valid_to is null as current from main.users_snap order by dbt_valid_from')).toEqual([
      { level: 'free', current: false },
      { level: 'paid', current: true },
    ]);
    const bad = writeProject({ 'profiles.yml': PROFILE, 'snapshots/oops.sql': 'select 1 as id' });
    r = await sm('snapshot', '--project-dir', bad);
    // dbt 1.11.16 ignores such a file without a word (parse and build exit 0): sm warns, naming it.
    expect(r.code).toBe(0);
    expect(r.out + r.err).toContain('snapshots/oops.sql');
    expect(r.out + r.err).toContain('{% snapshot name %}');
  });
});
