import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import { execute, type InvocationOptions, type NodeResult } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 2\n';

/** Ten seconds back: a compile trusts its stored results only for files older than two seconds. */
function age(dir: string): void {
  const then = new Date(Date.now() - 10_000);
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'target') continue;
      if (e.isDirectory()) walk(join(d, e.name));
      utimesSync(join(d, e.name), then, then);
    }
  };
  walk(dir);
}

async function rows(dir: string, sql: string): Promise<unknown[]> {
  const inst = await DuckDBInstance.create(join(dir, 'target', 'demo.duckdb'));
  const c = await inst.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

const brief = (rs: readonly NodeResult[]) => rs.map((r) => [r.uniqueId, r.status, r.message]).sort();

describe('running from a compile stored earlier', () => {
  it('builds, tests and snapshots from the store as from a fresh compile: incremental SQL and unit-test overrides included', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'seeds/events.csv': 'id,v\n1,a\n2,b\n',
      'models/stg.sql': "select id, v from {{ ref('events') }}",
      'models/inc.sql': "{{ config(materialized='incremental', unique_key='id') }}select id, v from {{ ref('stg') }}{% if is_incremental() %} where id > (select max(id) from {{ this }}){% endif %}",
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: inc',
        '    columns:',
        '      - name: id',
        '        tests: [unique, not_null]',
        'unit_tests:',
        '  - name: only_new_rows',
        '    model: inc',
        '    overrides:',
        '      macros:',
        '        is_incremental: true',
        '    given:',
        "      - input: ref('stg')",
        '        rows: [{id: 1, v: x}, {id: 5, v: y}]',
        '      - input: this',
        '        rows: [{id: 2, v: old}]',
        '    expect:',
        '      rows: [{id: 5, v: y}]',
        '',
      ].join('\n'),
      'snapshots/snap.sql': "{% snapshot snap %}{{ config(unique_key='id', strategy='check', check_cols='all') }}select * from {{ ref('stg') }}{% endsnapshot %}",
    });
    age(dir);
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    const first = await execute(opts, 'build');
    expect(first.compilation.reused).toBe(false);
    expect(first.status).toBe('success');
    // New rows in the seed's place, then a run from the store: the incremental model takes only them.
    writeFileSync(join(dir, 'seeds/events.csv'), 'id,v\n1,a\n2,b\n3,c\n');
    age(dir);
    const seeded = await execute({ ...opts, select: ['events'] }, 'seed');
    expect(seeded.compilation.reused).toBe(false);
    const again = await execute(opts, 'build');
    expect(again.compilation.reused).toBe(true);
    expect(again.results.map((r) => [r.name, r.status, r.message]).sort()).toEqual([
      ['events', 'success', 'INSERT 3'],
      ['inc', 'success', '+1 rows'],
      ['not_null_inc_id', 'pass', 'PASS'],
      ['only_new_rows', 'pass', 'PASS'],
      ['snap', 'success', '1 versions written'],
      ['stg', 'success', 'CREATE VIEW'],
      ['unique_inc_id', 'pass', 'PASS'],
    ]);
    expect(await rows(dir, 'select id::int as id, v from main.inc order by id')).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
      { id: 3, v: 'c' },
    ]);
    // One model from the store: only it runs.
    const one = await execute({ ...opts, select: ['inc'], fullRefresh: true }, 'run');
    expect([one.compilation.reused, brief(one.results)]).toEqual([true, [['model.demo.inc', 'success', 'CREATE TABLE']]]);
  });
});
