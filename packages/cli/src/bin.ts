#!/usr/bin/env node
// The `sm` executable. Kept to syntax and APIs that any Node still in use can parse, with no
// static imports (those would load before the version check runs): an unsupported Node gets
// one line saying what is needed and exit 2, not a SyntaxError from a module deep inside.
import { NODE_MINIMUM, nodeSupported } from './node-support.ts';

if (!nodeSupported(process.versions.node)) {
  process.stderr.write(`sm needs Node.js ${NODE_MINIMUM} or newer; this is Node.js ${process.versions.node} (${process.execPath}). Install a current Node.js LTS.\n`);
  process.exit(2);
}
start();

function start(): void {
  // snowflake-sdk probes cloud metadata addresses when it loads; turn that off before anything imports it.
  if (process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION === undefined) process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
  if (process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE === undefined) process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE = '1';
  // `sm ls | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  void import('node:module')
    .then((m) => {
      // V8's code cache on disk (Node's own cache directory): parsing sm and its dependencies is
      // most of a short command's time, and every Airflow task is a short command.
      try {
        m.enableCompileCache?.();
      } catch {
        // A read-only or missing cache directory only costs speed.
      }
      return import('./main.ts');
    })
    .then(async ({ main }) => {
      process.exitCode = await main(process.argv.slice(2));
    });
}
