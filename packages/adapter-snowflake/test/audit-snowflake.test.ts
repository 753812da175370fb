import { afterAll, beforeAll, describe, it } from 'vitest';
import { auditScenario, password, startEmulator, type SnowflakeEmulator } from '@smsql/test-kit';
import { createSnowflakeAdapter } from '../src/snowflake-adapter.ts';

const PROFILE = [
  'demo:',
  '  target: prod',
  '  outputs:',
  '    prod:',
  '      type: snowflake',
  '      account: emu',
  '      user: alice',
  "      password: \"{{ env_var('SF_PASSWORD') }}\"",
  '      database: analytics',
  '      schema: wap',
  '      warehouse: wh_default',
  "      access_url: \"{{ env_var('SF_URL') }}\"",
  '      threads: 2',
  '',
].join('\n');

let emulator: SnowflakeEmulator;

beforeAll(async () => {
  emulator = (await startEmulator()).emulator;
});

afterAll(async () => {
  await emulator?.stop();
});

describe('write-audit-publish on Snowflake (real driver, local emulator)', () => {
  it('a failing test leaves the previous rows and skips dependents; a passing one publishes through ALTER TABLE ... SWAP WITH', async () => {
    await auditScenario(PROFILE, { snowflake: createSnowflakeAdapter }, /alter table analytics\.wap\.orders swap with analytics\.wap\.orders__sm_audit/, { SF_PASSWORD: password, SF_URL: emulator.url });
  });
});
