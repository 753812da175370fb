import { afterAll, beforeAll, describe, it } from 'vitest';
import { auditScenario, emulatorProfile, password, startEmulator, type SnowflakeEmulator } from '@smsql/test-kit';
import { createSnowflakeAdapter } from '../src/snowflake-adapter.ts';

const PROFILE = emulatorProfile('wap', 2);

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
