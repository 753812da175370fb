export { createDuckDbAdapter, duckDbCapabilities, resolveDuckDbPath } from './duckdb-adapter.ts';
export type { DuckDbTargetConfig } from './duckdb-adapter.ts';
// Types only: the connection module loads the native binding, which compile, ls and parse never need.
export type { DuckDbConnection, DuckDbQueryError } from './duckdb-connection.ts';
export { DuckDbDialect } from './duckdb-dialect.ts';
export { duckDbLanding } from './duckdb-landing.ts';
export { duckDbLandingOptions } from './duckdb-landing-options.ts';
export type { DuckDbLandingOptions } from './duckdb-landing-options.ts';
