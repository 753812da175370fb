import { describe, expect, it } from 'vitest';
import { insertFilesSql, literalPath, splitBySize } from './duckdb-landing-sql.ts';

describe('DuckDB landing SQL', () => {
  it('splits a batch into parts of about equal size, in order', () => {
    expect(splitBySize([10], 2)).toEqual([[0, 1]]);
    expect(splitBySize([10, 10, 10, 10], 2)).toEqual([[0, 2], [2, 4]]);
    expect(splitBySize([100, 1, 1], 2)).toEqual([[0, 1], [1, 3]]);
    expect(splitBySize([1, 1, 100], 2)).toEqual([[0, 3]]);
    expect(splitBySize([5, 5, 5], 4)).toEqual([[0, 1], [1, 2], [2, 3]]);
  });

  it('never hands DuckDB a path it would read as a pattern', () => {
    for (const p of ['/l/a[1].json', '/l/x*.json', '/l/q?.json', '/l/{a,b}.json', '/l/a\\b.json']) expect(() => literalPath(p), p).toThrow(/glob pattern/);
    expect(literalPath("/tmp/sm-landing-1-x/0.json")).toBe("'/tmp/sm-landing-1-x/0.json'");
  });

  it('writes file names as quoted literals and identifiers through the dialect', () => {
    const sql = insertFilesSql(
      {
        relation: { schema: 'raw "x"', identifier: 'auth_events' },
        fields: [{ field: 'ts', column: 'ts', type: 'bigint', required: true }],
        lineage: { topic: '_topic', partition: '_partition', offset: '_offset', file: '_file', loadedAt: '_ingested_at' },
        loadedAt: new Date('2024-01-02T03:04:05.678Z'),
      },
      'auth_events',
      [{ link: '/tmp/l/0.json', name: "it's 🎵/a[1].json", lines: 2 }],
      2,
      [2],
    );
    expect(sql).toContain('insert into "raw ""x"""."auth_events" ("ts", "_topic", "_partition", "_offset", "_file", "_ingested_at")');
    expect(sql).toContain("(0, 'it''s 🎵/a[1].json', 2)");
    expect(sql).toContain("read_json(['/tmp/l/0.json']");
    expect(sql).toContain("'2024-01-02 03:04:05.678'::timestamp");
  });
});
