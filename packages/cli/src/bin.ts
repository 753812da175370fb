#!/usr/bin/env node
// snowflake-sdk probes cloud metadata addresses when it loads; turn that off before anything imports it.
process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE ??= '1';
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
