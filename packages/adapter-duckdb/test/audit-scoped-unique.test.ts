import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute, type InvocationOptions } from '@smsql/core';
import { queryTarget, writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/**
 * An incremental run's audit of `unique` on the model's unique key reads only the rows whose key
 * the run wrote (audit-plan.ts, scopedUniqueKey). What it caught before it still catches: a
 * duplicate between a new row and an old one fails the run and leaves the table as it was; a
 * duplicate between two old rows (put there by hand) no longer fails the hour's audit, which
 * guards what the run changes, but `sm test` still reads every row and fails on it.
 */
describe('incremental audit of unique on the unique key (DuckDB)', () => {
  it('fails on a duplicate between a new and an old row, reads only the touched keys, and leaves old duplicates to sm test', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'seeds/raw.csv': 'id,amount\n1,10\n2,20\n',
      // append: a new row whose key is already in the table is a second row with that key.
      'models/events.sql':
        "{{ config(materialized='incremental', unique_key='id', incremental_strategy='append', audit=true) }}\nselect id, amount from {{ ref('raw') }}\n{% if is_incremental() %}where id >= (select max(id) from {{ this }}){% endif %}",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: events\n    columns:\n      - name: id\n        tests: [unique, not_null]\n',
    });
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter } };
    const ids = async () => (await queryTarget(opts, 'select id from main.events order by id')).map((r) => Number(r.id));
    expect((await execute(opts, 'build')).status).toBe('success');
    expect(await ids()).toEqual([1, 2]);

    // New rows 2 (again) and 3: the new 2 duplicates the old 2.
    writeFileSync(join(dir, 'seeds/raw.csv'), 'id,amount\n1,10\n2,20\n3,30\n');
    const dup = await execute(opts, 'build');
    const events = dup.results.find((r) => r.name === 'events')!;
    expect(events.status).toBe('error');
    expect(events.message).toMatch(/Audit failed: 1 of 2 tests of events failed on the new build: unique_events_id \(1 failing row\)/);
    expect(await ids()).toEqual([1, 2]);
    // The test read the published table restricted to the keys of the run's stage.
    expect(readFileSync(join(dir, 'target/run/demo/models/events.sql'), 'utf8')).toMatch(/from \(select \* from "demo"\."main"\."events" where id in \(select id from "demo"\."main"\."events__sm_new"\)\)/);

    // A duplicate of an old row put there by hand, then an hour with only new keys: the audit
    // reads keys 4 (none old), so it publishes; `sm test` reads every row and fails.
    writeFileSync(join(dir, 'seeds/raw.csv'), 'id,amount\n1,10\n2,20\n4,40\n');
    expect((await execute(opts, 'seed')).status).toBe('success');
    await queryTarget(opts, 'drop table main.events__sm_audit');
    await queryTarget(opts, 'insert into main.events values (1, 10)');
    // From now on the model reads only ids above the newest: 4.
    writeFileSync(join(dir, 'models/events.sql'), readFileSync(join(dir, 'models/events.sql'), 'utf8').replace('id >= (select', 'id > (select'));
    const run = await execute(opts, 'run');
    expect(run.results.map((r) => `${r.name}: ${r.status}`)).toEqual(['events: success']);
    expect(await ids()).toEqual([1, 1, 2, 4]);
    const test = await execute({ ...opts, select: ['events'] }, 'test');
    expect(test.results.filter((r) => r.status === 'fail').map((r) => r.name)).toEqual(['unique_events_id']);
  });
});
