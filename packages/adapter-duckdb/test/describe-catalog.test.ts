import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RelationInfo } from '@smsql/core';
import { createDuckDbAdapter } from '../src/index.ts';

/**
 * The connection's describe reads duckdb_tables/duckdb_views/duckdb_columns: what it returns
 * must be what information_schema (the SQL standard's views over the same catalog) says, for
 * every schema of every attached database, with and without the database named.
 */
describe('DuckDB describe', () => {
  it('returns what information_schema lists: kinds, columns in order, types, per database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-duck-describe-'));
    const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 1, path: 'd.duckdb' }, { projectDir: dir });
    const c = await session.acquire();
    for (const s of [
      'create schema "My Schema"',
      'create table "My Schema"."T x" (a decimal(18,3), b struct(x int, y varchar[]), "C" timestamp with time zone, d map(varchar, int))',
      'create view "My Schema".v as select d, a from "My Schema"."T x"',
      'create table main.m (q int, "Mixed" varchar)',
      'create temp table tt (z int)',
      `attach '${join(dir, 'other.duckdb')}' as other`,
      'create schema other.s',
      'create table other.s.o (w int)',
      'create table other.main.m (different bigint)',
    ]) await c.execute(s);
    const viaInformationSchema = async (schema: string, database?: string): Promise<RelationInfo[]> => {
      const rows = (
        await c.execute(
          `select t.table_name, t.table_type, c.column_name, c.data_type from information_schema.tables t
           left join information_schema.columns c on c.table_catalog = t.table_catalog and c.table_schema = t.table_schema and c.table_name = t.table_name
           where lower(t.table_schema) = lower($1) and t.table_catalog = ${database ? '$2' : 'current_database()'} order by t.table_name, c.ordinal_position`,
          database ? [schema, database] : [schema],
        )
      ).rows;
      const out = new Map<string, RelationInfo>();
      for (const r of rows) {
        const name = String(r.table_name);
        if (!out.has(name)) out.set(name, { schema, identifier: name, kind: r.table_type === 'VIEW' ? 'view' : 'table', columns: [] });
        if (r.column_name != null) (out.get(name)!.columns as { name: string; type: string }[]).push({ name: String(r.column_name), type: String(r.data_type) });
      }
      return [...out.values()];
    };
    const cases: [string, string | undefined][] = [['main', undefined], ['MAIN', undefined], ['My Schema', undefined], ['my schema', 'd'], ['main', 'other'], ['s', 'other'], ['s', undefined], ['main', 'temp'], ['nope', undefined]];
    for (const [schema, database] of cases) {
      const all = await viaInformationSchema(schema, database);
      expect(await c.describe(schema, database), `${database ?? '(current)'}.${schema}`).toEqual(all);
      // With an identifier (any case): that relation only.
      for (const name of ['T X', 'v', 'm', 'M', 'o', 'tt', 'nope']) {
        expect(await c.describe(schema, database, name), `${database ?? '(current)'}.${schema}.${name}`).toEqual(all.filter((r) => r.identifier.toLowerCase() === name.toLowerCase()));
      }
    }
    // Spot checks, so the comparison is not between two empty lists.
    expect((await c.describe('My Schema')).map((r) => [r.identifier, r.kind, r.columns.map((x) => `${x.name} ${x.type}`)])).toEqual([
      ['T x', 'table', ['a DECIMAL(18,3)', 'b STRUCT(x INTEGER, y VARCHAR[])', 'C TIMESTAMP WITH TIME ZONE', 'd MAP(VARCHAR, INTEGER)']],
      ['v', 'view', ['d MAP(VARCHAR, INTEGER)', 'a DECIMAL(18,3)']],
    ]);
    expect((await c.describe('main', 'other')).map((r) => r.identifier)).toEqual(['m']);
    expect((await c.describe('main', 'temp')).map((r) => [r.identifier, r.kind])).toEqual([['tt', 'table']]);
    expect((await c.describe('my schema', undefined, 't x')).map((r) => [r.identifier, r.columns.length])).toEqual([['T x', 4]]);
    session.release(c);
    await session.close();
  });
});
