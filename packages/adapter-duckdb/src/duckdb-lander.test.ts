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

describe('DuckDbLander stages', () => {
  it('inserts staged lines with the partition and offset each carries, across files and parallel readers, skips those below `from`, and refuses a line without them', async () => {
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
      // Appended as the caller does, in pieces cut at line ends (one of them empty), without waiting for one before the next,
      // from a buffer overwritten as soon as its piece is written: more than one file (a new one every 4 MiB).
      const stage = lander.createStage();
      const writes: Promise<void>[] = [];
      for (let at = 0; at < bytes.length; ) {
        const end = at ? bytes.indexOf(10, Math.min(bytes.length - 1, at + 700_000)) + 1 : bytes.indexOf(10, 100_000) + 1;
        const piece = Buffer.from(bytes.subarray(at, end));
        writes.push(stage.append(piece).then(() => void piece.fill(0x20)));
        if (writes.length % 3 === 0) writes.push(stage.append(piece.subarray(0, 0)));
        at = end;
      }
      expect(stage.size).toBe(bytes.length);
      expect(await lander.insertStaged(table, [stage], stamp)).toBe(lines.length);
      await Promise.all(writes);
      expect((await stage.read()).equals(bytes)).toBe(true);
      const bad = await conn.execute(`select count(*) as n from t where k <> _offset or p <> _partition or _topic <> 'top' or _file is not null or _at is null`);
      expect(Number(bad.rows[0]!.n)).toBe(0);
      expect(Number((await conn.execute('select count(distinct (_partition, _offset)) as n from t')).rows[0]!.n)).toBe(lines.length);
      await conn.execute('delete from t');
      // `from`: partition 0 from offset 1007 on, partition 1 whole, partition 2 (not given) whole.
      const from = new Map([
        [0, 1007n],
        [1, 0n],
      ]);
      const kept = lines.filter((l) => {
        const r = JSON.parse(l) as { _sm_p: number; _sm_o: number };
        return r._sm_p !== 0 || r._sm_o >= 1007;
      }).length;
      expect(kept).toBeLessThan(lines.length);
      expect(await lander.insertStaged(table, [stage], stamp, from)).toBe(kept);
      expect(Number((await conn.execute('select count(*) as n from t where _partition = 0 and _offset < 1007')).rows[0]!.n)).toBe(0);
      await stage.discard();
      await expect(stage.append(Buffer.from('{}\n'))).rejects.toThrow(/discarded/);
      await expect(lander.insertStaged(table, [stage], stamp)).rejects.toThrow(/discarded/);
      // A line without its offset stops the statement and inserts nothing.
      const unstamped = lander.createStage();
      await unstamped.append(Buffer.from(`${JSON.stringify({ _sm_p: 0, _sm_o: 1, k: 1 })}\n${JSON.stringify({ _sm_p: 0, k: 2 })}\n`));
      const before = Number((await conn.execute('select count(*) as n from t')).rows[0]!.n);
      await expect(lander.insertStaged(table, [unstamped], stamp)).rejects.toThrow(/without its partition, offset/);
      expect(Number((await conn.execute('select count(*) as n from t')).rows[0]!.n)).toBe(before);
      // Closing discards what is left.
      await lander.close();
      await expect(unstamped.append(Buffer.from('{}\n'))).rejects.toThrow(/discarded/);
    } finally {
      await session.close();
    }
  });
});
