import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { execute, openTarget, type InvocationOptions, type NodeResult } from '@smsql/core';
import { writeProject } from './write-project.ts';

/**
 * Write-audit-publish, the same scenario on every warehouse: a table and an incremental model
 * with `audit: true` and tests, a model reading the table. A build whose new rows fail a test
 * must leave the previous rows (compared before and after), keep the shadow, and skip what
 * depends on the model; the fixed data then publishes.
 */
export async function auditScenario(profile: string, adapters: InvocationOptions['adapters'], publish: RegExp, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const dir = writeProject({
    'profiles.yml': profile,
    'seeds/orders_raw.csv': 'id,amount\n1,10\n2,20\n',
    'models/orders.sql': "{{ config(materialized='table', audit=true) }}\nselect id, amount from {{ ref('orders_raw') }}",
    'models/events.sql': "{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge', audit=true) }}\nselect id, amount from {{ ref('orders_raw') }}\n{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}",
    'models/report.sql': "{{ config(materialized='table') }}\nselect count(*) as n, sum(amount) as total from {{ ref('orders') }}",
    'models/schema.yml': [
      'version: 2',
      'models:',
      '  - name: orders',
      '    columns:',
      '      - name: id',
      '        tests: [unique, not_null]',
      '      - name: amount',
      '        tests: [not_null]',
      '  - name: events',
      '    columns:',
      '      - name: amount',
      '        tests: [not_null]',
      '',
    ].join('\n'),
  });
  Object.assign(process.env, env);
  const logs: string[] = [];
  const opts: InvocationOptions = { projectDir: dir, adapters, onEvent: (e) => void (e.type === 'log' && logs.push(e.message)) };
  const byName = (rs: NodeResult[]) => new Map(rs.map((r) => [r.name, r]));
  const rows = async (sql: string) => {
    const t = await openTarget(opts);
    try {
      const conn = await t.session.acquire();
      const r = await conn.execute(sql);
      t.session.release(conn);
      return r.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), typeof v === 'bigint' ? Number(v) : v === null ? null : Number(v)])));
    } finally {
      await t.session.close();
    }
  };
  const rel = async (name: string) => {
    const t = await openTarget(opts);
    await t.session.close();
    return t.adapter.dialect.relationName({ database: t.project.target.database, schema: t.project.target.schema, identifier: name });
  };
  const orders = await rel('orders');
  const events = await rel('events');
  const shadow = await rel('orders__sm_audit');
  const eventsShadow = await rel('events__sm_audit');

  // 1: clean data publishes everything.
  const first = byName((await execute(opts, 'build')).results);
  expect([...first.values()].filter((r) => r.status !== 'success' && r.status !== 'pass').map((r) => `${r.name}: ${r.message}`)).toEqual([]);
  expect(first.get('orders')!.message).toBe('CREATE TABLE');
  expect(logs).toContain(`orders: audited in ${shadow} (3 tests passed) and published`);
  expect(await rows(`select id, amount from ${orders} order by id`)).toEqual([{ id: 1, amount: 10 }, { id: 2, amount: 20 }]);
  expect(await rows(`select n from ${await rel('report')}`)).toEqual([{ n: 2 }]);

  // 2: new rows that fail a test: nothing published, shadow kept, dependents skipped.
  writeFileSync(join(dir, 'seeds/orders_raw.csv'), 'id,amount\n1,10\n2,20\n3,\n4,40\n');
  const beforeOrders = await rows(`select id, amount from ${orders} order by id`);
  const beforeEvents = await rows(`select id, amount from ${events} order by id`);
  const second = await execute(opts, 'build');
  expect(second.status).toBe('failure');
  const r2 = byName(second.results);
  expect(r2.get('orders')!.status).toBe('error');
  expect(r2.get('orders')!.message).toMatch(/Audit failed: 1 of 3 tests of orders failed on the new build: not_null_orders_amount\S* \(1 failing row\)/);
  expect(r2.get('orders')!.message).toContain(`${orders} is unchanged; the new build is kept in ${shadow} for inspection`);
  expect(r2.get('events')!.status).toBe('error');
  expect(r2.get('events')!.message).toMatch(/^Audit failed: 1 of 1 tests of events failed on the new build/);
  expect(r2.get('report')!.status).toBe('skipped');
  expect(await rows(`select id, amount from ${orders} order by id`)).toEqual(beforeOrders);
  expect(await rows(`select id, amount from ${events} order by id`)).toEqual(beforeEvents);
  expect(await rows(`select id, amount from ${shadow} order by id`)).toEqual([{ id: 1, amount: 10 }, { id: 2, amount: 20 }, { id: 3, amount: null }, { id: 4, amount: 40 }]);
  // The incremental model's shadow: the published rows with the new ones applied, for inspection.
  expect(await rows(`select id, amount from ${eventsShadow} order by id`)).toEqual([{ id: 1, amount: 10 }, { id: 2, amount: 20 }, { id: 3, amount: null }, { id: 4, amount: 40 }]);

  // 3: fixed data publishes, the incremental model applies only its new rows, the shadow is gone.
  writeFileSync(join(dir, 'seeds/orders_raw.csv'), 'id,amount\n1,10\n2,20\n3,30\n4,40\n');
  const third = byName((await execute(opts, 'build')).results);
  expect([...third.values()].filter((r) => r.status !== 'success' && r.status !== 'pass').map((r) => `${r.name}: ${r.message}`)).toEqual([]);
  expect(third.get('events')!.message).toBe('+2 rows');
  expect(logs.filter((l) => l.startsWith('events: audited'))).toHaveLength(2);
  expect(await rows(`select id, amount from ${orders} order by id`)).toEqual([{ id: 1, amount: 10 }, { id: 2, amount: 20 }, { id: 3, amount: 30 }, { id: 4, amount: 40 }]);
  expect(await rows(`select id, amount from ${events} order by id`)).toEqual([{ id: 1, amount: 10 }, { id: 2, amount: 20 }, { id: 3, amount: 30 }, { id: 4, amount: 40 }]);
  expect(await rows(`select n, total from ${await rel('report')}`)).toEqual([{ n: 4, total: 100 }]);
  await expect(rows(`select count(*) as n from ${shadow}`)).rejects.toThrow();
  await expect(rows(`select count(*) as n from ${eventsShadow}`)).rejects.toThrow();
  // How the shadow took the table's place: what ran for orders (target/run).
  expect(readFileSync(join(dir, 'target/run/demo/models/orders.sql'), 'utf8')).toMatch(publish);
  return dir;
}
