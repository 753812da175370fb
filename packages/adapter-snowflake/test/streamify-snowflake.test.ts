import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Connection, type InvocationOptions, type RunOutcome } from '@smsql/core';
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import { createSnowflakeAdapter } from '../src/snowflake-adapter.ts';
import type { SnowflakeConnection } from '../src/snowflake-connection.ts';
import { normaliseRows, password, startEmulator } from '@smsql/test-kit';

const PROJECT = fileURLToPath(new URL('../../../project', import.meta.url));
const SM = fileURLToPath(new URL('../../cli/src/bin.ts', import.meta.url));

/** The CLI as a child process (the adapter package does not depend on the CLI). */
function sm(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [SM, ...argv], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

/** Rows of a relation found by name in a schema that ends with `suffix`, ordered, values normalised. */
async function rowsOf(conn: Connection, schemas: readonly string[], table: string, orderBy: string): Promise<Record<string, unknown>[]> {
  for (const schema of schemas) {
    const found = (await conn.describe(schema)).find((r) => r.identifier.toLowerCase() === table);
    if (found) return normaliseRows((await conn.execute(`select * from "${schema.replaceAll('"', '""')}"."${found.identifier}" order by ${orderBy}`)).rows);
  }
  throw new Error(`${table} not found in ${schemas.join(', ')}`);
}

/**
 * Streamify end to end on Snowflake through the real driver and the local server, from the
 * same landed events as a DuckDB build, with the same wide_streams rows as the result.
 */
describe('Streamify on Snowflake (local server) matches DuckDB', () => {
  let dir: string;
  let fixture: Awaited<ReturnType<typeof startEmulator>>;
  let duck: RunOutcome;
  let snow: RunOutcome;
  let duckWide: Record<string, unknown>[];
  let sfTarget: ReturnType<typeof fixture.target>;
  let snowOptions: InvocationOptions;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sm-streamify-sf-'));
    cpSync(PROJECT, dir, { recursive: true, filter: (src) => !/\/(target|lake|logs)(\/|$)/.test(src.slice(PROJECT.length)) });
    const gen = await sm(['ingest', 'generate', '--project-dir', dir, '--users', '60', '--start', '2026-11-06', '--end', '2026-11-08', '--seed', '7']);
    expect(gen.code, gen.out).toBe(0);
    const load = await sm(['ingest', 'load', '--project-dir', dir]);
    expect(load.code, load.out).toBe(0);
    duck = await build({ projectDir: dir, adapters: { duckdb: () => createDuckDbAdapter() } });

    // The same landed rows, copied into Snowflake's raw schema with the adapter's bulk append.
    fixture = await startEmulator({ databases: ['STREAMIFY'] });
    const duckSession = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 1, path: join(dir, 'target/streamify.duckdb') }, { projectDir: dir });
    sfTarget = fixture.target({ database: 'streamify', schema: 'analytics', query_tag: 'streamify' });
    const sfSession = await createSnowflakeAdapter().connect(sfTarget, { projectDir: dir });
    const d = createSnowflakeAdapter().dialect;
    try {
      const dc = await duckSession.acquire();
      const sc = (await sfSession.acquire()) as SnowflakeConnection;
      await sc.execute(d.createSchema('streamify', 'raw'));
      for (const t of await dc.describe('raw')) {
        const rel = { database: 'streamify', schema: 'raw', identifier: t.identifier };
        await sc.execute(d.createTable(rel, t.columns, { adapterConfig: { transient: false } }));
        const rows = (await dc.execute(`select * from raw."${t.identifier}"`)).rows.map((r) => t.columns.map((c) => r[c.name]));
        await sc.append(rel, t.columns, rows);
      }
      duckWide = await rowsOf(dc, ['main_marts', 'marts', 'main'], 'wide_streams', 'stream_key');
    } finally {
      await duckSession.close();
      await sfSession.close();
    }

    const profiles = mkdtempSync(join(tmpdir(), 'sm-streamify-sf-profiles-'));
    mkdirSync(profiles, { recursive: true });
    writeFileSync(
      join(profiles, 'profiles.yml'),
      [
        'streamify:',
        '  target: prod',
        '  outputs:',
        '    prod:',
        '      type: snowflake',
        "      account: \"{{ env_var('SNOWFLAKE_ACCOUNT') }}\"",
        "      user: \"{{ env_var('SNOWFLAKE_USER') }}\"",
        "      password: \"{{ env_var('SNOWFLAKE_PASSWORD', '') }}\"",
        "      database: \"{{ env_var('SNOWFLAKE_DATABASE', 'STREAMIFY') }}\"",
        "      schema: \"{{ env_var('SNOWFLAKE_SCHEMA', 'ANALYTICS') }}\"",
        "      warehouse: \"{{ env_var('SNOWFLAKE_WAREHOUSE', 'TRANSFORMING') }}\"",
        "      access_url: \"{{ env_var('SNOWFLAKE_ACCESS_URL') }}\"",
        '      threads: 4',
        '      query_tag: streamify',
        '',
      ].join('\n'),
    );
    snowOptions = {
      projectDir: dir,
      profilesDir: profiles,
      adapters: { snowflake: () => createSnowflakeAdapter() },
      env: { ...process.env, SNOWFLAKE_ACCOUNT: 'emu', SNOWFLAKE_USER: 'alice', SNOWFLAKE_PASSWORD: password, SNOWFLAKE_ACCESS_URL: fixture.emulator.url },
    };
    snow = await build(snowOptions);
  }, 300_000);

  afterAll(async () => {
    await fixture?.emulator.stop();
    if (snowOptions?.profilesDir) rmSync(snowOptions.profilesDir, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds every model and passes every test on both targets', () => {
    for (const o of [duck, snow]) {
      // The dashboard's exposure is a NO-OP result, as in dbt 1.11's build.
      const bad = o.results.filter((r) => r.status !== 'success' && r.status !== 'pass' && !(r.resourceType === 'exposure' && r.status === 'no-op'));
      expect(bad.map((r) => `${r.uniqueId}: ${r.status}: ${r.message}`)).toEqual([]);
    }
    expect(snow.results.length).toBe(duck.results.length);
    expect(fixture.emulator.unknownRequests).toEqual([]);
  });

  it('wide_streams holds the same rows on Snowflake as on DuckDB', async () => {
    const check = await createSnowflakeAdapter().connect(sfTarget, { projectDir: dir });
    let snowWide: Record<string, unknown>[];
    try {
      snowWide = await rowsOf(await check.acquire(), ['analytics_marts', 'marts', 'analytics'], 'wide_streams', 'stream_key');
    } finally {
      await check.close();
    }
    expect(duckWide.length).toBeGreaterThan(500);
    expect(snowWide.length).toBe(duckWide.length);
    expect(snowWide).toEqual(duckWide);
  });

  it('an incremental rebuild merges the lookback window and changes nothing', async () => {
    // The marts are audited (write-audit-publish): the merge goes into the shadow, which is then swapped in.
    const merges = () => fixture.emulator.log.filter((e) => /^merge into STREAMIFY\.ANALYTICS_marts\.(fact|wide)_streams__sm_audit /.test(e.sql)).length;
    const swaps = () => fixture.emulator.log.filter((e) => /^alter table STREAMIFY\.ANALYTICS_marts\.(fact|wide)_streams swap with STREAMIFY\.ANALYTICS_marts\.(fact|wide)_streams__sm_audit/.test(e.sql)).length;
    const wide = async () => {
      const check = await createSnowflakeAdapter().connect(sfTarget, { projectDir: dir });
      try {
        return await rowsOf(await check.acquire(), ['analytics_marts'], 'wide_streams', 'stream_key');
      } finally {
        await check.close();
      }
    };
    const first = await wide();
    const before = merges();
    const swapped = swaps();
    const again = await build(snowOptions);
    expect(again.results.filter((r) => r.status !== 'success' && r.status !== 'pass' && r.status !== 'no-op').map((r) => `${r.uniqueId}: ${r.message}`)).toEqual([]);
    expect(merges() - before).toBe(2);
    expect(swaps() - swapped).toBe(2);
    expect(await wide()).toEqual(first);
  });

  it('sm debug --target prod checks the connection, and names account and method when the login fails', async () => {
    const args = ['debug', '--project-dir', dir, '--profiles-dir', snowOptions.profilesDir!, '--target', 'prod'];
    const env = { SNOWFLAKE_ACCOUNT: 'emu', SNOWFLAKE_USER: 'alice', SNOWFLAKE_ACCESS_URL: fixture.emulator.url };
    const ok = await sm(args, { ...env, SNOWFLAKE_PASSWORD: password });
    expect(ok.out).toContain('connection: OK');
    expect(ok.code).toBe(0);
    const bad = await sm(args, { ...env, SNOWFLAKE_PASSWORD: 'Not-The-Password-77' });
    expect(bad.out).toMatch(/connection: FAILED: .*account "emu" with password authentication/);
    expect(bad.out).not.toContain('Not-The-Password-77');
    expect(bad.code).not.toBe(0);
  });

  it('every statement of the run carried the query tag', () => {
    const untagged = fixture.emulator.log.filter((e) => e.queryTag !== 'streamify');
    expect(untagged.map((e) => e.sql.slice(0, 80))).toEqual([]);
  });
});
