import { describe, it } from 'vitest';
import { auditScenario } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 2\n';

describe('write-audit-publish on DuckDB', () => {
  it('a failing test leaves the previous rows and skips dependents; a passing one publishes', async () => {
    // DuckDB: drop and rename in the transaction that read the audit's results.
    await auditScenario(PROFILE, { duckdb: createDuckDbAdapter }, /begin transaction[\s\S]*drop table if exists "main"\."orders"[\s\S]*alter table "main"\."orders__sm_audit" rename to "orders"[\s\S]*commit/i);
  });
});
