import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * dbt.datediff on DuckDB compiles as dbt-duckdb's does, once runs of whitespace are one space.
 * Recorded with dbt 1.11.16 + dbt-duckdb 1.11.1, `dbt compile -s dd` on this model (whitespace
 * collapsed): the text of DBT below. sm wrote `floor((date_diff(... b::timestamp)) / 2)`: 95 of the
 * Tuva project's compiled models differed so (datediff is in most date arithmetic).
 */
const DBT =
  "select floor( (date_diff('day', cast('2020-01-01' as date)::timestamp, cast('2020-02-01' as date)::timestamp )) / 2) as a, " +
  "( (date_diff('day', cast('2020-01-01' as date)::timestamp, cast('2020-02-11' as date)::timestamp )) // 7 + case when date_part('dow', (cast('2020-01-01' as date))::timestamp) <= date_part('dow', (cast('2020-02-11' as date))::timestamp) then case when cast('2020-01-01' as date) <= cast('2020-02-11' as date) then 0 else -1 end else case when cast('2020-01-01' as date) <= cast('2020-02-11' as date) then 1 else 0 end end) as w";

/** The model `name` compiled by sm from `sql`, its runs of whitespace made one space. */
async function compiled(name: string, sql: string): Promise<{ dir: string; text: string }> {
  const dir = writeProject({
    'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: 'target/demo.duckdb', schema: main, threads: 1}\n",
    [`models/${name}.sql`]: sql,
  });
  const r = await sm('compile', '--project-dir', dir);
  expect(r.code, r.err).toBe(0);
  return { dir, text: readFileSync(join(dir, `target/compiled/demo/models/${name}.sql`), 'utf8').replace(/\s+/g, ' ').trim() };
}

describe('date and time macros spaced as dbt and dbt-duckdb', () => {
  it('datediff: compiles to the text dbt writes, whitespace runs aside, and still computes', async () => {
    const { dir, text } = await compiled(
      'dd',
      "select floor({{ dbt.datediff(\"cast('2020-01-01' as date)\", \"cast('2020-02-01' as date)\", 'day') }} / 2) as a, {{ datediff(\"cast('2020-01-01' as date)\", \"cast('2020-02-11' as date)\", 'week') }} as w\n",
    );
    expect(text).toBe(DBT);
    const run = await sm('run', '--project-dir', dir);
    expect(run.code, run.err).toBe(0);
  });

  // Recorded the same way, `dbt compile -s dd2`: right and length (dbt's own) and dateadd (dbt-duckdb's); sm wrote `right('0' || ...)`, `length(x)`, `((p.date + ...`.
  it('spaces dateadd, right and length as dbt does', async () => {
    const { text } = await compiled('dd2', "select ({{ dbt.dateadd('day', 1, \"cast('2020-01-01' as date)\") }}) as a, {{ dbt.right(\"'abc'\", 2) }} as r, {{ dbt.length(\"'abc'\") }} as l\n");
    expect(text).toBe("select ( (cast('2020-01-01' as date) + cast(1 as bigint) * interval 1 day)) as a, right( 'abc', 2 ) as r, length( 'abc' ) as l");
  });

  // Recorded the same way, `dbt compile -s dd3` (dbt's own macros; elementary's metrics_anomaly_score reads them); sm wrote `current_timestamp::timestamp)`.
  it('spaces current_timestamp_backcompat and its utc twin as dbt does', async () => {
    const { text } = await compiled('dd3', "select date_trunc('day', {{ dbt.current_timestamp_backcompat() }}) as a, ({{ dbt.current_timestamp_in_utc_backcompat() }}) as b\n");
    expect(text).toBe("select date_trunc('day', current_timestamp::timestamp ) as a, ( current_timestamp::timestamp ) as b");
  });

  // Recorded the same way, `dbt compile -s sp` (dbt's safe_cast and replace, dbt-duckdb's split_part): each has a
  // newline or more either side, so dbt_utils' test_get_column_values, width_bucket and get_url_host compiled to
  // `count_a, cast(`, `numeric(28,6)) ,` and `cast( string_split(` where sm wrote `count_a,cast(`, `)),` and `cast(string_split(`.
  // Recorded the same way, `dbt compile -s ld`: dbt-duckdb's last_day of a quarter carries a SQL comment (dbt_date's
  // get_date_dimension compiled without it in sm), and both are spaced as dbt's default_last_day.
  it('last_day compiles to the text dbt-duckdb writes, its comment included', async () => {
    const { text } = await compiled('ld', "select {{ dbt.last_day(\"cast('2020-02-10' as date)\", 'quarter') }} as q, {{ dbt.last_day(\"cast('2020-02-10' as date)\", 'month') }} as m\n");
    expect(text).toBe(
      "select -- duckdb dateadd does not support quarter interval. cast( ( (date_trunc('quarter', cast('2020-02-10' as date)) + cast(3 as bigint) * interval 1 month) + cast(-1 as bigint) * interval 1 day) as date) as q, " +
        "cast( ( (date_trunc('month', cast('2020-02-10' as date)) + cast(1 as bigint) * interval 1 month) + cast(-1 as bigint) * interval 1 day) as date) as m",
    );
  });

  // Recorded the same way, `dbt compile -s la` (dbt's position, dbt-duckdb's listagg); dbt_utils' get_url_path compiled
  // `nullif(position('/' in` in sm where dbt writes `nullif( position( '/' in`.
  it('spaces position and listagg as dbt and dbt-duckdb do', async () => {
    const { text } = await compiled('la', "select {{ dbt.position(\"'/'\", \"x\") }} as p, {{ dbt.listagg(\"x\", \"','\") }} as a, {{ dbt.listagg(\"x\", \"','\", \"order by x\") }} as b, {{ dbt.listagg(\"x\", \"','\", \"order by x\", 2) }} as c from (select 'q' as x)\n");
    expect(text).toBe("select position( '/' in x ) as p, string_agg( x, ',' ) as a, string_agg( x, ',' order by x ) as b, list_aggr( (array_agg( x order by x ))[1:2], 'string_agg', ',' ) as c from (select 'q' as x)");
  });

  it('spaces safe_cast, replace and split_part as dbt does', async () => {
    const { text } = await compiled('sp', "select {{ dbt.safe_cast(\"1\", \"text\") }},{{ dbt.replace(\"'abc'\", \"'a'\", \"''\") }},{{ dbt.split_part(\"'a,b'\", \"','\", 1) }},{{ safe_cast(\"2\", \"int\") }} as x\n");
    expect(text).toBe("select cast(1 as text) , replace( 'abc', 'a', '' ) , string_split('a,b', ',')[ 1 ] , cast(2 as int) as x");
  });
});
