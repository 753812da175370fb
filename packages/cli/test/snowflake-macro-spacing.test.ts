import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * dbt's cross-database macros on Snowflake compile as dbt-snowflake's do, once runs of whitespace
 * are one space. Recorded with dbt 1.11.16 + dbt-snowflake 1.11.6, `dbt compile --no-populate-cache
 * -s sp` on the model SQL below (no connection is needed for it; whitespace collapsed): the text of
 * DBT. sm wrote `dateadd(day, 1, d)`, `datediff(week, a, b)`, `split_part(s, ',', -1)`,
 * `right(s, 2)`, `array_to_string(array_slice(array_agg(m) within group (order by x), 0, 2), ',')`,
 * `listagg(m, ',')`, `current_timestamp::timestamp)::timestamp`, `from (with p as (select 0 ...`:
 * 7 of dbt-labs/rapid-onboarding-exemplar's compiled models (dbt_artifacts' staging models,
 * dateadd in its sample sources) differed so.
 */
const SQL =
  "select {{ dbt.dateadd('day', '1', 'd') }} as a, {{ dbt.datediff('a', 'b', 'week') }} as b, {{ dbt.split_part('s', \"','\", -1) }} as c, " +
  "{{ dbt.right('s', '2') }} as e, {{ dbt.listagg('m', \"','\", 'order by x', 2) }} as f, {{ dbt.listagg('m') }} as g, " +
  "{{ dbt.current_timestamp_in_utc_backcompat() }} as h, {{ dbt.last_day('d', 'month') }} as i from ({{ dbt.generate_series(3) }})\n";
const DBT =
  "select dateadd( day, 1, d ) as a, datediff( week, a, b ) as b, split_part( s, ',', -1 ) as c, case when 2 = 0 then '' else right( s, 2 ) end as e, " +
  "array_to_string( array_slice( array_agg( m )within group (order by x) ,0 ,2 ), ',' ) as f, listagg( m, ',' ) as g, " +
  "convert_timezone('UTC', current_timestamp::timestamp )::timestamp as h, cast( dateadd( day, -1, dateadd( month, 1, date_trunc('month', d) ) ) as date) as i " +
  'from ( with p as ( select 0 as generated_number union all select 1 ), unioned as ( select p0.generated_number * power(2, 0) + p1.generated_number * power(2, 1) + 1 as generated_number ' +
  'from p as p0 cross join p as p1 ) select * from unioned where generated_number <= 3 order by generated_number )';

const SNOWFLAKE_PROFILE =
  'demo:\n  target: dev\n  outputs:\n    dev: {type: snowflake, account: abc12345, user: u, password: p, role: r, database: analytics, warehouse: w, schema: dbt_dev, threads: 1}\n';

describe('cross-database macros spaced as dbt-snowflake', () => {
  it('dateadd, datediff, split_part, right, listagg, last_day and generate_series compile to the text dbt writes', async () => {
    const dir = writeProject({ 'profiles.yml': SNOWFLAKE_PROFILE, 'models/sp.sql': SQL });
    const r = await sm('compile', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/sp.sql'), 'utf8').replace(/\s+/g, ' ').trim()).toBe(DBT);
  });

  // Recorded with dbt 1.11.16 + dbt-duckdb 1.11.1, `dbt run -s ds` on this model (OK, a view of 4 rows): dbt's
  // date_spine closes `select ( <dateadd> )` on a line of its own; sm wrote `... interval 1 day)) as date_day`.
  it('date_spine on DuckDB spaces its select as dbt does, and still builds', async () => {
    const dir = writeProject({
      'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: 'target/demo.duckdb', schema: main, threads: 1}\n",
      'models/ds.sql': "{{ dbt.date_spine('day', \"cast('2020-01-01' as date)\", \"cast('2020-01-05' as date)\") }}\n",
    });
    const r = await sm('run', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(dir, 'target/compiled/demo/models/ds.sql'), 'utf8').replace(/\s+/g, ' ').trim()).toBe(
      "with rawdata as ( select generate_series as generated_number from generate_series(1, 4) ), all_periods as ( select ( (cast('2020-01-01' as date) + cast(row_number() over (order by 1) - 1 as bigint) * interval 1 day) ) as date_day from rawdata ), " +
        "filtered as ( select * from all_periods where date_day <= cast('2020-01-05' as date) ) select * from filtered",
    );
  });
});
