import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute, type InvocationOptions } from '@smsql/core';
import { queryTarget, writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

const files = (extra: Record<string, string> = {}) => ({
  'profiles.yml': PROFILE,
  'seeds/dims.csv': 'k\na\nb\n',
  'seeds/raw.csv': 'id,k\n1,a\n2,b\n',
  'models/dim.sql': "select k from {{ ref('dims') }}",
  'models/facts.sql':
    "{{ config(materialized='incremental', unique_key='id', audit=true) }}\n-- depends_on: {{ ref('dim') }} (built first, so the audit runs the relationships test)\nselect id, k from {{ ref('raw') }}\n{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}",
  'models/schema.yml':
    "version: 2\nmodels:\n  - name: facts\n    columns:\n      - name: k\n        tests:\n          - relationships:\n              arguments: {to: ref('dim'), field: k}\n",
  ...extra,
});

/**
 * The audit counts dbt's built-in `relationships` by child value (audit-plan.ts,
 * relationshipsCount): the same number of failing rows as the test's own query, which `sm test`
 * still runs. A project's own test_relationships is run as it is written.
 */
describe('audit of relationships (DuckDB)', () => {
  it('counts failing child rows by value, as many as sm test finds', async () => {
    const dir = writeProject(files());
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter } };
    const runSql = () => readFileSync(join(dir, 'target/run/demo/models/facts.sql'), 'utf8');
    expect((await execute(opts, 'build')).status).toBe('success');

    // Three new rows without a parent (x twice, y once), one with a null key, one good.
    writeFileSync(join(dir, 'seeds/raw.csv'), 'id,k\n1,a\n2,b\n3,x\n4,x\n5,y\n6,\n7,a\n');
    expect((await execute(opts, 'seed')).status).toBe('success');
    const bad = (await execute({ ...opts, select: ['facts'] }, 'run')).results.find((r) => r.name === 'facts')!;
    expect(bad.status).toBe('error');
    expect(bad.message).toMatch(/Audit failed: 1 of 1 tests of facts failed on the new build: relationships_facts_k__k__ref_dim_ \(3 failing rows\)/);
    expect(runSql()).toMatch(/select k as from_field, count\(\*\) as sm_rows\s+from "demo"\."main"\."facts"\s+where k is not null\s+group by 1/);
    expect(runSql()).toMatch(/coalesce\(sum\(sm_rows\), 0\) as failures/);
    expect((await queryTarget(opts, 'select count(*) as n from main.facts'))[0]!.n).toBe(2n);

    // The same rows in the table: `sm test` runs the test's own query and finds the same 3.
    await queryTarget(opts, 'insert into main.facts select id, k from main.raw where id > 2');
    const test = await execute({ ...opts, select: ['facts'] }, 'test');
    const r = test.results.find((x) => x.name === 'relationships_facts_k__k__ref_dim_')!;
    expect(r.status).toBe('fail');
    expect(r.failures).toBe(3);
    expect(readFileSync(join(dir, 'target/run/demo/models/schema.yml/relationships_facts_k__k__ref_dim_.sql'), 'utf8')).not.toMatch(/sm_rows/);
  });

  it("runs a project's own test_relationships as written", async () => {
    const own =
      '{% test relationships(model, column_name, to, field) %}\nselect {{ column_name }} from {{ model }} where {{ column_name }} not in (select {{ field }} from {{ to }})\n{% endtest %}\n';
    const dir = writeProject(files({ 'macros/rel.sql': own }));
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter } };
    expect((await execute(opts, 'build')).status).toBe('success');
    writeFileSync(join(dir, 'seeds/raw.csv'), 'id,k\n1,a\n2,b\n3,x\n4,x\n');
    expect((await execute(opts, 'seed')).status).toBe('success');
    const bad = (await execute(opts, 'run')).results.find((r) => r.name === 'facts')!;
    expect(bad.message).toMatch(/relationships_facts_k__k__ref_dim_ \(2 failing rows\)/);
    const sql = readFileSync(join(dir, 'target/run/demo/models/facts.sql'), 'utf8');
    expect(sql).toMatch(/not in \(select k from "demo"\."main"\."dim"\)/);
    expect(sql).not.toMatch(/sm_rows/);
  });
});
