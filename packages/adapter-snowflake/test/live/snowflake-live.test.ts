import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SnowflakeEmulator } from '@smsql/test-kit';

const SCRIPT = fileURLToPath(new URL('./snowflake-live.ts', import.meta.url));

function runLive(env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SNOWFLAKE_') || k === 'SNOWFLAKE_DISABLE_PLATFORM_DETECTION'));
  const child = spawn(process.execPath, [SCRIPT], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

/** The live suite is for real Snowflake; here it is checked against the local server so it cannot rot unnoticed. */
describe('snowflake live suite script', () => {
  it('says NOT RUN, not passed, without credentials', async () => {
    const r = await runLive({});
    expect(r.code).toBe(0);
    expect(r.out).toContain('NOT RUN');
    expect(r.out).not.toMatch(/^PASS /m);
  });

  it('passes every check against the local server', async () => {
    const emulator = await SnowflakeEmulator.start({ users: [{ name: 'live', password: 'pw-live-1' }] });
    try {
      const r = await runLive({ SNOWFLAKE_ACCOUNT: 'emu', SNOWFLAKE_USER: 'live', SNOWFLAKE_PASSWORD: 'pw-live-1', SNOWFLAKE_DATABASE: 'ANALYTICS', SNOWFLAKE_WAREHOUSE: 'WH', SNOWFLAKE_ACCESS_URL: emulator.url });
      expect(r.out).toContain('snowflake live suite: all passed');
      expect(r.out.match(/^PASS /gm)).toHaveLength(6);
      expect(r.code).toBe(0);
    } finally {
      await emulator.stop();
    }
  });
});
