import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute, type InvocationOptions } from '@smsql/core';
import { queryTarget, writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/**
 * An incremental run's audit of `not_null` and `accepted_values` reads the run's stage, the rows
 * it writes, not the whole table (audit-plan.ts, rowLocalColumn). A bad value the run brings
 * still fails the run and leaves the table as it was; a bad value in an old row (put there by
 * hand) no longer fails the hour's audit, but `sm test` still reads every row. A column the
 * stage does not have (the model stopped selecting it) is read from the table, as before.
 */
describe('incremental audit of not_null and accepted_values (DuckDB)', () => {
  it('reads the stage for columns the run writes, the table otherwise', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'seeds/raw.csv': 'id,amount,kind\n1,10,a\n2,20,b\n',
      'models/events.sql':
        "{{ config(materialized='incremental', unique_key='id', audit=true) }}\nselect id, amount, kind from {{ ref('raw') }}\n{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}",
      'models/schema.yml':
        "version: 2\nmodels:\n  - name: events\n    columns:\n      - name: amount\n        tests: [not_null]\n      - name: kind\n        tests:\n          - accepted_values:\n              arguments:\n                values: ['a', 'b']\n",
    });
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter } };
    const rows = async () => (await queryTarget(opts, 'select id, amount, kind from main.events order by id')).map((r) => `${r.id}:${r.amount ?? 'null'}:${r.kind}`);
    const runSql = () => readFileSync(join(dir, 'target/run/demo/models/events.sql'), 'utf8');
    expect((await execute(opts, 'build')).status).toBe('success');

    // A new row with a null amount and one with an unknown kind: both tests fail, nothing is published.
    writeFileSync(join(dir, 'seeds/raw.csv'), 'id,amount,kind\n1,10,a\n2,20,b\n3,,a\n4,40,z\n');
    expect((await execute(opts, 'seed')).status).toBe('success');
    const bad = (await execute(opts, 'run')).results.find((r) => r.name === 'events')!;
    expect(bad.status).toBe('error');
    expect(bad.message).toMatch(/Audit failed: 2 of 2 tests of events failed on the new build: accepted_values_events_kind__a__b \(1 failing row\), not_null_events_amount \(1 failing row\)/);
    expect(await rows()).toEqual(['1:10:a', '2:20:b']);
    // Both read the stage.
    expect(runSql()).toMatch(/select amount\s+from "demo"\."main"\."events__sm_new"\s+where amount is null/);
    expect(runSql()).toMatch(/from "demo"\."main"\."events__sm_new"\s+group by kind/);
    expect(runSql()).not.toMatch(/from "demo"\."main"\."events"\s+where amount is null/);

    // An old row made bad by hand, then an hour of good rows: the audit reads only the new rows
    // and publishes; `sm test` reads every row and fails.
    await queryTarget(opts, 'drop table main.events__sm_audit');
    await queryTarget(opts, "update main.events set kind = 'z' where id = 1");
    writeFileSync(join(dir, 'seeds/raw.csv'), 'id,amount,kind\n1,10,a\n2,20,b\n5,50,b\n');
    expect((await execute(opts, 'seed')).status).toBe('success');
    expect((await execute(opts, 'run')).status).toBe('success');
    expect(await rows()).toEqual(['1:10:z', '2:20:b', '5:50:b']);
    const test = await execute({ ...opts, select: ['events'] }, 'test');
    expect(test.results.filter((r) => r.status === 'fail').map((r) => r.name)).toEqual(['accepted_values_events_kind__a__b']);
    await queryTarget(opts, "update main.events set kind = 'a' where id = 1");

    // The model stops selecting amount (on_schema_change ignore): new rows get a null amount in
    // the table, which only the table shows, so not_null reads the table and fails.
    writeFileSync(join(dir, 'models/events.sql'), readFileSync(join(dir, 'models/events.sql'), 'utf8').replace('select id, amount, kind', 'select id, kind'));
    writeFileSync(join(dir, 'seeds/raw.csv'), 'id,amount,kind\n1,10,a\n2,20,b\n5,50,b\n6,60,a\n');
    expect((await execute(opts, 'seed')).status).toBe('success');
    const dropped = (await execute(opts, 'run')).results.find((r) => r.name === 'events')!;
    expect(dropped.message).toMatch(/Audit failed: 1 of 2 tests of events failed on the new build: not_null_events_amount \(1 failing row\)/);
    expect(runSql()).toMatch(/select amount\s+from "demo"\."main"\."events"\s+where amount is null/);
    expect(await rows()).toEqual(['1:10:a', '2:20:b', '5:50:b']);
  });
});
