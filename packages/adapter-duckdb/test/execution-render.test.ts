import { readFileSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute, type InvocationOptions } from '@smsql/core';
import { writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/** Ten seconds back, so the compile store is trusted (a proof within two seconds of a change is void). */
function age(dir: string): void {
  const then = new Date(Date.now() - 10_000);
  for (const e of readdirSync(dir, { recursive: true, encoding: 'utf8' })) if (!e.startsWith('target')) utimesSync(join(dir, e), then, then);
}

async function rows(opts: InvocationOptions, sql: string): Promise<unknown[]> {
  const { openTarget } = await import('@smsql/core');
  const t = await openTarget(opts);
  const c = await t.session.acquire();
  try {
    return [...(await c.execute(sql)).rows];
  } finally {
    t.session.release(c);
    await t.session.close();
  }
}

describe('a template that asks the warehouse is rendered at execution, with the node connection', () => {
  it('builds with the answers of run_query, in a cold run and in a run from the compile store', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/a.sql': 'select 1 as id union all select 2',
      'models/b.sql': "{% if execute %}{% set n = run_query('select count(*) as n from ' ~ ref('a')).columns[0].values()[0] %}{% else %}{% set n = -1 %}{% endif %}select {{ n }} as rows_in_a",
      'models/c.sql': "{{ config(materialized='incremental') }}select {% if execute %}{{ run_query('select max(id) from ' ~ ref('a')).columns[0].values()[0] }}{% else %}0{% endif %} as top{% if is_incremental() %} where {{ run_query('select count(*) from ' ~ this).columns[0].values()[0] }} < 5{% endif %}",
    });
    age(dir);
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    const first = await execute(opts, 'run');
    expect(first.results.map((r) => [r.name, r.status])).toEqual([['a', 'success'], ['b', 'success'], ['c', 'success']]);
    expect(await rows(opts, 'select rows_in_a::int as n from main.b')).toEqual([{ n: 2 }]);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/b.sql'), 'utf8')).toBe('select 2 as rows_in_a\n');
    // From the store: compile renders nothing, execution renders b and c again with the warehouse.
    const again = await execute(opts, 'run');
    expect(again.compilation.reused).toBe(true);
    expect(again.results.map((r) => [r.name, r.status, r.message])).toEqual([['a', 'success', 'CREATE VIEW'], ['b', 'success', 'CREATE VIEW'], ['c', 'success', '+1 rows']]);
    expect(await rows(opts, 'select top::int as t from main.c order by 1')).toEqual([{ t: 2 }, { t: 2 }]);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/c.sql'), 'utf8')).toBe('select 2 as top where 1 < 5\n');
  });
});
