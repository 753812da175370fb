/**
 * The adapter checks against a real Snowflake account, for a machine that can reach one:
 *
 *   SNOWFLAKE_ACCOUNT=... SNOWFLAKE_USER=... SNOWFLAKE_PASSWORD=... [SNOWFLAKE_PRIVATE_KEY_PATH=...]
 *   SNOWFLAKE_DATABASE=... SNOWFLAKE_WAREHOUSE=... [SNOWFLAKE_ROLE=...] node test/live/snowflake-live.ts
 *
 * Without credentials it says NOT RUN and exits 0: it never reports a pass it did not earn.
 * Everything it creates lives in a schema of its own that it drops at the end.
 */
import type { TargetConfig } from '@smsql/core';
import { createSnowflakeAdapter } from '../../src/snowflake-adapter.ts';
import type { SnowflakeConnection } from '../../src/snowflake-connection.ts';

const env = process.env;
if (!env.SNOWFLAKE_ACCOUNT || !env.SNOWFLAKE_USER || !(env.SNOWFLAKE_PASSWORD || env.SNOWFLAKE_PRIVATE_KEY_PATH) || !env.SNOWFLAKE_DATABASE) {
  console.log('snowflake live suite: NOT RUN (set SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_DATABASE and SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY_PATH)');
  process.exit(0);
}

const schema = `SM_LIVE_${Date.now().toString(36).toUpperCase()}`;
const target: TargetConfig = {
  type: 'snowflake',
  name: 'live',
  account: env.SNOWFLAKE_ACCOUNT,
  user: env.SNOWFLAKE_USER,
  password: env.SNOWFLAKE_PASSWORD,
  private_key_path: env.SNOWFLAKE_PRIVATE_KEY_PATH,
  private_key_passphrase: env.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE,
  database: env.SNOWFLAKE_DATABASE,
  warehouse: env.SNOWFLAKE_WAREHOUSE,
  role: env.SNOWFLAKE_ROLE,
  schema,
  threads: 2,
  // Only for checking this script against the local test server.
  access_url: env.SNOWFLAKE_ACCESS_URL,
};
const adapter = createSnowflakeAdapter();
const d = adapter.dialect;
const rel = (identifier: string) => ({ database: env.SNOWFLAKE_DATABASE, schema, identifier });
const session = await adapter.connect(target, { projectDir: process.cwd() });
const conn = (await session.acquire()) as SnowflakeConnection;
let failed = 0;

async function check(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    console.log(`PASS ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
function equal(actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

try {
  await conn.execute(d.createSchema(target.database, schema));
  await check('typed select', async () => {
    const r = await conn.execute("select 1 as i, 'x' as t, true as b, null as z");
    equal(r.rows, [{ i: 1, t: 'x', b: true, z: null }]);
  });
  await check('transient table with cluster by, describe', async () => {
    await conn.execute(d.createOrReplaceTableAs(rel('t'), 'select 1 as id, 2.5::float as f', { adapterConfig: { cluster_by: ['id'] } }));
    const found = await conn.describe(schema, target.database);
    // Precision of a literal's NUMBER differs between Snowflake (1) and the local server (38); the scale does not.
    equal(found.map((x) => [x.identifier, x.kind, x.columns.map((c) => c.type.replace(/\(\d+,/, '(p,'))]), [['T', 'table', ['NUMBER(p,0)', 'FLOAT']]]);
  });
  await check('append with array binds', async () => {
    await conn.execute(d.createTable(rel('bulk'), [{ name: 'id', type: 'number' }, { name: 's', type: 'varchar' }]));
    const n = await conn.append(rel('bulk'), [{ name: 'id', type: 'number' }, { name: 's', type: 'varchar' }], Array.from({ length: 30_000 }, (_, i) => [i, `r${i}`]));
    equal(n, 30_000);
    equal((await conn.execute(`select count(*) as n from ${d.relationName(rel('bulk'))}`)).rows, [{ n: 30_000 }]);
  });
  await check('merge', async () => {
    const r = await conn.execute(d.merge(rel('t'), 'select 1 as id, 9.5::float as f union all select 2, 1.0', ['id'], ['id', 'f']));
    equal(r.rowsAffected, 2);
  });
  await check('streamed large result', async () => {
    let n = 0;
    for await (const _row of conn.stream('select seq4() as i from table(generator(rowcount => 200000))')) n++;
    equal(n, 200_000);
  });
  await check('cancel', async () => {
    const running = conn.execute('select system$wait(60)').then(() => 'finished', (e: { snowflakeCode?: string }) => e.snowflakeCode);
    await new Promise((r) => setTimeout(r, 2000));
    await conn.cancel();
    equal(await running, '000604');
  });
} finally {
  await conn.execute(`drop schema if exists ${d.quoteIdentifier(env.SNOWFLAKE_DATABASE)}.${d.quoteIdentifier(schema)}`).catch(() => undefined);
  session.release(conn);
  await session.close();
}
console.log(failed ? `snowflake live suite: ${failed} FAILED` : 'snowflake live suite: all passed');
process.exit(failed ? 1 : 0);
