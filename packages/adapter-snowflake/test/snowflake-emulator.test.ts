import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection as SdkConnection } from 'snowflake-sdk';
import { loadSnowflakeSdk } from '../src/snowflake-driver.ts';
import { password, SnowflakeEmulator } from '@smsql/test-kit';

/** Protocol paths the adapter does not use every day, exercised with the bare driver. */
let emulator: SnowflakeEmulator;
let raw: SdkConnection;

const exec = (sqlText: string, extra: Record<string, unknown> = {}) =>
  new Promise<{ rows: Record<string, unknown>[] | undefined; queryId: string }>((resolve, reject) =>
    raw.execute({ sqlText, ...extra, complete: (err, stmt, rows) => (err ? reject(err) : resolve({ rows: rows as Record<string, unknown>[] | undefined, queryId: stmt.getQueryId() })) }),
  );

beforeAll(async () => {
  // A short synchronous wait makes every query longer than 200 ms take the "in progress, poll the result URL" path.
  emulator = await SnowflakeEmulator.start({ users: [{ name: 'alice', password }], syncWaitMs: 200 });
  const sdk = await loadSnowflakeSdk();
  raw = sdk.createConnection({ account: 'emu', username: 'alice', password, accessUrl: emulator.url, database: 'ANALYTICS', schema: 'PUBLIC' } as never);
  await new Promise<void>((resolve, reject) => raw.connect((e) => (e ? reject(e) : resolve())));
});

afterAll(async () => {
  await new Promise<void>((r) => raw?.destroy(() => r()));
  await emulator?.stop();
});

describe('snowflake emulator protocol', () => {
  it('answers a slow query with 333333 and the driver polls the result URL until it is ready', async () => {
    const r = await exec('select system$wait(1)');
    expect(r.rows).toHaveLength(1);
    expect(emulator.unknownRequests).toEqual([]);
  });

  it('runs asyncExec queries detached; status via monitoring, rows via getResultsFromQueryId', async () => {
    const r = await exec("select 'later' as v", { asyncExec: true });
    expect(r.queryId).toMatch(/^[0-9a-f-]{36}$/);
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      void raw.getResultsFromQueryId({ queryId: r.queryId, complete: (err, _stmt, rs) => (err ? reject(err) : resolve(rs as unknown[])) }).catch(reject);
    });
    expect(rows).toEqual([{ V: 'later' }]);
    expect(await raw.getQueryStatus(r.queryId)).toBe('SUCCESS');
    const failed = await exec('select * from nope', { asyncExec: true });
    await expect(raw.getResultsFromQueryId({ queryId: failed.queryId } as never)).rejects.toThrow(/does not exist/);
  });

  it('answers heartbeats', async () => {
    const before = emulator.stats.heartbeats;
    // heartbeatAsync is public on the driver's connection but missing from its type declarations.
    await (raw as SdkConnection & { heartbeatAsync(): Promise<unknown> }).heartbeatAsync();
    expect(emulator.stats.heartbeats - before).toBe(1);
  });

  it('swaps two tables atomically and renames within a schema', async () => {
    await exec('create or replace transient table "ANALYTICS"."PUBLIC"."LIVE" as (select 1 as v)');
    await exec('create or replace transient table "ANALYTICS"."PUBLIC"."NEXT" as (select 2 as v)');
    await exec('alter table "ANALYTICS"."PUBLIC"."LIVE" swap with "ANALYTICS"."PUBLIC"."NEXT"');
    expect((await exec('select v from live')).rows).toEqual([{ V: 2 }]);
    expect((await exec('select v from next')).rows).toEqual([{ V: 1 }]);
    await exec('alter table "ANALYTICS"."PUBLIC"."NEXT" rename to "ANALYTICS"."PUBLIC"."OLD"');
    expect((await exec('select v from old')).rows).toEqual([{ V: 1 }]);
    await expect(exec('alter table "ANALYTICS"."PUBLIC"."OLD" rename to "OTHERDB"."PUBLIC"."OLD"')).rejects.toThrow(/unsupported in emulator: rename across schemas/);
  });

  it('folds unquoted names upper and keeps quoted ones', async () => {
    await exec('create or replace transient table "ANALYTICS"."PUBLIC"."CASES" as (select 1 as lower_name, 2 as "MixedName")');
    const r = await exec('select * from cases');
    expect(r.rows).toEqual([{ LOWER_NAME: 1, MixedName: 2 }]);
  });

  it('switches database and schema with use, and creates databases', async () => {
    await exec('create database if not exists staging_db');
    await exec('use database staging_db');
    await exec('use schema public');
    expect((await exec('select current_database() as d')).rows).toEqual([{ D: 'STAGING_DB' }]);
    await expect(exec('use database missing_db')).rejects.toThrow(/does not exist/);
    await exec('use database analytics');
  });
});
