import type { Adapter, AdapterSession, Capabilities, ConnectOptions, TargetConfig } from '@smsql/core';
import { driverSettings, type SnowflakeTargetConfig } from './snowflake-config.ts';
import { SnowflakeDialect } from './snowflake-dialect.ts';
import { loadSnowflakeSdk } from './snowflake-driver.ts';
import { SnowflakeSession } from './snowflake-session.ts';

/**
 * Snowflake runs many writers at once and replaces a table atomically with `create or replace`;
 * DDL commits implicitly, so it never takes part in a transaction.
 */
export const snowflakeCapabilities: Capabilities = {
  supportsMultipleWriters: true,
  supportsMerge: true,
  supportsTransactionalDdl: false,
  supportsAtomicCreateOrReplace: true,
  supportsZeroCopyClone: true,
};

/** The Snowflake adapter. `connect` logs in one session up front so a bad credential fails before any node runs. */
export function createSnowflakeAdapter(): Adapter {
  const dialect = new SnowflakeDialect();
  return {
    type: 'snowflake',
    dialect,
    capabilities: snowflakeCapabilities,
    async connect(target: TargetConfig, _options: ConnectOptions): Promise<AdapterSession> {
      driverSettings(target); // validate before loading the driver
      const sdk = await loadSnowflakeSdk();
      const session = new SnowflakeSession(sdk, target as SnowflakeTargetConfig, dialect);
      session.release(await session.open());
      return session;
    },
  };
}
