import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/** One row of each type an analyst looks at: the shapes dbt show and the DuckDB shell print. */
const TYPED = `{{ config(materialized='table') }}
select timestamp '2026-11-23 10:00:00' as event_ts,
  timestamp '2026-11-23 10:00:00.25' as precise_ts,
  date '2026-11-23' as date_day,
  1.50::decimal(10, 2) as amount,
  interval 3 hour as lag,
  time '07:30:00' as at_time,
  [1, 2] as ids,
  cast(null as varchar) as missing`;

/** Cells of the one data row of a rendered table, by column. */
function row(table: string): Record<string, string> {
  const lines = table.split('\n').filter((l) => l.startsWith('|'));
  const cells = (l: string) => l.slice(1, -1).split('|').map((c) => c.trim());
  const head = cells(lines[0]!);
  const values = cells(lines[2]!);
  return Object.fromEntries(head.map((h, i) => [h, values[i]!]));
}

describe('sm show', () => {
  it('prints timestamps, dates, decimals, intervals and times as the warehouse writes them', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/typed.sql': TYPED });
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const r = await sm('show', 'typed', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(row(r.out)).toEqual({
      event_ts: '2026-11-23 10:00:00',
      precise_ts: '2026-11-23 10:00:00.25',
      date_day: '2026-11-23',
      amount: '1.50',
      lag: '03:00:00',
      at_time: '07:30:00',
      ids: '[1, 2]',
      missing: 'null',
    });
    expect(r.out).toContain('(1 row)');
  });

  it('--inline with repeated column names still shows every value; --log-format json keeps typed values', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/one.sql': 'select 1 as x' });
    const r = await sm('show', '--project-dir', dir, '--inline', "select 1 as a, 2 as a, timestamp '2026-11-23 10:00:00' as t");
    expect(r.code, r.err).toBe(0);
    expect(Object.values(row(r.out))).toEqual(['1', '2', '2026-11-23 10:00:00']);
    const j = await sm('show', '--project-dir', dir, '--log-format', 'json', '--inline', 'select 1.50::decimal(10, 2) as amount, 7 as n');
    expect(JSON.parse(j.out)).toEqual([{ amount: 1.5, n: 7 }]);
  });
});
