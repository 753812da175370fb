import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * A zone from modules.pytz.timezone() attached with tzinfo= keeps its first offset (local mean time, rounded to
 * the minute), as pytz does under dbt; localize() and astimezone() use the offset of the date. dbt-date's
 * dbt_date.datetime() builds its values so: its test_dates model compiled '1997-09-29 06:14:00-07:53' on dbt and
 * '-07:00' on sm. Recorded with dbt 1.11.16 + dbt-duckdb 1.11.1, `dbt compile -s tz` on this model: the text of
 * DBT below.
 */
const MODEL = `{%- set la = modules.pytz.timezone('America/Los_Angeles') -%}
{%- set ams = modules.pytz.timezone('Europe/Amsterdam') -%}
select '{{ modules.datetime.datetime(1997, 9, 29, 6, 14, tzinfo=la) }}' as a,
'{{ modules.datetime.datetime(1997, 9, 29, 6, 14).replace(tzinfo=ams) }}' as b,
'{{ la.localize(modules.datetime.datetime(1997, 9, 29, 6, 14)) }}' as c,
'{{ modules.datetime.datetime(1997, 9, 29, 6, 14, tzinfo=modules.pytz.utc).astimezone(la) }}' as d,
'{{ modules.datetime.datetime(1997, 9, 29, 6, 14, tzinfo=la).tzname() }}' as e,
'{{ modules.datetime.datetime(1997, 9, 29, 6, 14, tzinfo=modules.pytz.timezone('Asia/Kolkata')).isoformat() }}' as f
`;
const DBT = `select '1997-09-29 06:14:00-07:53' as a,
'1997-09-29 06:14:00+00:18' as b,
'1997-09-29 06:14:00-07:00' as c,
'1997-09-28 23:14:00-07:00' as d,
'LMT' as e,
'1997-09-29T06:14:00+05:53' as f`;

describe('pytz zones attached with tzinfo=', () => {
  it('keep the zone first offset, as pytz does; localize and astimezone use the date offset', async () => {
    const dir = writeProject({
      'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: 'target/demo.duckdb', schema: main, threads: 1}\n",
      'models/tz.sql': MODEL,
    });
    const r = await sm('run', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/tz.sql'), 'utf8').trim()).toBe(DBT);
  });
});
