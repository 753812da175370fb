/**
 * @smsql/test-kit: what sm's test suites share, so no package's tests import another package's
 * sources by path. Private: it depends on core (and on DuckDB for the emulator), never on an
 * adapter, so every adapter's tests may use it.
 */
export { writeDuckdbProject, writeProject } from './write-project.ts';
export { SnowflakeEmulator, type EmulatorOptions, type EmulatorStats, type EmulatorUser, type Fault, type QueryLogEntry } from './snowflake-emulator/snowflake-emulator.ts';
export { emulatorProfile, makeKeyPair, passphrase, password, startEmulator } from './snowflake-emulator/start-emulator.ts';
export { conformanceSuite, type ConformanceTarget } from './conformance/conformance-suite.ts';
export { normaliseRows } from './conformance/normalise-rows.ts';
export { auditScenario } from './audit-scenario.ts';
export { queryTarget } from './query-target.ts';
export { queryDuckDb } from './query-duckdb.ts';
