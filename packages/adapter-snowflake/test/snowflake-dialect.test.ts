import { describe, expect, it } from 'vitest';
import { contractTable, type ModelNode } from '@smsql/core';
import { SnowflakeDialect } from '../src/snowflake-dialect.ts';

const d = new SnowflakeDialect();
const rel = { database: 'analytics', schema: 'marts', identifier: 'wide_streams' };
const sql = 'select 1 as id';

/** Golden SQL: what the dialect emits for each statement kind. Adding a case is one line. */
const golden: [string, string, string][] = [
  // dbt-snowflake 1.11.6 (default quote policy: nothing quoted) prints the parts as written: ANALYTICS.PUBLIC.a, read by Snowflake as ANALYTICS.PUBLIC.A.
  ['relation name: three parts as written, unquoted', d.relationName(rel), 'analytics.marts.wide_streams'],
  ['relation name without database', d.relationName({ schema: 'raw', identifier: 'listen_events' }), 'raw.listen_events'],
  // dbt-snowflake prints ANALYTICS.PUBLIC.my-model, which Snowflake refuses; sm quotes it upper-cased (the same object) so that it runs.
  ['relation name: a part that is no plain identifier is quoted upper-cased', d.relationName({ schema: 'raw', identifier: 'my-model' }), 'raw."MY-MODEL"'],
  ['quoted identifier escapes quotes', d.quoteIdentifier('a"b'), '"A""B"'],
  ['quoted as written keeps the case', d.quoteAsWritten('MiX'), '"MiX"'],
  ['relation name: parts dbt quotes keep their case', d.relationName({ ...rel, quoted: { database: true, identifier: true } }), '"analytics".marts."wide_streams"'],
  ['string literal escapes quote and backslash', d.quoteString("it's a \\ path"), "'it''s a \\\\ path'"],
  ['create schema', d.createSchema('analytics', 'marts'), 'create schema if not exists analytics.marts'],
  ['table: transient by default', d.createOrReplaceTableAs(rel, sql), 'create or replace transient table analytics.marts.wide_streams as (\nselect 1 as id\n)'],
  ['table: transient false', d.createOrReplaceTableAs(rel, sql, { adapterConfig: { transient: false } }), 'create or replace table analytics.marts.wide_streams as (\nselect 1 as id\n)'],
  [
    'table: cluster by and copy grants',
    d.createOrReplaceTableAs(rel, sql, { adapterConfig: { cluster_by: ['ts::date', 'user_id'], copy_grants: true } }),
    'create or replace transient table analytics.marts.wide_streams cluster by (ts::date, user_id) copy grants as (\nselect 1 as id\n)',
  ],
  ['table: cluster by one expression', d.createOrReplaceTableAs(rel, sql, { adapterConfig: { cluster_by: 'ts' } }), 'create or replace transient table analytics.marts.wide_streams cluster by (ts) as (\nselect 1 as id\n)'],
  ['create table as (staging)', d.createTableAs(rel, sql), 'create transient table analytics.marts.wide_streams as (\nselect 1 as id\n)'],
  ['temporary table', d.createTableAs(rel, sql, { temporary: true }), 'create temporary table analytics.marts.wide_streams as (\nselect 1 as id\n)'],
  ['view', d.createView(rel, sql), 'create or replace view analytics.marts.wide_streams as (\nselect 1 as id\n)'],
  [
    'seed table with columns',
    d.createTable(rel, [{ name: 'song_id', type: 'varchar' }, { name: 'duration', type: 'double' }]),
    'create transient table analytics.marts.wide_streams ("SONG_ID" varchar, "DURATION" double)',
  ],
  ['drop table', d.dropRelation(rel, 'table'), 'drop table if exists analytics.marts.wide_streams'],
  ['drop view', d.dropRelation(rel, 'view'), 'drop view if exists analytics.marts.wide_streams'],
  ['rename keeps the schema (qualified new name)', d.renameRelation(rel, 'table', 'wide_streams__old'), 'alter table analytics.marts.wide_streams rename to analytics.marts.wide_streams__old'],
  ['swap', d.swapRelations(rel, { ...rel, identifier: 'wide_streams__sm_tmp' }), 'alter table analytics.marts.wide_streams swap with analytics.marts.wide_streams__sm_tmp'],
  ['insert', d.insertInto(rel, ['id', 'ts'], sql), 'insert into analytics.marts.wide_streams ("ID", "TS")\nselect "ID", "TS" from (\nselect 1 as id\n) as sm_src'],
  ['delete', d.deleteWhere(rel, '"ID" in (select "ID" from x)'), 'delete from analytics.marts.wide_streams where "ID" in (select "ID" from x)'],
  [
    'merge on a composite key',
    d.merge(rel, sql, ['session_id', 'ts'], ['session_id', 'ts', 'song']),
    [
      'merge into analytics.marts.wide_streams as sm_dest',
      'using (\nselect 1 as id\n) as sm_src',
      'on sm_dest."SESSION_ID" = sm_src."SESSION_ID" and sm_dest."TS" = sm_src."TS"',
      'when matched then update set "SONG" = sm_src."SONG"',
      'when not matched then insert ("SESSION_ID", "TS", "SONG") values (sm_src."SESSION_ID", sm_src."TS", sm_src."SONG")',
    ].join('\n'),
  ],
  ['add column', d.addColumn(rel, { name: 'level', type: 'varchar' }), 'alter table analytics.marts.wide_streams add column "LEVEL" varchar'],
  ['drop column', d.dropColumn(rel, 'level'), 'alter table analytics.marts.wide_streams drop column "LEVEL"'],
  ['query tag', d.setQueryTag("sm:model 'a'"), "alter session set query_tag = 'sm:model ''a'''"],
  ['query tag cleared', d.setQueryTag(undefined), 'alter session unset query_tag'],
  ['warehouse', d.useWarehouse('transforming_xl'), 'use warehouse "TRANSFORMING_XL"'],
  ['begin', d.beginTransaction(), 'begin transaction'],
];

