import { afterAll, beforeAll } from 'vitest';
import { createSnowflakeAdapter } from '../src/snowflake-adapter.ts';
import { conformanceSuite, normaliseRows, password, startEmulator } from '@smsql/test-kit';

let fixture: Awaited<ReturnType<typeof startEmulator>>;
beforeAll(async () => {
  fixture = await startEmulator();
});
afterAll(async () => {
  await fixture?.emulator.stop();
});

conformanceSuite({
  name: 'snowflake',
  profile: [
    'type: snowflake',
    'account: emu',
    'user: alice',
    "password: \"{{ env_var('SF_PASSWORD') }}\"",
    'database: analytics',
    'schema: conf',
    'warehouse: wh',
    "access_url: \"{{ env_var('SF_URL') }}\"",
    'threads: 3',
  ].join('\n'),
  adapters: { snowflake: () => createSnowflakeAdapter() },
  env: () => ({ ...process.env, SF_PASSWORD: password, SF_URL: fixture.emulator.url }),
  slowSql: 'select system$wait(60) as waited',
  query: async (dir, sql) => {
    const session = await createSnowflakeAdapter().connect(fixture.target({ schema: 'conf' }), { projectDir: dir });
    try {
      const c = await session.acquire();
      return normaliseRows((await c.execute(sql)).rows);
    } finally {
      await session.close();
    }
  },
});
