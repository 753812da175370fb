import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryDuckDb, writeDuckdbProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * TIMESTAMP and TIMESTAMPTZ values from run_query keep their microseconds, as dbt-duckdb's
 * datetimes do; a TIMESTAMPTZ is aware. sm read them through JavaScript Dates (milliseconds),
 * so `'{{ max_ts }}'` in a model's filter lost the last three digits and let rows through
 * that dbt filters out. Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1 (7 Dec 2026,
 * machine zone UTC): the lines below, and the model `later` holding (1, '2024-05-06 07:08:09.123456').
 */
const TS = `{% macro ts() %}
{% set r = run_query("select timestamp '2024-05-06 07:08:09.123456' t, timestamptz '2024-05-06 07:08:09.000001+00' tz, timestamp '1969-12-31 23:59:59.999999' neg, timestamp '2024-05-06 07:08:09.5' half") %}
{% for c in r.columns %}{% set v = c.values()[0] %}{% do print(c.name ~ ' ' ~ v ~ ' us=' ~ v.microsecond ~ ' aware=' ~ (v.tzinfo is not none) ~ ' iso=' ~ v.isoformat()) %}{% endfor %}
{% endmacro %}
`;
const LATER = `{% set r = run_query("select max(ts) from (values (timestamp '2024-05-06 07:08:09.123456')) t(ts)") %}
{% set hi = r.columns[0].values()[0] if execute else none %}
select count(*) as n, '{{ hi }}' as hi from (values (timestamp '2024-05-06 07:08:09.123456'), (timestamp '2024-05-06 07:08:09.123999')) t(ts) where ts > '{{ hi }}'
`;

describe('run_query timestamps, as dbt-duckdb datetimes', () => {
  it('keep microseconds, and a TIMESTAMPTZ is aware', async () => {
    const dir = writeDuckdbProject({
      'macros/ts.sql': TS,
      'models/later.sql': LATER,
    });
    const r = await sm('run-operation', 'ts', '--project-dir', dir);
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toEqual([
      't 2024-05-06 07:08:09.123456 us=123456 aware=False iso=2024-05-06T07:08:09.123456',
      'tz 2024-05-06 07:08:09.000001+00:00 us=1 aware=True iso=2024-05-06T07:08:09.000001+00:00',
      'neg 1969-12-31 23:59:59.999999 us=999999 aware=False iso=1969-12-31T23:59:59.999999',
      'half 2024-05-06 07:08:09.500000 us=500000 aware=False iso=2024-05-06T07:08:09.500000',
    ]);
    const run = await sm('run', '--project-dir', dir);
    expect(run.code, run.err).toBe(0);
    expect(await queryDuckDb(join(dir, 'target/d.duckdb'), 'select n, hi from main.later')).toEqual([{ n: 1n, hi: '2024-05-06 07:08:09.123456' }]);
  });
});
