import { describe, expect, it } from 'vitest';
import { isSqlSyntaxError, lineColumn, type SqlDialectName } from '../../src/check/sql/lexer.ts';
import { parseSql } from '../../src/check/sql/parse-sql.ts';

/** What dbt projects write, one query a line; each must parse in the dialects listed. */
const BOTH: string[] = [
  'select 1',
  'select a, b as c, d e from t',
  'select t.* from s.t as t',
  'select * from "db"."schema"."table"',
  'with a as (select 1 as x), b (y) as (select x from a) select * from b',
  'with recursive r as (select 1 as n union all select n + 1 from r where n < 3) select n from r',
  'select * from a join b on a.id = b.id left join c using (id) full outer join d on true cross join e',
  'select * from a natural join b',
  'select * from a, lateral (select * from b where b.x = a.x) l',
  'select * from (select 1 as x) sub where x in (select 2) and exists (select 1)',
  'select x from a union select x from b union all select x from c except select x from d intersect select x from e',
  'select row_number() over (partition by a order by b desc nulls last rows between unbounded preceding and current row) from t',
  'select sum(x) over w from t window w as (partition by y)',
  'select a from t qualify row_number() over (partition by a order by b) = 1',
  "select case when a > 1 then 'x' when a is null then null else 'y' end, case a when 1 then 2 end from t",
  'select cast(a as decimal(12, 6)), a::varchar, try_cast(a as int), cast(a as double precision) from t',
  'select * exclude (a, b) from t',
  'select * rename (a as b) from t',
  "select * replace (upper(a) as a) from t",
  "select count(*), count(distinct a), sum(a) filter (where b), listagg(a, ',') within group (order by a) from t",
  "select date '2020-01-01', timestamp '2020-01-01 00:00:00', interval '3 hours', extract(hour from ts) from t",
  'select a from t group by all',
  'select a, b, sum(c) from t group by rollup (a, b)',
  'select a from t group by grouping sets ((a), ())',
  "select a from t where a like 'x%' and b not ilike 'y' and c between 1 and 2 and d not in (1, 2) and e is not distinct from f",
  'select a from t order by 1 desc limit 10 offset 5',
  'select * from (values (1, \'a\'), (2, \'b\')) as v (id, name)',
  "select coalesce(a, b, 'x'), nullif(a, ''), greatest(1, 2) from t",
  'select a from t where b = any (select c from u)',
  "select * from t pivot (sum(amount) for month in ('jan', 'feb')) as p",
  'select * from t unpivot (value for name in (a, b, c)) u',
  'select t.a.b from t',
  '-- a comment\nselect /* inline */ 1 -- trailing',
  'select 1;',
  'select a from t where a = ?',
  "select 'it''s', \"quoted \"\"name\"\"\" from t",
  'select * from t tablesample bernoulli (10)',
];

const DUCKDB: string[] = [
  'from t',
  'from t select a where a > 1',
  "select * exclude (a) replace (b + 1 as b) from t",
  "select columns('^a'), min(columns(*)) from t",
  "select [1, 2, 3], {'a': 1}, l[1], l[1:2], s.field from t",
  'select list_transform(l, x -> x + 1), list_filter(l, (x, i) -> x > i), list_reduce(l, lambda a, b: a + b) from t',
  "select struct_pack(a := 1), map {'k': 1} from t",
  'select unnest(generate_series(1, 3)) as n',
  'select * from read_parquet(\'f/*.parquet\', hive_partitioning = true)',
  'select * from range(10) t(i)',
  'select * from a positional join b',
  'select * from a asof join b on a.t >= b.t',
  'select * from a semi join b on a.id = b.id',
  'select * from a anti join b on a.id = b.id',
  'select a // 2, a ** 2, a ^ 2 from t',
  "select j -> 'k', j ->> 'k' from t",
  'select distinct on (a) a, b from t',
  'select a from t order by all',
  'select x::int[] from t',
  "select e'a\\nb'",
  'select a from t union by name select a from u',
  'select 1_000_000',
];

const SNOWFLAKE: string[] = [
  'select top 10 a from t',
  'select v:field.sub[0]::string, v:"Quoted" from t',
  "select dateadd(hour, 1, ts), datediff('day', a, b), iff(a, 1, 2) from t",
  'select seq4() from table(generator(rowcount => 10)) g',
  'select f.value from t, lateral flatten(input => t.arr) f',
  "select 'it\\'s'",
  'select $1 from t',
  "select a from t where b like any ('a%', 'b%')",
  'select a from t minus select a from u',
  'select * ilike \'%id\' from t',
  '// a comment\nselect 1',
  'select * from t at (offset => -60)',
  'select $$literal$$',
];

function ok(sql: string, dialect: SqlDialectName): void {
  try {
    parseSql(sql, dialect);
  } catch (e) {
    throw new Error(`${dialect}: ${sql}\n  ${(e as Error).message}`);
  }
}

describe('the SQL parser', () => {
  it('reads what both dialects share', () => {
    for (const sql of BOTH) {
      ok(sql, 'duckdb');
      ok(sql, 'snowflake');
    }
  });

  it('reads DuckDB syntax', () => {
    for (const sql of DUCKDB) ok(sql, 'duckdb');
  });

  it('reads Snowflake syntax', () => {
    for (const sql of SNOWFLAKE) ok(sql, 'snowflake');
  });

  it('puts errors at a line and column', () => {
    const cases: [string, number, number, RegExp][] = [
      ['select a,\n  b\nfrom t where', 3, 13, /Expected an expression/],
      ['select (a + 1\nfrom t', 2, 1, /Expected "\)"/],
      ["select 'unterminated", 1, 8, /Unterminated string/],
      ['select a from t t2 t3', 1, 20, /after the query/],
      ['select case when a then b from t', 1, 27, /Expected END/],
      ['update t set a = 1', 1, 1, /Expected a query/],
    ];
    for (const [sql, line, column, message] of cases) {
      let err: unknown;
      try {
        parseSql(sql, 'duckdb');
      } catch (e) {
        err = e;
      }
      expect(isSqlSyntaxError(err), sql).toBe(true);
      const e = err as { offset: number; message: string };
      expect(e.message, sql).toMatch(message);
      expect(lineColumn(sql, e.offset), sql).toEqual({ line, column });
    }
  });

  it('keeps the offset of every column reference', () => {
    const q = parseSql('select\n  a.b\nfrom a', 'duckdb');
    const item = q.body.t === 'select' ? q.body.items[0]! : undefined;
    expect(item?.expr.t).toBe('col');
    expect(lineColumn('select\n  a.b\nfrom a', item!.expr.pos)).toEqual({ line: 2, column: 3 });
  });
});
