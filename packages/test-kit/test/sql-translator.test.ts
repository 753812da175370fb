import { describe, expect, it } from 'vitest';
import { translate } from '../src/snowflake-emulator/sql-translator.ts';

const ctx = { database: 'ANALYTICS', schema: 'PUBLIC' };
const duck = (sql: string) => {
  const p = translate(sql, ctx);
  if (p.kind !== 'duck') throw new Error(`expected a DuckDB statement, got ${p.kind}`);
  return p.sql;
};

/** Snowflake SQL our adapter emits → the DuckDB SQL the emulator runs. */
const pairs: [string, string][] = [
  ['select a, "b" from t where x = \'Mixed\'', 'SELECT A, "b" FROM T WHERE X = \'Mixed\''],
  [
    'create or replace transient table "A"."B"."C" cluster by (ts::date, user_id) copy grants as (\nselect 1 as id\n)',
    'CREATE OR REPLACE  TABLE "A"."B"."C"       AS (\nSELECT 1 AS ID\n)',
  ],
  ['create transient table "A"."B"."C" ("ID" number, "X" timestamp_ntz, "N" number(10,2), "F" float)', 'CREATE  TABLE "A"."B"."C" ("ID" DECIMAL(38,0), "X" TIMESTAMP, "N" DECIMAL(10,2), "F" DOUBLE)'],
  ['create or replace view "A"."B"."V" as (\nselect 1\n)', 'CREATE OR REPLACE VIEW "A"."B"."V" AS (\nSELECT 1\n)'],
  ["select 'it\\'s', $$a'b$$ from t where a = :1", "SELECT 'it''s', 'a''b' FROM T WHERE A = $1"],
  ['insert into "A"."B"."C" ("ID") values (?)', 'INSERT INTO "A"."B"."C" ("ID") VALUES (?)'],
  ['delete from "A"."B"."C" where "ID" in (select "ID" from x) -- comment kept', 'DELETE FROM "A"."B"."C" WHERE "ID" IN (SELECT "ID" FROM X) -- comment kept'],
  ['begin transaction', 'BEGIN TRANSACTION'],
  ["select to_char(dateadd(hour, seq4(), x), 'YYYY-MM-DD HH24:MI:SS') from t", "SELECT strftime((X + ((row_number() OVER () - 1)) * INTERVAL 1 HOUR), '%Y-%m-%d %H:%M:%S') FROM T"],
  ['select seq4() as i from table(generator(rowcount => 10))', 'SELECT SM_GENERATOR.SM_SEQ AS I FROM range(10) AS SM_GENERATOR(SM_SEQ)'],
  ['select row_number() over (order by seq4()) - 1 as i from table(generator(rowcount => 5)) g where true', 'SELECT ROW_NUMBER() OVER (ORDER BY G.SM_SEQ) - 1 AS I FROM range(5) AS G(SM_SEQ)    WHERE TRUE'],
  ['drop table if exists "A"."B"."C"', 'DROP TABLE IF EXISTS "A"."B"."C"'],
  // A zero-copy clone, emulated by a copy.
  ['create or replace transient table "A"."B"."C__SM_AUDIT" clone "A"."B"."C"', 'CREATE OR REPLACE TABLE "A"."B"."C__SM_AUDIT" AS SELECT * FROM "A"."B"."C"'],
];

/** Statements the emulator must refuse loudly rather than approximate. */
const rejected: string[] = [
  'grant select on all tables in schema s to role r',
  'copy into t from @stage',
  'put file:///tmp/x @~',
  'create or replace table t clone s at (offset => -60)',
  'create or replace secure view v as select 1',
  'create or replace dynamic table t target_lag = \'1 minute\' as select 1',
  'alter table t cluster by (a)',
  'alter session set timezone = \'UTC\'',
  'select 1; select 2',
  'show tables',
  'call my_proc()',
  'select * from analytics.information_schema.load_history',
  "select to_char(ts, 'Mon DD, YYYY') from t",
  'select dateadd(quarter, 1, ts) from t',
];

describe('emulator SQL translation', () => {
  it.each(pairs)('%s', (input, expected) => {
    expect(duck(input)).toBe(expected);
  });

  it.each(rejected)('rejects %s as unsupported in emulator', (sql) => {
    expect(() => translate(sql, ctx)).toThrow(/unsupported in emulator/);
  });

  it('rewrites information_schema to Snowflake names and types for one database', () => {
    const sql = duck('select t.table_name from "ANALYTICS".information_schema.tables t where t.table_schema = ?');
    expect(sql).toContain("table_catalog = 'ANALYTICS'");
    expect(sql).not.toMatch(/"ANALYTICS"\.INFORMATION_SCHEMA/);
  });

  it('understands swap, rename, use, query tags and system$wait', () => {
    expect(translate('alter table "A"."B"."X" swap with "A"."B"."Y"', ctx)).toEqual({ kind: 'swap', a: { database: 'A', schema: 'B', name: 'X' }, b: { database: 'A', schema: 'B', name: 'Y' } });
    expect(translate('alter table x rename to y', ctx)).toMatchObject({ kind: 'rename', from: { database: 'ANALYTICS', schema: 'PUBLIC', name: 'X' }, to: { name: 'Y' } });
    expect(translate('use warehouse "wh_xl"', ctx)).toEqual({ kind: 'use', what: 'WAREHOUSE', name: 'wh_xl' });
    expect(translate("alter session set query_tag = 'it''s'", ctx)).toEqual({ kind: 'set', name: 'QUERY_TAG', value: "it's" });
    expect(translate('alter session unset query_tag', ctx)).toEqual({ kind: 'set', name: 'QUERY_TAG', value: undefined });
    expect(translate('select system$wait(3)', ctx)).toMatchObject({ kind: 'duck', sql: "SELECT 'waited 3 seconds'", waitSeconds: 3 });
    expect(translate('create or replace table t as (select system$wait(2) as w)', ctx)).toMatchObject({ waitSeconds: 2 });
  });
});
