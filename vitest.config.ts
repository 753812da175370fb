import { defineConfig } from 'vitest/config';

/**
 * Tests run the TypeScript sources, never a build: workspace packages resolve through the
 * `smsql-source` export condition here, and every process a test starts (the CLI, the Airflow
 * DAG's `sm`, bench children) inherits NODE_OPTIONS with the same condition.
 */
const SOURCE = 'smsql-source';
/** Ours first, then the server conditions vitest uses by default (not `module`: some dependencies' `module` builds do not load in Node). */
const CONDITIONS = [SOURCE, 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions: CONDITIONS },
  ssr: { resolve: { conditions: CONDITIONS } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // One temporary directory per run, removed at its end (scripts/test/temp-root.ts).
    globalSetup: ['scripts/test/temp-root.ts'],
    env: {
      SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
      SF_TELEMETRY_DISABLE_CONNECTION_SHAPE: '1',
      NODE_OPTIONS: [process.env.NODE_OPTIONS, `--conditions=${SOURCE}`].filter(Boolean).join(' '),
    },
  },
});
