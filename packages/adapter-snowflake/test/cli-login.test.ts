import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnowflakeEmulator } from '@smsql/test-kit';

const SM = fileURLToPath(new URL('../../cli/src/bin.ts', import.meta.url));
/** A password that looks like a number: it must reach the login as the same ten characters. */
const NUMERIC_PASSWORD = '0012345678';

function sm(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [SM, ...argv], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

/** The CLI against the local Snowflake server through the real driver: how a login problem is reported. */
describe('sm build on Snowflake: logins', () => {
  let emulator: SnowflakeEmulator;
  let dir: string;
  beforeAll(async () => {
    emulator = await SnowflakeEmulator.start({ users: [{ name: 'dave', password: NUMERIC_PASSWORD }] });
    dir = mkdtempSync(join(tmpdir(), 'sm-sf-login-'));
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'sm_project.yml'), 'name: login\nprofile: login\n');
    writeFileSync(join(dir, 'models', 'one.sql'), 'select 1 as id\n');
    writeFileSync(
      join(dir, 'profiles.yml'),
      [
        'login:',
        '  target: prod',
        '  outputs:',
        '    prod:',
        '      type: snowflake',
        '      account: emu',
        '      user: dave',
        "      password: \"{{ env_var('LOGIN_TEST_PASSWORD') }}\"",
        '      database: ANALYTICS',
        '      schema: PUBLIC',
        '      warehouse: WH',
        `      access_url: ${emulator.url}`,
        '      threads: 1',
        '',
      ].join('\n'),
    );
  }, 120_000);
  afterAll(async () => {
    await emulator?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a refused login is one clear error, exit 2, no stack trace and no password', async () => {
    const wrong = 'wrong-Password-99';
    const r = await sm(['build', '--project-dir', dir], { LOGIN_TEST_PASSWORD: wrong });
    if (process.env.SM_DUMP) console.log(r.out);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/prod/);
    expect(r.out).toMatch(/login|authenticat|password/i);
    expect(r.out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(r.out).not.toContain(wrong);
  });

  it('a numeric-looking password from env_var() logs in as written', async () => {
    const r = await sm(['build', '--project-dir', dir], { LOGIN_TEST_PASSWORD: NUMERIC_PASSWORD });
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toContain(NUMERIC_PASSWORD);
  });
});
