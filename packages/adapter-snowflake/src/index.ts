export { createSnowflakeAdapter, snowflakeCapabilities } from './snowflake-adapter.ts';
export { SnowflakeDialect } from './snowflake-dialect.ts';
export { SnowflakeConnection, SnowflakeQueryError } from './snowflake-connection.ts';
export type { SessionContext } from './snowflake-connection.ts';
export { SnowflakeSession, SnowflakeLoginError } from './snowflake-session.ts';
export type { NodeSessionConfig } from './snowflake-session.ts';
export { SnowflakeConfigError, authMethodOf, driverSettings, redactSecrets } from './snowflake-config.ts';
export type { AuthMethod, SnowflakeTargetConfig } from './snowflake-config.ts';
