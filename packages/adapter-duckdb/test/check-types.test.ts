import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterSession, Connection } from '@smsql/core';
import { checkSql, formatType, keyFnFor, NO_LINEAGE, typeFromString } from '@smsql/core/check';
import { createDuckDbAdapter } from '../src/index.ts';

/**
 * The checker's types against DuckDB's own: each expression is described by a real DuckDB and
 * inferred by the checker over the same table. The checker may answer "unknown" (it never
 * guesses), but what it answers must be what DuckDB says.
 */
const TABLE: [string, string][] = [
  ['i', 'INTEGER'], ['b', 'BIGINT'], ['s', 'SMALLINT'], ['v', 'VARCHAR'], ['d', 'DATE'], ['ts', 'TIMESTAMP'], ['tz', 'TIMESTAMP WITH TIME ZONE'],
  ['f', 'DOUBLE'], ['r', 'FLOAT'], ['bo', 'BOOLEAN'], ['dec', 'DECIMAL(12,6)'], ['l', 'INTEGER[]'], ['st', 'STRUCT(a INTEGER, b VARCHAR)'], ['u', 'UUID'],
];

const EXPRESSIONS = [
  // Literals and columns.
  '1', '3000000000', '0.0', '1.5', '123.456', '1e3', "'a'", 'true', "date '2020-01-01'", "timestamp '2020-01-01 10:00:00'", "interval '3 hours'", 'interval 1 hour',
  'i', 'dec', 'l', 'st', 'st.a', 'st.b', 'l[1]', 'l[1:2]', 'u',
  // Arithmetic and operators.
  'i + 1', 'b + 1', 'i + b', 'i * 1.5', 'f + 1', 'dec + 1', 'dec + f', 'i / 2', 'i // 2', 'b / i', 'dec / 2', 'i % 3', '-i', 'i * b', 'r + f',
  'v || i', "v || 'x'", 'i = b', 'v like \'a%\'', 'i between 1 and 2', 'i in (1, 2)', 'v is null', 'not bo', 'bo and i > 1',
  'ts - interval 1 hour', 'd + 1', 'd - d', 'ts - ts', 'd + interval 1 day', 'ts + interval \'2 days\'',
  // Casts.
  'cast(i as varchar)', 'i::bigint', "'1'::int", 'cast(v as decimal(10, 2))', 'try_cast(v as integer)', 'cast(ts as date)', 'v::varchar[]',
  // Conditionals.
  'coalesce(i, 0)', 'coalesce(dec, 0)', 'coalesce(f, 0.0)', "coalesce(v, 'NA')", 'greatest(i, b)', 'nullif(i, 0)', "case when bo then 'a' else 'b' end",
  'case when bo then i else b end', 'case i when 1 then v else null end', 'if(bo, i, 0)', 'ifnull(v, \'x\')',
  // Text.
  'lower(v)', 'length(v)', 'len(v)', "split_part(v, ',', 1)", "string_split(v, ',')", "regexp_matches(v, 'a')", "contains(v, 'a')", "strpos(v, 'a')",
  'md5(v)', "replace(v, 'a', 'b')", 'trim(v)', 'upper(v)', "concat(v, 'x')", 'left(v, 2)', "regexp_replace(v, 'a', 'b')", 'chr(65)', 'hash(v)',
  // Numbers.
  'round(f, 6)', 'round(dec, 2)', 'round(i, 1)', 'abs(dec)', 'ceil(dec)', 'floor(f)', 'sign(i)', 'sqrt(f)', 'ln(f)', 'power(f, 2)',
  // Dates.
  "date_trunc('hour', ts)", "date_trunc('day', d)", 'extract(hour from ts)', 'extract(year from d)', 'isodow(ts)', 'weekofyear(ts)',
  "strftime(ts, '%Y')", 'make_timestamp(b)', "datediff('millisecond', ts, ts)", 'epoch_ms(b)', 'epoch_ms(ts)', 'year(d)', 'dayname(ts)', 'last_day(d)',
  'make_date(2020, 1, 1)', "strptime(v, '%Y')", 'current_date', 'now()',
  // Lists and structs.
  'unnest(l)', '[1, 2]', "{'a': 1, 'b': 'x'}", 'struct_pack(a := 1)', 'list_value(1, 2.5)', 'generate_series(1, 3)', 'len(l)', 'list_contains(l, 1)',
  'list_transform(l, x -> x + 1)', 'list_filter(l, x -> x > 1)', 'list_sort(l)', 'flatten([l])',
  // Windows.
  'row_number() over ()', 'lag(v) over ()', 'ntile(2) over ()', 'percent_rank() over ()', 'rank() over (partition by v order by i)', 'sum(i) over (order by ts)',
];

const AGGREGATES = [
  'sum(i)', 'sum(b)', 'sum(dec)', 'sum(f)', 'avg(i)', 'avg(dec)', 'count(*)', 'count(i)', 'min(v)', 'max(d)', 'median(i)', 'median(f)', 'median(ts)',
  'quantile_cont(i, 0.5)', 'mode(v)', "string_agg(v, ',')", 'list(i)', 'array_agg(v)', 'bool_and(bo)', 'any_value(ts)', 'stddev(f)', 'count(distinct v)', 'arg_max(v, i)',
];

let session: AdapterSession;
let conn: Connection;

beforeAll(async () => {
  const adapter = await createDuckDbAdapter();
  session = await adapter.connect({ type: 'duckdb', name: 'types', schema: 'main', threads: 1, path: ':memory:' }, { projectDir: process.cwd() });
  conn = await session.acquire();
  await conn.execute(`create table t (${TABLE.map(([n, t]) => `${n} ${t}`).join(', ')})`);
});

afterAll(async () => {
  session.release(conn);
  await session.close();
});

const key = keyFnFor('duckdb');
const shape = { cols: TABLE.map(([name, t]) => ({ name, key: key(name, false), type: typeFromString(t, 'duckdb'), lineage: NO_LINEAGE })), open: false };

async function compare(exprs: string[]): Promise<{ known: number; mismatches: string[] }> {
  const mismatches: string[] = [];
  let known = 0;
  for (const e of exprs) {
    const sql = `select ${e} as x from t`;
    const res = await conn.execute(`describe ${sql}`);
    const actual = String(res.rows[0]!.column_type);
    const r = checkSql(sql, 'duckdb', key, () => ({ shape, label: 't' }));
    expect(r.issues, e).toEqual([]);
    const t = r.shape?.cols[0]?.type;
    if (!t || t.k === 'unknown') continue;
    known++;
    const inferred = formatType(t, 'duckdb');
    if (inferred !== actual) mismatches.push(`${e}: DuckDB ${actual}, checker ${inferred}`);
  }
  return { known, mismatches };
}

describe('inferred types agree with DuckDB', () => {
  it('for scalar expressions', async () => {
    const { known, mismatches } = await compare(EXPRESSIONS);
    expect(mismatches).toEqual([]);
    // Unknown is allowed, but this list is what projects write: nearly all of it must be known.
    expect(known).toBeGreaterThan(EXPRESSIONS.length * 0.9);
  });

  it('for aggregates', async () => {
    const { known, mismatches } = await compare(AGGREGATES);
    expect(mismatches).toEqual([]);
    expect(known).toBe(AGGREGATES.length);
  });
});
