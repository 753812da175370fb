import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execute, type InvocationOptions } from '@smsql/core';
import { queryTarget as rows, writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/**
 * Enforced model contracts (`contract: {enforced: true}`), checked when the model runs as dbt
 * checks them: dbt-core 1.11.16 with dbt-duckdb 1.11.1, on the first three models here, built
 * `good` and failed `bad_type` (id INTEGER against VARCHAR) and `bad_cols` (extra missing in
 * the definition), as sm must.
 */
const YAML = `models:
  - name: good
    config: {materialized: table, contract: {enforced: true}}
    columns:
      - {name: id, data_type: int}
      - {name: name, data_type: varchar}
      - {name: amount, data_type: double}
  - name: bad_type
    config: {materialized: table, contract: {enforced: true}}
    columns:
      - {name: id, data_type: varchar}
      - {name: name, data_type: varchar}
  - name: bad_cols
    config: {materialized: view, contract: {enforced: true}}
    columns:
      - {name: id, data_type: integer}
      - {name: extra, data_type: integer}
  - name: untyped
    config: {materialized: incremental, on_schema_change: fail, contract: {enforced: true}}
    columns:
      - {name: id}
`;

describe('enforced model contracts', () => {
  it('build the models that keep them and fail the others before anything is written, naming each mismatch', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/schema.yml': YAML,
      'models/good.sql': "select 1 as id, 'a' as name, cast(2.5 as double) as amount",
      'models/bad_type.sql': "select 1 as id, 'a' as name",
      'models/bad_cols.sql': 'select 1 as id',
      'models/untyped.sql': 'select 1 as id',
    });
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    const o = await execute(opts, 'run');
    expect(o.status).toBe('failure');
    const by = Object.fromEntries(o.results.map((r) => [r.name, r]));
    expect(Object.fromEntries(o.results.map((r) => [r.name, r.status]))).toEqual({ good: 'success', bad_type: 'error', bad_cols: 'error', untyped: 'error' });
    // int and integer are one type: both sides are described by the warehouse.
    expect(await rows(opts, 'select id, name, amount from main.good')).toEqual([{ id: 1, name: 'a', amount: 2.5 }]);
    expect(by.bad_type!.message).toContain('bad_type (models/bad_type.sql, contract in models/schema.yml):\nThis model has an enforced contract that failed.');
    expect(by.bad_type!.message).toMatch(/\| id +\| INTEGER +\| VARCHAR +\| data type mismatch +\|/);
    expect(by.bad_cols!.message).toMatch(/\| extra +\| +\| INTEGER +\| missing in definition +\|/);
    expect(by.untyped!.message).toContain('Contracted models require data_type to be defined for each column: id.');
    // Nothing of a failed model was built.
    expect(await rows(opts, "select table_name from information_schema.tables where table_name in ('bad_type', 'bad_cols', 'untyped')")).toEqual([]);
  });

  it('leave the table of the last good run in place when a change breaks the contract, and report a column the contract lacks', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/schema.yml': 'models:\n  - name: t\n    config: {materialized: table, contract: {enforced: true}}\n    columns:\n      - {name: id, data_type: bigint}\n',
      'models/t.sql': 'select 7::bigint as id',
    });
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    expect((await execute(opts, 'run')).status).toBe('success');
    writeFileSync(join(dir, 'models/t.sql'), "select 8::bigint as id, 'x' as note");
    const o = await execute(opts, 'run');
    expect(o.results.map((r) => r.status)).toEqual(['error']);
    expect(o.results[0]!.message).toMatch(/\| note +\| VARCHAR +\| +\| missing in contract +\|/);
    expect(await rows(opts, 'select id::int as id from main.t')).toEqual([{ id: 7 }]);
  });
});
