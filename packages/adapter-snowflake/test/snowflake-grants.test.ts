import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type InvocationOptions, type NodeResult } from '@smsql/core';
import { createSnowflakeAdapter } from '../src/snowflake-adapter.ts';
import type { SnowflakeConnection } from '../src/snowflake-connection.ts';
import { emulatorProfile, password, type SnowflakeEmulator, startEmulator, writeProject } from '@smsql/test-kit';

/**
 * `grants:` on Snowflake through the real driver and the emulator (which keeps grants as
 * Snowflake does: a `create or replace` without `copy grants` drops them), applied as
 * dbt-snowflake 1.11.6's macros apply them (apply_grants, should_revoke, copy_grants, one grantee
 * per statement, revoked grantees quoted, a revoked privilege named as `show grants` lists it): after the first build every configured grant is
 * granted without asking; after a table is replaced the grants are granted again, unless
 * `copy_grants: true` kept them, when `show grants` finds them in place and nothing is run; an
 * incremental model updated in place revokes what the config dropped and grants what it added.
 * Not checked against Snowflake itself.
 */
const incremental = (roles: string[]) => `{{ config(materialized='incremental', unique_key='id', grants={'select': ${JSON.stringify(roles)}}) }}\nselect 1 as id`;

let dir: string;
let fixture: Awaited<ReturnType<typeof startEmulator>>;
let emulator: SnowflakeEmulator;
let firstLog: string[];
let secondLog: string[];
let results: NodeResult[];

const opts = (): InvocationOptions => ({
  projectDir: dir,
  adapters: { snowflake: () => createSnowflakeAdapter() },
  env: { ...process.env, SF_PASSWORD: password, SF_URL: emulator.url },
});

async function grantsOn(name: string): Promise<string[]> {
  const session = await createSnowflakeAdapter().connect(fixture.target(), { projectDir: dir });
  try {
    const c = (await session.acquire()) as SnowflakeConnection;
    const rows = (await c.execute(`show grants on ${name}`)).rows;
    return rows.filter((r) => r.privilege !== 'OWNERSHIP').map((r) => `${String(r.privilege)} ${String(r.grantee_name)}`).sort();
  } finally {
    await session.close();
  }
}

const grantSql = (log: string[]) => log.filter((s) => /^(grant|revoke|show grants)/i.test(s));

beforeAll(async () => {
  fixture = await startEmulator();
  emulator = fixture.emulator;
  dir = writeProject({
    'sm_project.yml': 'name: demo\nprofile: demo\n',
    'profiles.yml': emulatorProfile('demo', 1),
    'models/replaced.sql': "{{ config(materialized='table', grants={'select': ['reporter']}) }}\nselect 1 as id",
    'models/copied.sql': "{{ config(materialized='table', copy_grants=true, grants={'select': 'reporter'}) }}\nselect 1 as id",
    'models/inc.sql': incremental(['reporter', 'analyst']),
  });
  const at = emulator.log.length;
  results = (await build(opts())).results;
  firstLog = emulator.log.slice(at).map((e) => e.sql.trim());
  writeFileSync(join(dir, 'models/inc.sql'), incremental(['reporter', 'auditor']));
  const at2 = emulator.log.length;
  await build(opts());
  secondLog = emulator.log.slice(at2).map((e) => e.sql.trim());
}, 120_000);

afterAll(async () => {
  await emulator?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('grants on Snowflake, as dbt-snowflake applies them', () => {
  it('grants everything configured after the first build, one grantee per statement, without asking', () => {
    expect(results.every((r) => r.status === 'success')).toBe(true);
    expect(grantSql(firstLog).sort()).toEqual([
      'grant select on analytics.demo.copied to reporter',
      'grant select on analytics.demo.inc to analyst',
      'grant select on analytics.demo.inc to reporter',
      'grant select on analytics.demo.replaced to reporter',
    ]);
  });

  it('grants again what a replaced table lost, asks where copy_grants kept them, and revokes what an incremental model no longer grants', async () => {
    const second = grantSql(secondLog);
    expect(second.filter((s) => s.includes('replaced'))).toEqual(['grant select on analytics.demo.replaced to reporter']);
    expect(second.filter((s) => s.includes('copied'))).toEqual(['show grants on analytics.demo.copied']);
    expect(second.filter((s) => s.includes('.inc'))).toEqual(['show grants on analytics.demo.inc', 'revoke SELECT on analytics.demo.inc from "ANALYST"', 'grant select on analytics.demo.inc to auditor']);
    expect(await grantsOn('analytics.demo.inc')).toEqual(['SELECT AUDITOR', 'SELECT REPORTER']);
    expect(await grantsOn('analytics.demo.replaced')).toEqual(['SELECT REPORTER']);
    expect(await grantsOn('analytics.demo.copied')).toEqual(['SELECT REPORTER']);
  });
});
