import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { resolveTarget, type Diagnostic } from '@smsql/core';
import { driverSettings } from '@smsql/adapter-snowflake';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';
const project = () => writeProject({ 'profiles.yml': PROFILE, 'models/one.sql': 'select 1 as x' });

/**
 * A real DuckDB file whose header says storage version 51 (DuckDB 0.8), as an old DuckDB would
 * have written it: the version field patched and the header checksum recomputed the way DuckDB
 * computes it (5381 xor each 64-bit word times 0xbf58476d1ce4e5b9).
 */
async function oldDuckDbFile(path: string): Promise<void> {
  const db = await DuckDBInstance.create(path);
  const c = await db.connect();
  await c.run('create table t (x integer)');
  c.closeSync();
  db.closeSync();
  const b = readFileSync(path);
  b.writeBigUInt64LE(51n, 12);
  let sum = 5381n;
  for (let i = 8; i < 4096; i += 8) sum ^= (b.readBigUInt64LE(i) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  b.writeBigUInt64LE(sum, 0);
  writeFileSync(path, b);
}

describe('a database file DuckDB cannot open', () => {
  it('a text file at the target path: exit 2 naming the file, what is wrong and what to do, no stack trace', async () => {
    const dir = project();
    mkdirSync(join(dir, 'target'));
    writeFileSync(join(dir, 'target/demo.duckdb'), 'not a database\n');
    for (const cmd of [['run'], ['debug'], ['show', 'one']]) {
      const r = await sm(...cmd, '--project-dir', dir);
      expect(r.code, cmd[0] + r.err).toBe(2);
      expect(r.err).toContain(`${join(dir, 'target/demo.duckdb')} is not a DuckDB database file`);
      expect(r.err).toMatch(/hint: Delete .*demo\.duckdb and run again.*point `path:` of target "dev"/);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('a file written by an incompatible DuckDB version says which version wrote it and how to keep its data', async () => {
    const dir = project();
    mkdirSync(join(dir, 'target'));
    await oldDuckDbFile(join(dir, 'target/demo.duckdb'));
    const r = await sm('run', '--project-dir', dir);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('demo.duckdb was written by a DuckDB version this sm cannot read (v0.8.0 or v0.8.1)');
    expect(r.err).toContain('EXPORT DATABASE');
    // Pointing path: elsewhere, as the hint says, works.
    writeFileSync(join(dir, 'profiles.yml'), PROFILE.replace('target/demo.duckdb', 'target/fresh.duckdb'));
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
  });
});

/** The Streamify profile as shipped, beside a one-model project named for it. */
const STREAMIFY_PROFILES = fileURLToPath(new URL('../../../project/profiles.yml', import.meta.url));
const SF_VARS = ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USER', 'SNOWFLAKE_PASSWORD', 'SNOWFLAKE_PRIVATE_KEY_PATH', 'SNOWFLAKE_ACCESS_URL'];

describe('sm debug --target prod without the Snowflake environment', () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const k of SF_VARS) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
  });
  afterEach(() => {
    for (const k of SF_VARS) if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  });
  const streamify = () => writeProject({ 'sm_project.yml': 'name: streamify\nprofile: streamify\n', 'profiles.yml': readFileSync(STREAMIFY_PROFILES, 'utf8'), 'models/one.sql': 'select 1 as x' });

  it('names each missing variable with its profiles.yml line, exit 2', async () => {
    const r = await sm('debug', '--target', 'prod', '--project-dir', streamify());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/SM_ENV_VAR_MISSING at profiles\.yml:\d+:\d+: Environment variable SNOWFLAKE_ACCOUNT is not set/);
    expect(r.err).toContain('SNOWFLAKE_USER is not set');
  });

  it('with account and user but no credential, names the variables the credential fields read, exit 2', async () => {
    process.env.SNOWFLAKE_ACCOUNT = 'xy12345';
    process.env.SNOWFLAKE_USER = 'loader';
    const dir = streamify();
    const r = await sm('debug', '--target', 'prod', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toContain('Target "prod" needs `password`');
    expect(r.err).toContain(`\`password\` comes from env_var('SNOWFLAKE_PASSWORD')`);
    expect(r.err).toContain('set SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY_PATH');
  });

  it('access_url: empty means the account host; set, it overrides the endpoint', () => {
    const resolve = (env: NodeJS.ProcessEnv) => {
      const ds: Diagnostic[] = [];
      const t = resolveTarget({ projectDir: '/nowhere', profilesDir: join(STREAMIFY_PROFILES, '..'), profileName: 'streamify', projectName: 'streamify', targetName: 'prod', env }, ds);
      expect(ds).toEqual([]);
      return driverSettings(t!.target).options;
    };
    const base = { SNOWFLAKE_ACCOUNT: 'xy12345', SNOWFLAKE_USER: 'loader', SNOWFLAKE_PASSWORD: 'not-a-real-one' };
    expect(resolve(base).accessUrl).toBeUndefined();
    expect(resolve({ ...base, SNOWFLAKE_ACCESS_URL: 'https://sf.internal.example:8443' }).accessUrl).toBe('https://sf.internal.example:8443');
  });
});
