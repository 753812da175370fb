import { tmpdir } from 'node:os';
import type { LandingTable, LineageRun } from '@smsql/core';
import { describe, expect, it } from 'vitest';
import { createDuckDbAdapter } from './duckdb-adapter.ts';

const table: LandingTable = {
  relation: { schema: 'main', identifier: 't' },
  fields: [
    { field: 'k', column: 'k', type: 'bigint', required: true },
    { field: 'p', column: 'p', type: 'integer', required: false },
    { field: 'pad', column: 'pad', type: 'varchar', required: false },
  ],
  lineage: { topic: '_topic', partition: '_partition', offset: '_offset', file: '_file', loadedAt: '_at' },
  loadedAt: new Date('2024-01-01T00:00:00Z'),
};

describe('DuckDbLander.insertRecords', () => {
  it('pairs every staged line with its lineage when it splits a large batch across parallel readers', async () => {
    const adapter = createDuckDbAdapter();
    const session = await adapter.connect({ type: 'duckdb', name: 'x', schema: 'main', threads: 2, path: ':memory:' }, { projectDir: tmpdir() });
    try {
      const conn = await session.acquire();
      await conn.execute('create table t (k bigint, p integer, pad varchar, _topic varchar, _partition integer, _offset bigint, _file varchar, _at timestamp)');
      const lander = await adapter.landing!.open(conn, adapter.landing!.options({ readers: 3 }));
      // Three partitions with gaps in their offsets; each record carries its own offset as k.
      const runs: LineageRun[] = [];
      const lines: string[] = [];
      let total = 0;
      for (const [p, from, count] of [[0, 10n, 9000], [1, 0n, 1], [0, 9100n, 11000], [2, 5n, 12000]] as const) {
        runs.push({ topic: `top${p}`, partition: p, file: null, offset: from, count });
        for (let i = 0; i < count; i++) lines.push(JSON.stringify({ k: Number(from) + i, p, pad: 'x'.repeat(400) }));
        total += count;
      }
      const bytes = Buffer.from(`${lines.join('\n')}\n`);
      // Chunks cut at line ends, as the caller hands them over.
      const cut = bytes.indexOf(10, bytes.length >> 1) + 1;
      expect(await lander.insertRecords(table, [bytes.subarray(0, cut), bytes.subarray(cut)], runs)).toBe(total);
      const bad = await conn.execute(`select count(*) as n from t where k <> _offset or p <> _partition or _topic <> 'top' || p or _file is not null`);
      expect(Number(bad.rows[0]!.n)).toBe(0);
      expect(Number((await conn.execute('select count(distinct (_partition, _offset)) as n from t')).rows[0]!.n)).toBe(total);
      // Lineage that does not line up with the lines stops the statement and inserts nothing.
      await expect(lander.insertRecords(table, [bytes], [{ ...runs[0]!, count: total - 1 }])).rejects.toThrow(/do not line up/);
      expect(Number((await conn.execute('select count(*) as n from t')).rows[0]!.n)).toBe(total);
      await lander.close();
    } finally {
      await session.close();
    }
  });
});

describe('DuckDbLander.insertStampedRecords', () => {
  it('reads each row its partition and offset from its own line, across parallel readers, and refuses a line without them', async () => {
    const adapter = createDuckDbAdapter();
    const session = await adapter.connect({ type: 'duckdb', name: 'x', schema: 'main', threads: 2, path: ':memory:' }, { projectDir: tmpdir() });
    try {
      const conn = await session.acquire();
      await conn.execute('create table t (k bigint, p integer, pad varchar, _topic varchar, _partition integer, _offset bigint, _file varchar, _at timestamp)');
      const lander = await adapter.landing!.open(conn, adapter.landing!.options({ readers: 3 }));
      const stamp = { topic: 'top', partitionKey: '_sm_p', offsetKey: '_sm_o' };
      // Partitions interleaved, offsets with gaps; each record carries its own partition and offset as p and k.
      const lines: string[] = [];
      for (let i = 0; i < 30_000; i++) {
        const p = i % 3;
        const k = 7 + i * 2;
        lines.push(JSON.stringify({ _sm_p: p, _sm_o: k, k, p, pad: 'x'.repeat(400) }));
      }
      const bytes = Buffer.from(`${lines.join('\n')}\n`);
      // Chunks cut at line ends, as the caller hands them over, one of them empty.
      const cut = bytes.indexOf(10, bytes.length >> 2) + 1;
      expect(await lander.insertStampedRecords(table, [bytes.subarray(0, cut), bytes.subarray(cut, cut), bytes.subarray(cut)], stamp)).toBe(lines.length);
      const bad = await conn.execute(`select count(*) as n from t where k <> _offset or p <> _partition or _topic <> 'top' or _file is not null or _at is null`);
      expect(Number(bad.rows[0]!.n)).toBe(0);
      expect(Number((await conn.execute('select count(distinct (_partition, _offset)) as n from t')).rows[0]!.n)).toBe(lines.length);
      // A line without its offset stops the statement and inserts nothing.
      const unstamped = Buffer.from(`${JSON.stringify({ _sm_p: 0, _sm_o: 1, k: 1 })}\n${JSON.stringify({ _sm_p: 0, k: 2 })}\n`);
      await expect(lander.insertStampedRecords(table, [unstamped], stamp)).rejects.toThrow(/without its partition, offset/);
      expect(Number((await conn.execute('select count(*) as n from t')).rows[0]!.n)).toBe(lines.length);
      await lander.close();
    } finally {
      await session.close();
    }
  });
});
