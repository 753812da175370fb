import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditScenario } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 2\n';

describe('write-audit-publish on DuckDB', () => {
  it('a failing test leaves the previous rows and skips dependents; a passing one publishes', async () => {
    // DuckDB: drop and rename in the transaction that read the audit's results.
    const dir = await auditScenario(PROFILE, { duckdb: createDuckDbAdapter }, /begin transaction[\s\S]*drop table if exists "main"\."orders"[\s\S]*alter table "main"\."orders__sm_audit" rename to "orders"[\s\S]*commit/i);
    // The incremental model's last (passing) run: the new rows merged into the published table
    // and its test (not_null: the rows the run wrote, read from its stage) read in the same
    // transaction; no copy of the table.
    const ran = readFileSync(join(dir, 'target/run/demo/models/events.sql'), 'utf8');
    expect(ran).toMatch(/begin transaction[\s\S]*merge into "main"\."events" as sm_dest[\s\S]*from "demo"\."main"\."events__sm_new"\s+where amount is null[\s\S]*drop table if exists "main"\."events__sm_audit"[\s\S]*commit/i);
    expect(ran).not.toMatch(/create or replace table "main"\."events__sm_audit"/i);
  });
});
