import { describe, expect, it } from 'vitest';
import { compareRows } from '../src/unit/compare-rows.ts';
import { parseCsv } from '../src/unit/fixture-rows.ts';
import { expectedSql, fixtureSql, type CastCells } from '../src/unit/fixture-sql.ts';

// dbt's default safe_cast, spaced as dbt-duckdb renders it; strings quoted as string_literal would.
const cast: CastCells = async (cells) =>
  cells.map((c) => `\n    \n    cast(${typeof c.value === 'string' ? `'${c.value.replace(/'/g, "''")}'` : c.value === null ? 'null' : String(c.value)} as ${c.type})\n`);
const COLS = [
  { name: 'a', quoted: '"a"', dataType: 'character varying(256)' },
  { name: 'b', quoted: '"b"', dataType: 'INTEGER' },
];

describe('unit test helpers', () => {
  it('compares as multisets on the expected columns, canonicalising types', () => {
    const actual = [{ a: 1n, b: new Date('2024-01-01T00:00:00Z'), c: 'x' }, { a: 1n, b: null, c: 'y' }];
    expect(compareRows(actual, [{ a: '1', b: null }, { a: 1, b: '2024-01-01' }], ['a', 'b']).equal).toBe(true);
    const d = compareRows(actual, [{ a: 1, b: null }, { a: 1, b: null }], ['a', 'b']);
    expect(d.equal).toBe(false);
    expect(d.missing).toEqual([['1', 'null']]);
    expect(d.extra).toEqual([['1', '2024-01-01 00:00:00']]);
  });

  it('reads CSV with quotes and empty fields as null', () => {
    expect(parseCsv('a,b\n"x, y",\n"say ""hi""",2\n')).toEqual([{ a: 'x, y', b: null }, { a: 'say "hi"', b: '2' }]);
  });

  it("writes fixtures and expected rows in dbt's shape: a string's type without its length, an omitted column a trimmed null cast", async () => {
    expect(await fixtureSql('raw', [{ A: "it's" }], COLS, cast)).toBe(`\n-- Fixture for raw\nselect \n    \n    cast('it''s' as character varying)\n as "a", cast(null as INTEGER) as "b"`);
    expect(await fixtureSql('raw', [], COLS, cast)).toBe('\n-- Fixture for raw\nselect cast(null as character varying(256)) as "a", cast(null as INTEGER) as "b"\n    limit 0');
    expect(await expectedSql([{ a: null, b: 1 }], COLS, cast)).toBe('select \n    \n    cast(null as character varying(256))\n as "a", \n    \n    cast(1 as INTEGER)\n as "b"');
    expect(await expectedSql([], COLS, cast)).toBe('select * from dbt_internal_unit_test_actual\n    limit 0');
  });
});
