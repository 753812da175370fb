import { duckDbTemplateTarget } from '@smsql/adapter-duckdb/target';
import type { AdapterFactory } from '@smsql/core';

/**
 * Built-in adapters, loaded only when a target asks for them (Snowflake's driver is heavy). Each
 * says where a worker thread can make it too (a large compile renders on several threads);
 * DuckDB's completes the target templates read (a module of one function, loaded now).
 */
export const builtinAdapters: Record<string, AdapterFactory> = {
  duckdb: Object.assign(async () => (await import('@smsql/adapter-duckdb')).createDuckDbAdapter(), {
    module: { url: import.meta.resolve('@smsql/adapter-duckdb'), exportName: 'createDuckDbAdapter' },
    templateTarget: duckDbTemplateTarget,
  }),
  snowflake: Object.assign(async () => {
    process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
    process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE ??= '1';
    // A variable specifier keeps the type checker from requiring the package's types here.
    const spec = '@smsql/adapter-snowflake';
    const mod = (await import(spec)) as { createSnowflakeAdapter: () => ReturnType<AdapterFactory> };
    return mod.createSnowflakeAdapter();
  }, { module: { url: import.meta.resolve('@smsql/adapter-snowflake'), exportName: 'createSnowflakeAdapter' } }),
};
