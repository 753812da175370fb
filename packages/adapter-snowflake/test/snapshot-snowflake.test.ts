import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnowflakeAdapter } from '../src/snowflake-adapter.ts';
import { emulatorProfile, password, startEmulator } from '@smsql/test-kit';
import { execute, type InvocationOptions } from '@smsql/core';

/**
 * The snapshot SQL on the Snowflake adapter (real driver, local Snowflake emulator): stages in
 * temporary tables, `update ... from`, `is distinct from`, md5 ids, upper-case meta columns.
 */
const PROFILE = emulatorProfile('demo', 1);

let fixture: Awaited<ReturnType<typeof startEmulator>>;
let dir: string;

const opts = (level: string): InvocationOptions => ({
  projectDir: dir,
  vars: { level },
  adapters: { snowflake: () => createSnowflakeAdapter() },
  env: { ...process.env, SF_PASSWORD: password, SF_URL: fixture.emulator.url },
});

async function query(sql: string) {
  const session = await createSnowflakeAdapter().connect(fixture.target(), { projectDir: dir });
  try {
    return (await (await session.acquire()).execute(sql)).rows;
  } finally {
    await session.close();
  }
}

beforeAll(async () => {
  fixture = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), 'sm-sf-snap-'));
  const files: Record<string, string> = {
    'sm_project.yml': 'name: demo\nprofile: demo\n',
    'profiles.yml': PROFILE,
    'models/users.sql': "{{ config(materialized='table') }}select 1 as id, '{{ var(\"level\") }}' as level union all select 2, 'free'",
    'snapshots/users_snap.sql': "{% snapshot users_snap %}{{ config(unique_key='id', strategy='check', check_cols=['level'], hard_deletes='invalidate') }}select * from {{ ref('users') }}{% endsnapshot %}",
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}, 120_000);

afterAll(async () => {
  await fixture?.emulator.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('snapshots on Snowflake', () => {
  it('records a changed row as a new version through the real driver', async () => {
    for (const level of ['free', 'paid']) {
      const o = await execute(opts(level), 'build');
      for (const r of o.results) expect(r.status, `${r.name}: ${r.message}`).toBe('success');
    }
    const rows = await query('select id, level, dbt_valid_to is null as current from analytics.demo.users_snap order by id, dbt_valid_from');
    const get = (r: Record<string, unknown>, k: string) => Object.entries(r).find(([c]) => c.toLowerCase() === k)?.[1];
    expect(rows.map((r) => [Number(get(r, 'id')), get(r, 'level'), get(r, 'current')])).toEqual([
      [1, 'free', false],
      [1, 'paid', true],
      [2, 'free', true],
    ]);
    expect(fixture.emulator.log.some((e) => /create temporary table analytics\.demo\.users_snap__sm_src/.test(e.sql))).toBe(true);
  });
});
