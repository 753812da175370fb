import { describe, expect, it } from 'vitest';
import { BaseDialect } from '../src/index.ts';
import { compareRows } from '../src/unit/compare-rows.ts';
import { parseCsv, valuesQuery } from '../src/unit/fixture-rows.ts';

describe('unit test helpers', () => {
  it('compares as multisets on the expected columns, canonicalising types', () => {
    const actual = [{ a: 1n, b: new Date('2024-01-01T00:00:00Z'), c: 'x' }, { a: 1n, b: null, c: 'y' }];
    expect(compareRows(actual, [{ a: '1', b: null }, { a: 1, b: '2024-01-01' }], ['a', 'b']).equal).toBe(true);
    const d = compareRows(actual, [{ a: 1, b: null }, { a: 1, b: null }], ['a', 'b']);
    expect(d.equal).toBe(false);
    expect(d.missing).toEqual([['1', 'null']]);
    expect(d.extra).toEqual([['1', '2024-01-01 00:00:00']]);
  });

  it('reads CSV with quotes and empty fields as null, and builds typed values queries', () => {
    expect(parseCsv('a,b\n"x, y",\n"say ""hi""",2\n')).toEqual([{ a: 'x, y', b: null }, { a: 'say "hi"', b: '2' }]);
    const d = new BaseDialect();
    expect(valuesQuery([{ a: "it's" }], [{ name: 'a', type: 'varchar' }, { name: 'b', type: 'int' }], d)).toBe(`select cast('it''s' as varchar) as "a", cast(null as int) as "b"`);
    expect(valuesQuery([], [{ name: 'a', type: 'int' }], d)).toBe('select cast(null as int) as "a" where 1 = 0');
  });
});