describe('SnowflakeDialect golden SQL', () => {
  it.each(golden)('%s', (_name, actual, expected) => {
    expect(actual).toBe(expected);
  });

  it("reads Snowflake's parser error, which explains a seed whose quote_columns: false left a reserved word unquoted", () => {
    expect(d.isParseError("SQL compilation error:\nsyntax error line 1 at position 52 unexpected 'default'.")).toBe(true);
    expect(d.isParseError("SQL compilation error:\nObject 'RAW.EVENTS' does not exist or not authorized.")).toBe(false);
  });

  // dbt-snowflake 1.11.6's snowflake__create_table_as with an enforced contract: one `create or replace transient table <rel> (<columns and
  // constraints>) as (select <columns> from (<sql>) as model_subq)`; its CONSTRAINT_SUPPORT enforces only not_null, leaves check out
  // (ConstraintNotSupported) and writes unique, primary and foreign keys unenforced (ConstraintNotEnforced).
  it("creates a contracted table in one statement, with dbt-snowflake's constraint support", () => {
    const m = {
      resourceType: 'model',
      name: 'dim',
      config: { materialized: 'table', contract: { enforced: true } },
      columns: {
        id: { name: 'id', dataType: 'number', constraints: [{ type: 'not_null' }, { type: 'primary_key' }, { type: 'check', expression: 'id > 0' }] },
        name: { name: 'name', dataType: 'varchar', constraints: [{ type: 'unique', warn_unenforced: false }] },
      },
      constraints: [{ type: 'check', expression: 'id < 9', warn_unsupported: false }],
    } as unknown as ModelNode;
    const t = contractTable(m, d)!;
    expect(t.definitions).toEqual(['id number not null primary key', 'name varchar unique']);
    expect(t.warnings.map((w) => w.event)).toEqual(['ConstraintNotEnforced', 'ConstraintNotSupported']);
    expect(t.warnings[1]!.message).toBe("The constraint type check is not supported by snowflake, and will be ignored. Set 'warn_unsupported: false' on this constraint to ignore this warning.");
    expect(d.createContractTable(rel, t.definitions, t.names, sql, { replace: true, adapterConfig: { cluster_by: 'id' } })).toEqual([
      'create or replace transient table analytics.marts.wide_streams (\n    id number not null primary key,\n    name varchar unique\n) cluster by (id) as (\n    select id, name\n    from (\nselect 1 as id\n    ) as model_subq\n)',
    ]);
  });

  it('declares upper-case folding', () => {
    expect(d.identifierCase).toBe('upper');
    expect(d.normalizeIdentifier('fct_Streams')).toBe('FCT_STREAMS');
  });
});
