import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Connection } from '@sm/core';
import { ensureKafkaTables, OFFSETS_TABLE } from '../../src/kafka/kafka-tables.ts';
import { openJsonStage } from '../../src/kafka/json-stage.ts';
import { landKafkaBatch } from '../../src/kafka/land-kafka-batch.ts';
import type { KafkaRecordIn } from '../../src/kafka/land-kafka-batch.ts';
import { serializeEvent } from '../../src/serialize-event.ts';
import { openDuckDbTarget } from './duckdb-target.ts';
import { sampleEvents } from './events.ts';

const events = sampleEvents({ users: 60, hours: 24, seed: 3 }).events.filter((e) => e.topic === 'page_view_events').slice(0, 300);
const records: KafkaRecordIn[] = events.map((e, i) => ({
  topic: 'page_view_events',
  table: 'page_view_events',
  partition: i % 2,
  offset: BigInt(Math.floor(i / 2)),
  value: Buffer.from(serializeEvent(e.event)),
}));

/** The same connection without `append`, as a warehouse without an appender (Snowflake) is driven. */
function withoutAppend(c: Connection): Connection {
  return { execute: (sql, binds) => c.execute(sql, binds), describe: (s, d) => c.describe(s, d), close: () => c.close() };
}

describe('landKafkaBatch (DuckDB, no broker)', () => {
  it('lands a batch once: a replay of the same offsets lands nothing', async () => {
    const t = await openDuckDbTarget();
    try {
      const tables = await ensureKafkaTables(t.conn, 'raw', ['page_view_events']);
      const first = await landKafkaBatch(t.conn, { schema: 'raw', groupId: 'g', tables, records });
      expect(first).toMatchObject({ rows: 300, deadLetters: 0, replayed: 0 });
      expect(Object.fromEntries(first.nextOffsets)).toEqual({ 'page_view_events:0': 150n, 'page_view_events:1': 150n });
      const again = await landKafkaBatch(t.conn, { schema: 'raw', groupId: 'g', tables, records: [...records.slice(250), ...records.slice(0, 10)] });
      expect(again).toMatchObject({ rows: 0, replayed: 60 });
      expect(await t.count('select count(*) from raw.page_view_events')).toBe(300);
    } finally {
      await t.close();
    }
  });

  it('writes the same rows through multi-row INSERT when the connection has no appender', async () => {
    const a = await openDuckDbTarget();
    const b = await openDuckDbTarget();
    try {
      const ta = await ensureKafkaTables(a.conn, 'raw', ['page_view_events']);
      const tb = await ensureKafkaTables(b.conn, 'raw', ['page_view_events']);
      await landKafkaBatch(a.conn, { schema: 'raw', groupId: 'g', tables: ta, records });
      await landKafkaBatch(withoutAppend(b.conn), { schema: 'raw', groupId: 'g', tables: tb, records });
      const q = 'select * exclude (_ingested_at) from raw.page_view_events order by _partition, _offset';
      const [ra, rb] = [await a.rows(q), await b.rows(q)];
      expect(rb).toHaveLength(300);
      expect(rb).toEqual(ra);
      // Guests have no user fields: absent in JSON, null in the raw row, on both paths.
      expect(rb.some((r) => r.user_id === null)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps nothing of a batch whose partitions another member moved meanwhile', async () => {
    const t = await openDuckDbTarget();
    const other = await t.session.acquire();
    try {
      const tables = await ensureKafkaTables(t.conn, 'raw', ['page_view_events']);
      await landKafkaBatch(t.conn, { schema: 'raw', groupId: 'g', tables, records: records.slice(0, 100) });
      // Another member lands up to offset 80 on partition 0 between our read and our offsets update.
      const racing: Connection = {
        ...withoutAppend(t.conn),
        async execute(sql, binds) {
          if (sql.startsWith(`update raw.${OFFSETS_TABLE}`)) {
            await other.execute(`update raw.${OFFSETS_TABLE} set next_offset = 80 where partition_id = 0`);
          }
          return t.conn.execute(sql, binds);
        },
      };
      await expect(landKafkaBatch(racing, { schema: 'raw', groupId: 'g', tables, records: records.slice(100, 200) })).rejects.toThrow(/conflict/i);
      expect(await t.count('select count(*) from raw.page_view_events')).toBe(100);
      expect(await t.count(`select max(next_offset) from raw.${OFFSETS_TABLE} where partition_id = 1`)).toBe(50);
    } finally {
      t.session.release(other);
      await t.close();
    }
  });

  it('writes the same rows through the JSON stage as through the appender, values with line breaks included', async () => {
    const a = await openDuckDbTarget();
    const b = await openDuckDbTarget();
    const stage = await openJsonStage(a.conn);
    try {
      expect(stage).toBeDefined();
      const [first, second, third] = events.map((e) => e.event);
      const odd: KafkaRecordIn[] = [
        // A producer that ends values with a newline, one that pretty-prints, one that pads with spaces.
        { topic: 'page_view_events', table: 'page_view_events', partition: 2, offset: 0n, value: Buffer.from(`${serializeEvent(first!)}\r\n`) },
        { topic: 'page_view_events', table: 'page_view_events', partition: 2, offset: 1n, value: Buffer.from(JSON.stringify(second, null, 2)) },
        { topic: 'page_view_events', table: 'page_view_events', partition: 2, offset: 2n, value: Buffer.from(`  ${serializeEvent(third!)}  `) },
        { topic: 'page_view_events', table: 'page_view_events', partition: 2, offset: 3n, value: Buffer.from('{"ts": "later"}') },
      ];
      const all = [...records, ...odd];
      const ta = await ensureKafkaTables(a.conn, 'raw', ['page_view_events']);
      const tb = await ensureKafkaTables(b.conn, 'raw', ['page_view_events']);
      const viaStage = await landKafkaBatch(a.conn, { schema: 'raw', groupId: 'g', tables: ta, records: all, stage });
      const viaAppender = await landKafkaBatch(b.conn, { schema: 'raw', groupId: 'g', tables: tb, records: all });
      expect([viaStage.via, viaAppender.via]).toEqual(['stage', 'append']);
      expect(viaStage).toMatchObject({ rows: 303, deadLetters: 1 });
      const q = 'select * exclude (_ingested_at) from raw.page_view_events order by _partition, _offset';
      const [ra, rb] = [await a.rows(q), await b.rows(q)];
      expect(ra).toHaveLength(303);
      expect(ra).toEqual(rb);
      expect(await a.rows('select _offset, reason from raw.dead_letters')).toEqual(await b.rows('select _offset, reason from raw.dead_letters'));
      // Each staged file is gone once its rows are in.
      expect(readdirSync(stage!.dir)).toEqual([]);
    } finally {
      await stage?.close();
      await a.close();
      await b.close();
    }
    expect(existsSync(stage!.dir)).toBe(false);
  });

  it('lands a batch DuckDB cannot read from the stage through the appender instead, as JSON.parse reads it', async () => {
    const t = await openDuckDbTarget();
    const stage = await openJsonStage(t.conn);
    try {
      const tables = await ensureKafkaTables(t.conn, 'raw', ['page_view_events']);
      // Valid JSON for JSON.parse (the last "page" wins); DuckDB's reader refuses duplicate keys.
      const twice = `${serializeEvent(events[0]!.event).slice(0, -1)},"page":"Twice"}`;
      const batch = [...records.slice(0, 10), { topic: 'page_view_events', table: 'page_view_events' as const, partition: 0, offset: 5n, value: Buffer.from(twice) }];
      const r = await landKafkaBatch(t.conn, { schema: 'raw', groupId: 'g', tables, records: batch, stage });
      expect(r).toMatchObject({ via: 'append', rows: 11, deadLetters: 0 });
      expect(await t.rows(`select page from raw.page_view_events where _partition = 0 and _offset = 5`)).toEqual([{ page: 'Twice' }]);
      expect(await t.count('select count(*) from raw.page_view_events')).toBe(11);
      expect(Object.fromEntries(r.nextOffsets)).toEqual({ 'page_view_events:0': 6n, 'page_view_events:1': 5n });
    } finally {
      await stage?.close();
      await t.close();
    }
  });

  it('removes the stage a killed ingest process left behind, and keeps a running one\'s', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const left = join(tmpdir(), `sm-kafka-stage-${dead}-abcdef`);
    const alive = join(tmpdir(), `sm-kafka-stage-${process.ppid}-abcdef`);
    for (const d of [left, alive]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'listen_events-1.json'), '{}\n');
    }
    const t = await openDuckDbTarget();
    const stage = await openJsonStage(t.conn);
    try {
      expect([existsSync(left), existsSync(alive)]).toEqual([false, true]);
      expect(stage!.dir.startsWith(join(tmpdir(), `sm-kafka-stage-${process.pid}-`))).toBe(true);
    } finally {
      rmSync(alive, { recursive: true, force: true });
      await stage?.close();
      await t.close();
    }
  });
});

