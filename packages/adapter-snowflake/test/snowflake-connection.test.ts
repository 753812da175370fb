import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterSession } from '@smsql/core';
import { createSnowflakeAdapter } from '../src/snowflake-adapter.ts';
import type { SnowflakeConnection } from '../src/snowflake-connection.ts';
import type { SnowflakeSession } from '../src/snowflake-session.ts';
import { passphrase, password, type SnowflakeEmulator, startEmulator } from '@smsql/test-kit';

const adapter = createSnowflakeAdapter();
const d = adapter.dialect;
let emulator: SnowflakeEmulator;
let fixture: Awaited<ReturnType<typeof startEmulator>>;
let session: AdapterSession;
let conn: SnowflakeConnection;

beforeAll(async () => {
  fixture = await startEmulator({ rowsPerChunk: 500 });
  emulator = fixture.emulator;
  session = await adapter.connect(fixture.target(), { projectDir: '/tmp' });
  conn = (await session.acquire()) as SnowflakeConnection;
});

afterAll(async () => {
  await session?.close();
  await emulator?.stop();
});

const connectError = async (extra: Record<string, unknown>) => {
  try {
    const s = await adapter.connect(fixture.target(extra), { projectDir: '/tmp' });
    await s.close();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('login unexpectedly succeeded');
};

describe('login through snowflake-sdk', () => {
  it('logs in with a password and runs in the target database and schema', async () => {
    const r = await conn.execute('select current_database() as db, current_schema() as sch');
    expect(r.rows).toEqual([{ db: 'ANALYTICS', sch: 'PUBLIC' }]);
  });

  it('logs in with a key pair from an encrypted PKCS#8 file', async () => {
    const s = await adapter.connect(fixture.target({ user: 'bob', password: undefined, private_key_path: fixture.key.path, private_key_passphrase: passphrase }), { projectDir: '/tmp' });
    const c = await s.acquire();
    expect((await c.execute('select 42 as answer')).rows).toEqual([{ answer: 42 }]);
    await s.close();
  });

  it('logs in with a key pair given inline as one-line PEM', async () => {
    const inline = fixture.key.plainPem.trim().replaceAll('\n', '\\n');
    const s = await adapter.connect(fixture.target({ user: 'bob', password: undefined, private_key: inline }), { projectDir: '/tmp' });
    await s.close();
  });

  it('logs in with an OAuth token', async () => {
    const s = await adapter.connect(fixture.target({ user: 'carol', password: undefined, authenticator: 'oauth', token: 'oauth-token-1234' }), { projectDir: '/tmp' });
    await s.close();
  });

  it('rejects a JWT signed by a key that is not registered, naming account and method but no secret', async () => {
    const other = (await import('@smsql/test-kit')).makeKeyPair();
    const before = emulator.stats.failedLogins;
    const e = await connectError({ user: 'bob', password: undefined, private_key_path: other.path, private_key_passphrase: passphrase });
    expect(emulator.stats.failedLogins).toBe(before + 1);
    expect(e.message).toContain('account "emu"');
    expect(e.message).toContain('key pair authentication');
    expect(e.message).toContain('JWT token is invalid');
    expect(e.message).not.toContain(passphrase);
    expect(e.message).not.toContain('PRIVATE KEY');
  });

  it('a wrong password fails with account and method named and the password absent', async () => {
    const e = await connectError({ password: 'wrong-Secret-999' });
    expect(e.code).toBe('SM_SNOWFLAKE_LOGIN');
    expect(e.message).toMatch(/account "emu" with password authentication: Incorrect username or password/);
    expect(e.message).not.toContain('wrong-Secret-999');
    expect(e.message).not.toContain(password);
  });

  it('retries a login answered with 503', async () => {
    emulator.injectFault({ status: 503, count: 1, path: '/session/v1/login-request' });
    const before = emulator.stats.logins;
    const s = await adapter.connect(fixture.target(), { projectDir: '/tmp' });
    expect(emulator.stats.logins).toBe(before + 1);
    await s.close();
  });
});

describe('queries through snowflake-sdk', () => {
  it('returns typed values: numbers, text, booleans, dates, timestamps, nulls', async () => {
    const r = await conn.execute(`select 1 as i, 12.34::number(10,2) as n, 2.5::float as f, 'héllo' as t, true as b,
      '2024-03-01'::date as d, '2024-03-01 12:34:56.789'::timestamp_ntz as ts, null as z`);
    expect(r.columns).toEqual(['i', 'n', 'f', 't', 'b', 'd', 'ts', 'z']);
    const row = r.rows[0]!;
    expect(row.i).toBe(1);
    expect(row.n).toBe(12.34);
    expect(row.f).toBe(2.5);
    expect(row.t).toBe('héllo');
    expect(row.b).toBe(true);
    expect((row.d as Date).toISOString().slice(0, 10)).toBe('2024-03-01');
    expect((row.ts as Date).toISOString()).toBe('2024-03-01T12:34:56.789Z');
    expect(row.z).toBeNull();
  });

  it('binds positional parameters', async () => {
    const r = await conn.execute('select ? + 1 as x, ? as s', [41, 'text']);
    expect(r.rows).toEqual([{ x: 42, s: 'text' }]);
  });

  it('streams a large result through the chunk downloads', async () => {
    const before = emulator.stats.chunkDownloads;
    let n = 0;
    let last = -1;
    let ordered = true;
    for await (const row of conn.stream('select range as i from range(3000) order by i')) {
      if (Number(row.i) !== last + 1) ordered = false;
      last = Number(row.i);
      n++;
    }
    expect(n).toBe(3000);
    expect(ordered).toBe(true);
    // 500 rows inline, the remaining 2500 in five downloaded chunks.
    expect(emulator.stats.chunkDownloads - before).toBe(5);
  });

  it('appends rows in bulk with array binds, one insert statement per batch', async () => {
    const rel = { database: 'analytics', schema: 'public', identifier: 'bulk_songs' };
    await conn.execute(d.createTable(rel, [{ name: 'id', type: 'number' }, { name: 'title', type: 'varchar' }, { name: 'played_at', type: 'timestamp_ntz' }]));
    const rows = Array.from({ length: 2500 }, (_, i) => [i, i % 7 === 0 ? null : `song ${i}`, new Date(Date.UTC(2024, 0, 1, 0, 0, i))]);
    const inserts = () => emulator.log.filter((e) => /^insert into analytics\.public\.bulk_songs/.test(e.sql)).length;
    const before = inserts();
    const n = await conn.append!(rel, [{ name: 'id', type: 'number' }, { name: 'title', type: 'varchar' }, { name: 'played_at', type: 'timestamp_ntz' }], rows);
    expect(n).toBe(2500);
    expect(inserts() - before).toBe(1);
    const r = await conn.execute(`select count(*) as n, count(title) as titled, max(played_at) as last from ${d.relationName(rel)}`);
    expect(r.rows[0]!.n).toBe(2500);
    expect(r.rows[0]!.titled).toBe(2500 - Math.ceil(2500 / 7));
    expect((r.rows[0]!.last as Date).toISOString()).toBe(new Date(Date.UTC(2024, 0, 1, 0, 0, 2499)).toISOString());
  });

  it('describes a schema in one information_schema query, with Snowflake type names', async () => {
    await conn.execute('create schema if not exists "ANALYTICS"."MARTS"');
    await conn.execute(d.createOrReplaceTableAs({ database: 'analytics', schema: 'marts', identifier: 'dim_songs' }, "select 1 as song_id, 'x' as title, 1.5::float as duration, 2.25::number(10,2) as price"));
    await conn.execute(d.createView({ database: 'analytics', schema: 'marts', identifier: 'v_songs' }, 'select song_id from analytics.marts.dim_songs'));
    const before = emulator.log.length;
    const found = await conn.describe('marts', 'analytics');
    expect(emulator.log.length - before).toBe(1);
    expect(found).toEqual([
      {
        schema: 'marts',
        identifier: 'DIM_SONGS',
        kind: 'table',
        columns: [{ name: 'SONG_ID', type: 'NUMBER(38,0)' }, { name: 'TITLE', type: 'TEXT' }, { name: 'DURATION', type: 'FLOAT' }, { name: 'PRICE', type: 'NUMBER(10,2)' }],
      },
      { schema: 'marts', identifier: 'V_SONGS', kind: 'view', columns: [{ name: 'SONG_ID', type: 'NUMBER(38,0)' }] },
    ]);
    expect(await conn.describe('no_such_schema', 'analytics')).toEqual([]);
  });

  it('merges: updates matched rows, inserts new ones, and reports both', async () => {
    const rel = { database: 'analytics', schema: 'public', identifier: 'dim_users' };
    await conn.execute(d.createOrReplaceTableAs(rel, "select 1 as user_id, 'free' as level union all select 2, 'free'"));
    const r = await conn.execute(d.merge(rel, "select 2 as user_id, 'paid' as level union all select 3, 'free'", ['user_id'], ['user_id', 'level']));
    expect(r.rowsAffected).toBe(2);
    const rows = await conn.execute(`select user_id, level from ${d.relationName(rel)} order by user_id`);
    expect(rows.rows).toEqual([{ user_id: 1, level: 'free' }, { user_id: 2, level: 'paid' }, { user_id: 3, level: 'free' }]);
  });

  it('a statement whose answer was lost (503 after commit) is retried by requestId and applied once', async () => {
    const rel = { database: 'analytics', schema: 'public', identifier: 'once_only' };
    await conn.execute(d.createOrReplaceTableAs(rel, 'select 0 as id where false'));
    const stats = { ...emulator.stats };
    emulator.injectFault({ status: 503, count: 1, afterExecute: true });
    const r = await conn.execute(`insert into ${d.relationName(rel)} (id) values (1)`);
    expect(emulator.stats.faultsServed - stats.faultsServed).toBe(1);
    expect(emulator.stats.dedupedRetries - stats.dedupedRetries).toBe(1);
    expect(r.rowsAffected).toBe(1);
    expect((await conn.execute(`select count(*) as n from ${d.relationName(rel)}`)).rows[0]!.n).toBe(1);
  });

  it('a statement answered after the client gave up waiting is retried by requestId and applied once', async () => {
    const s = await adapter.connect(fixture.target({ connect_timeout: 2 }), { projectDir: '/tmp' });
    try {
      const c = await s.acquire();
      const rel = { database: 'analytics', schema: 'public', identifier: 'late_answer' };
      await c.execute(d.createOrReplaceTableAs(rel, 'select 0 as id where false'));
      const deduped = emulator.stats.dedupedRetries;
      const requests = emulator.stats.queryRequests;
      emulator.injectFault({ delayMs: 3000, count: 1 });
      await c.execute(`insert into ${d.relationName(rel)} (id) values (1)`);
      // Whichever attempt reached the server second joined the first; wait until both have arrived.
      while (emulator.stats.queryRequests - requests < 2) await new Promise((r) => setTimeout(r, 20));
      expect(emulator.stats.dedupedRetries - deduped).toBe(1);
      expect((await c.execute(`select count(*) as n from ${d.relationName(rel)}`)).rows).toEqual([{ n: 1 }]);
    } finally {
      await s.close();
    }
  });

  it('retries a request refused with 429 before it ran', async () => {
    emulator.injectFault({ status: 429, count: 1 });
    const before = emulator.stats.faultsServed;
    expect((await conn.execute('select 7 as x')).rows).toEqual([{ x: 7 }]);
    expect(emulator.stats.faultsServed - before).toBe(1);
  });

  it('renews an expired session token with the master token and carries on', async () => {
    const before = emulator.stats.renewals;
    emulator.expireSessionTokens();
    expect((await conn.execute('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    expect(emulator.stats.renewals - before).toBe(1);
  });

  it('cancels a long-running query', async () => {
    const running = conn.execute('select system$wait(60)');
    const outcome = running.then(() => 'finished', (e: Error & { snowflakeCode?: string }) => e);
    while (!emulator.log.some((e) => e.sql === 'select system$wait(60)')) await new Promise((r) => setTimeout(r, 20));
    await session.cancelAll();
    const e = await outcome;
    expect(e).toBeInstanceOf(Error);
    expect((e as { snowflakeCode?: string }).snowflakeCode).toBe('000604');
    expect((e as Error).message).toMatch(/canceled/);
  });

  it('rejects SQL the emulator does not translate, loudly and with the SQL attached', async () => {
    const e = (await conn.execute('grant select on all tables in schema analytics.public to role reporter').catch((x: unknown) => x)) as Error & { sql?: string; sqlState?: string };
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toContain('unsupported in emulator');
    expect(e.sql).toContain('grant select');
    expect(e.sqlState).toBe('0A000');
  });

  it('reports a missing table as Snowflake does (002003)', async () => {
    const e = (await conn.execute('select * from analytics.public.nope').catch((x: unknown) => x)) as Error & { snowflakeCode?: string; sqlState?: string };
    expect(e.snowflakeCode).toBe('002003');
    expect(e.sqlState).toBe('42S02');
  });
});

describe('session context per node', () => {
  it('runs every statement of a node with its query tag and warehouse, then returns to the target defaults', async () => {
    const s = session as SnowflakeSession;
    const c = await s.acquire({ config: { query_tag: 'sm:fct_streams', snowflake_warehouse: 'wh_xl' } });
    const marker = `select 'node-a' as marker`;
    await c.execute(marker);
    await c.execute(`${marker}, 2 as test_query`);
    s.release(c);
    const c2 = await s.acquire();
    await c2.execute(`select 'node-b' as marker`);
    s.release(c2);
    const a = emulator.log.filter((e) => e.sql.includes("'node-a'"));
    expect(a).toHaveLength(2);
    for (const e of a) expect([e.queryTag, e.warehouse]).toEqual(['sm:fct_streams', 'WH_XL']);
    const b = emulator.log.find((e) => e.sql.includes("'node-b'"))!;
    expect([b.queryTag, b.warehouse]).toEqual([undefined, 'WH_DEFAULT']);
  });

  it('without a target warehouse, a node after one that switched warehouses runs on the login default again', async () => {
    const s = (await adapter.connect(fixture.target({ warehouse: undefined, threads: 1 }), { projectDir: '/tmp' })) as SnowflakeSession;
    const a = await s.acquire({ config: { snowflake_warehouse: 'wh_xl' } });
    await a.execute(`select 'on-xl' as m`);
    s.release(a);
    const b = await s.acquire({ config: {} });
    await b.execute(`select 'on-default' as m`);
    s.release(b);
    await s.close();
    expect(emulator.log.find((e) => e.sql.includes('on-xl'))!.warehouse).toBe('WH_XL');
    expect(emulator.log.find((e) => e.sql.includes('on-default'))!.warehouse).toBe('WH_ALICE');
  });

  it('a target query_tag applies from login on', async () => {
    const s = (await adapter.connect(fixture.target({ query_tag: 'sm-run' }), { projectDir: '/tmp' })) as SnowflakeSession;
    const c = await s.acquire();
    await c.execute(`select 'tagged-at-login' as m`);
    expect(emulator.log.find((e) => e.sql.includes('tagged-at-login'))!.queryTag).toBe('sm-run');
    await s.close();
  });

  it('a session the server ended fails its statement, is not pooled again, and the next acquire logs in afresh', async () => {
    const carol = { user: 'carol', password: undefined, authenticator: 'oauth', token: 'oauth-token-1234', threads: 1 };
    const s = (await adapter.connect(fixture.target(carol), { projectDir: '/tmp' })) as SnowflakeSession;
    try {
      const c = await s.acquire();
      emulator.dropSessions('carol');
      const e = (await c.execute('select 1 as x').catch((x: unknown) => x)) as Error;
      expect(e).toBeInstanceOf(Error);
      s.release(c);
      const logins = emulator.stats.logins;
      const fresh = await s.acquire();
      expect(fresh).not.toBe(c);
      expect((await fresh.execute('select 2 as x')).rows).toEqual([{ x: 2 }]);
      expect(emulator.stats.logins - logins).toBe(1);
      s.release(fresh);
    } finally {
      await s.close();
    }
  });

  it('closing the session deletes it on the server', async () => {
    const s = await adapter.connect(fixture.target(), { projectDir: '/tmp' });
    const before = emulator.stats.sessionsClosed;
    await s.close();
    expect(emulator.stats.sessionsClosed - before).toBe(1);
  });
});
