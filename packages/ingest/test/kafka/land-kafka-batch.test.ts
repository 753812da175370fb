import { describe, expect, it } from 'vitest';
import type { Adapter, Connection, Lander } from '@smsql/core';
import type { IngestTarget } from '../../src/ingest-target.ts';
import { ensureKafkaTables, OFFSETS_TABLE } from '../../src/kafka/kafka-tables.ts';
import { landKafkaBatch } from '../../src/kafka/land-kafka-batch.ts';
import { serializeEvent } from '../../src/serialize-event.ts';
import { openDuckDbTarget } from './duckdb-target.ts';
import type { DuckDbTarget } from './duckdb-target.ts';
import { sampleEvents } from './events.ts';
import { checked } from './kafka-helpers.ts';
import type { TestRecord } from './kafka-helpers.ts';

const events = sampleEvents({ users: 60, hours: 24, seed: 3 }).events.filter((e) => e.topic === 'page_view_events').slice(0, 300);
const records: TestRecord[] = events.map((e, i) => ({
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

/** The DuckDB target as ingestion sees it; `landing: false` drops the landing capability, as on a warehouse without one. */
function target(t: DuckDbTarget, o: { landing?: boolean; connection?: Connection } = {}): IngestTarget {
  const adapter: Pick<Adapter, 'type' | 'dialect' | 'landing'> = o.landing === false ? { type: t.adapter.type, dialect: t.adapter.dialect } : t.adapter;
  return { connection: o.connection ?? t.conn, adapter };
}

async function withLander<T>(t: DuckDbTarget, f: (l: Lander) => Promise<T>): Promise<T> {
  const l = await t.adapter.landing!.open(t.conn, t.adapter.landing!.options(undefined));
  try {
    return await f(l);
  } finally {
    await l.close();
  }
}

/**
 * Lands `all` into new databases through staged lines, kept in memory and written to the lander's
 * disk as each chunk is checked (`stagedVia` says whether the warehouse took them or they went as
 * rows after a refusal), and into another as rows, then expects the same rows and the same dead
 * letters in all, at `deadLetterOffsets`.
 */
async function expectSameLanding(all: TestRecord[], o: { stagedVia: 'stage' | 'rows'; rows: number; deadLetterOffsets: number[] }): Promise<void> {
  const b = await openDuckDbTarget();
  try {
    const deadLetters = o.deadLetterOffsets.length;
    const tb = target(b, { landing: false });
    const viaRows = await landKafkaBatch(tb, undefined, { schema: 'raw', groupId: 'g', tables: await ensureKafkaTables(tb, 'raw', ['page_view_events']), batch: await checked(all, 'rows') });
    expect(viaRows).toMatchObject({ via: 'rows', rows: o.rows, deadLetters });
    const q = 'select * exclude (_ingested_at) from raw.page_view_events order by _partition, _offset';
    const dq = 'select _offset, raw_value, reason from raw.dead_letters order by _offset';
    const [rb, db] = [await b.rows(q), await b.rows(dq)];
    expect(db.map((r) => r._offset)).toEqual(o.deadLetterOffsets);
    for (const onDisk of [false, true]) {
      const a = await openDuckDbTarget();
      try {
        await withLander(a, async (lander) => {
          const ta = await ensureKafkaTables(target(a), 'raw', ['page_view_events']);
          const viaStage = await landKafkaBatch(target(a), lander, { schema: 'raw', groupId: 'g', tables: ta, batch: await checked(all, 'stage', onDisk ? lander : undefined) });
          expect(viaStage).toMatchObject({ via: o.stagedVia, rows: o.rows, deadLetters });
        });
        const ra = await a.rows(q);
        expect(ra).toHaveLength(o.rows);
        expect(ra).toEqual(rb);
        expect(await a.rows(dq)).toEqual(db);
      } finally {
        await a.close();
      }
    }
  } finally {
    await b.close();
  }
}

/** A page view record of partition 2 at `offset` (null: a record without a value). */
const pageView = (offset: number, value: string | Buffer | null): TestRecord => ({ topic: 'page_view_events', table: 'page_view_events', partition: 2, offset: BigInt(offset), value: value === null ? null : Buffer.from(value) });

describe('landKafkaBatch (DuckDB, no broker)', () => {
  it('lands a batch once: a replay of the same offsets lands nothing', async () => {
    const t = await openDuckDbTarget();
    try {
      await withLander(t, async (lander) => {
        const tables = await ensureKafkaTables(target(t), 'raw', ['page_view_events']);
        const first = await landKafkaBatch(target(t), lander, { schema: 'raw', groupId: 'g', tables, batch: await checked(records, 'stage') });
        expect(first).toMatchObject({ rows: 300, deadLetters: 0, replayed: 0, via: 'stage' });
        expect(Object.fromEntries(first.nextOffsets)).toEqual({ 'page_view_events:0': 150n, 'page_view_events:1': 150n });
        const batch = await checked([...records.slice(250), ...records.slice(0, 10)], 'stage');
        const again = await landKafkaBatch(target(t), lander, { schema: 'raw', groupId: 'g', tables, batch });
        expect(again).toMatchObject({ rows: 0, replayed: 60 });
        expect(await t.count('select count(*) from raw.page_view_events')).toBe(300);
      });
    } finally {
      await t.close();
    }
  });

  it.each([
    ['in memory', false],
    ['on the lander\'s disk', true],
  ])('lands only the records past the warehouse offsets when a batch overlaps a replay, lines staged %s', async (_, onDisk) => {
    const t = await openDuckDbTarget();
    try {
      await withLander(t, async (lander) => {
        const tables = await ensureKafkaTables(target(t), 'raw', ['page_view_events']);
        await landKafkaBatch(target(t), lander, { schema: 'raw', groupId: 'g', tables, batch: await checked(records.slice(0, 100), 'stage', onDisk ? lander : undefined) });
        const r = await landKafkaBatch(target(t), lander, { schema: 'raw', groupId: 'g', tables, batch: await checked(records, 'stage', onDisk ? lander : undefined) });
        expect(r).toMatchObject({ via: 'stage', rows: 200, replayed: 100 });
        expect(await t.count('select count(*) - count(distinct (_partition, _offset)) from raw.page_view_events')).toBe(0);
        expect(await t.count('select count(*) from raw.page_view_events')).toBe(300);
      });
    } finally {
      await t.close();
    }
  });

  it('writes the same rows through multi-row INSERT when the connection has no appender and the adapter no landing', async () => {
    const a = await openDuckDbTarget();
    const b = await openDuckDbTarget();
    try {
      const tb = target(b, { landing: false, connection: withoutAppend(b.conn) });
      await withLander(a, async (lander) => {
        const ta = await ensureKafkaTables(target(a), 'raw', ['page_view_events']);
        await landKafkaBatch(target(a), lander, { schema: 'raw', groupId: 'g', tables: ta, batch: await checked(records, 'stage') });
      });
      const r = await landKafkaBatch(tb, undefined, { schema: 'raw', groupId: 'g', tables: await ensureKafkaTables(tb, 'raw', ['page_view_events']), batch: await checked(records, 'rows') });
      expect(r.via).toBe('rows');
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
      const tables = await ensureKafkaTables(target(t), 'raw', ['page_view_events']);
      await landKafkaBatch(target(t, { landing: false }), undefined, { schema: 'raw', groupId: 'g', tables, batch: await checked(records.slice(0, 100), 'rows') });
      // Another member lands up to offset 80 on partition 0 between our read and our offsets update.
      const racing: Connection = {
        ...withoutAppend(t.conn),
        async execute(sql, binds) {
          if (sql.startsWith('update ') && sql.includes(OFFSETS_TABLE)) {
            await other.execute(`update raw.${OFFSETS_TABLE} set next_offset = 80 where partition_id = 0`);
          }
          return t.conn.execute(sql, binds);
        },
      };
      const batch = await checked(records.slice(100, 200), 'rows');
      await expect(landKafkaBatch(target(t, { landing: false, connection: racing }), undefined, { schema: 'raw', groupId: 'g', tables, batch })).rejects.toThrow(/conflict|another consumer/i);
      expect(await t.count('select count(*) from raw.page_view_events')).toBe(100);
      expect(await t.count(`select max(next_offset) from raw.${OFFSETS_TABLE} where partition_id = 1`)).toBe(50);
    } finally {
      t.session.release(other);
      await t.close();
    }
  });

  it('writes the same rows through staged lines as through the appender, odd producers and bad records included', async () => {
    const [first, second, third] = events.map((e) => e.event);
    const odd: TestRecord[] = [
      // A producer that ends values with a newline, one that pretty-prints, one that pads with spaces.
      pageView(0, `${serializeEvent(first!)}\r\n`),
      pageView(1, JSON.stringify(second, null, 2)),
      pageView(2, `  ${serializeEvent(third!)}  `),
      pageView(3, '{"ts": "later"}'),
      pageView(4, null),
      pageView(5, Buffer.from([0x7b, 0xff, 0x7d])),
      pageView(6, serializeEvent({ ...first!, ts: 1.5e12 })),
      pageView(7, serializeEvent({ ...first!, status: 2 ** 31 })),
      pageView(8, serializeEvent({ ...first!, page: 'Caf\u00e9 \u{1f3b5} "quoted" \\ \t' })),
      pageView(9, serializeEvent({ ...first!, extra: { deep: [1, [2, { x: null }], 'y'] } })),
      // Spaces inside the braces: staged where it is, the stamp's comma before the space.
      pageView(10, `{ \t${serializeEvent(second!).slice(1, -1).replaceAll(',"', ', "')} }`),
      // A \\u escape, staged where it is as written (DuckDB's reader decodes it as JSON.parse does).
      pageView(11, serializeEvent({ ...third!, page: 'x' }).replace('"page":"x"', '"page":"\\u00e9"')),
    ];
    // Between records staged where they are: values that are not, in the same chunk and table.
    const all = [...records.slice(0, 150), ...odd.slice(0, 6), ...records.slice(150), ...odd.slice(6)];
    await expectSameLanding(all, { stagedVia: 'stage', rows: 308, deadLetterOffsets: [3, 4, 5, 7] });
  });

  it('dead-letters values that are UTF-8 only together with their neighbour (a character cut between two records)', async () => {
    const t = await openDuckDbTarget();
    try {
      await withLander(t, async (lander) => {
        const tables = await ensureKafkaTables(target(t), 'raw', ['page_view_events']);
        const [first, second] = events.map((e) => e.event);
        const at = (offset: number, value: Buffer): TestRecord => ({ topic: 'page_view_events', table: 'page_view_events', partition: 0, offset: BigInt(offset), value });
        // 0xc3 0xa9 is "é": the chunk's bytes are UTF-8 as a whole, neither value is on its own.
        const cut = [
          at(0, Buffer.from(serializeEvent(first!))),
          at(1, Buffer.concat([Buffer.from(serializeEvent(first!)), Buffer.from([0xc3])])),
          at(2, Buffer.concat([Buffer.from([0xa9]), Buffer.from(serializeEvent(second!))])),
          at(3, Buffer.from(serializeEvent(second!))),
        ];
        const r = await landKafkaBatch(target(t), lander, { schema: 'raw', groupId: 'g', tables, batch: await checked(cut, 'stage') });
        expect(r).toMatchObject({ via: 'stage', rows: 2, deadLetters: 2 });
        expect(await t.rows('select _offset, reason from raw.dead_letters order by _offset')).toEqual([
          { _offset: 1, reason: 'value is not valid UTF-8 (raw_value holds the bytes in base64)' },
          { _offset: 2, reason: 'value is not valid UTF-8 (raw_value holds the bytes in base64)' },
        ]);
      });
    } finally {
      await t.close();
    }
  });

  it('stages a value with a duplicate key, or with a key of the stamp, as JSON.parse reads it', async () => {
    const t = await openDuckDbTarget();
    try {
      await withLander(t, async (lander) => {
        const tables = await ensureKafkaTables(target(t), 'raw', ['page_view_events']);
        // Valid JSON for JSON.parse (the last "page" wins); DuckDB's reader refuses duplicate keys, so the line is written again from the checked fields.
        const twice = `${serializeEvent(events[0]!.event).slice(0, -1)},"page":"Twice"}`;
        // A key named like the stamp's must not decide the row's lineage.
        const stamped = `${serializeEvent(events[1]!.event).slice(0, -1)},"_sm_offset":999,"_sm_partition":7}`;
        const batch = await checked(
          [
            ...records.slice(0, 10),
            { topic: 'page_view_events', table: 'page_view_events', partition: 0, offset: 5n, value: Buffer.from(twice) },
            { topic: 'page_view_events', table: 'page_view_events', partition: 0, offset: 6n, value: Buffer.from(stamped) },
          ],
          'stage',
        );
        const r = await landKafkaBatch(target(t), lander, { schema: 'raw', groupId: 'g', tables, batch });
        expect(r).toMatchObject({ via: 'stage', rows: 12, deadLetters: 0 });
        expect(await t.rows(`select page from raw.page_view_events where _partition = 0 and _offset = 5`)).toEqual([{ page: 'Twice' }]);
        expect(await t.count(`select count(*) from raw.page_view_events where _partition = 0 and _offset = 6`)).toBe(1);
        expect(await t.count('select count(*) from raw.page_view_events')).toBe(12);
        expect(Object.fromEntries(r.nextOffsets)).toEqual({ 'page_view_events:0': 7n, 'page_view_events:1': 5n });
      });
    } finally {
      await t.close();
    }
  });

  it('lands a batch DuckDB cannot read from staged lines as rows instead, as JSON.parse reads it', async () => {
    const t = await openDuckDbTarget();
    try {
      await withLander(t, async (lander) => {
        const tables = await ensureKafkaTables(target(t), 'raw', ['page_view_events']);
        // Valid JSON for JSON.parse (a string holding a lone surrogate); DuckDB's reader refuses it.
        const lone = serializeEvent({ ...events[0]!.event, page: 'x' }).replace('"page":"x"', '"page":"\\ud800"');
        const batch = await checked([...records.slice(0, 10), { topic: 'page_view_events', table: 'page_view_events', partition: 0, offset: 5n, value: Buffer.from(lone) }], 'stage');
        const r = await landKafkaBatch(target(t), lander, { schema: 'raw', groupId: 'g', tables, batch });
        expect(r).toMatchObject({ via: 'rows', rows: 11, deadLetters: 0 });
        expect(await t.count(`select count(*) from raw.page_view_events where _partition = 0 and _offset = 5`)).toBe(1);
        expect(await t.count('select count(*) from raw.page_view_events')).toBe(11);
        expect(Object.fromEntries(r.nextOffsets)).toEqual({ 'page_view_events:0': 6n, 'page_view_events:1': 5n });
      });
    } finally {
      await t.close();
    }
  });

  it('gives bad records in the middle of a batch of several chunks staged on disk the same dead letters, and the rest the same rows, as the rows path', async () => {
    // 4,600 records: three chunks of the checker, each staged on its own; bad ones in the first, at a chunk's edge and in the last.
    const many: TestRecord[] = Array.from({ length: 4600 }, (_, i) => ({ ...records[i % records.length]!, partition: 2, offset: BigInt(i) }));
    const bad = new Map<number, string | null>([
      [7, 'not json'],
      [1999, '{"ts": "later"}'],
      [2000, null],
      [2001, serializeEvent({ ...events[0]!.event, sessionId: 1.5 })],
      [3333, `[${serializeEvent(events[1]!.event)}]`],
      [4599, serializeEvent(events[2]!.event).replace('"page":', '"pages":')],
    ]);
    for (const [offset, value] of bad) many[offset] = pageView(offset, value);
    await expectSameLanding(many, { stagedVia: 'stage', rows: 4600 - bad.size, deadLetterOffsets: [...bad.keys()] });
  });

  it('lands the same rows and dead letters as the rows path when the staged lines are refused, odd producers included', async () => {
    // Landing as rows after a refusal parses the staged lines again (the raw values are gone by then): every kind of line must give its record's values.
    const [first, second, third] = events.map((e) => e.event);
    const all: TestRecord[] = [
      ...records,
      pageView(0, `${serializeEvent(first!)}\r\n`),
      pageView(1, JSON.stringify(second, null, 2)),
      pageView(2, `  ${serializeEvent(third!)}  `),
      pageView(3, '{"ts": "later"}'),
      pageView(4, null),
      pageView(5, serializeEvent({ ...first!, page: 'Caf\u00e9 \u{1f3b5} "quoted" \\ \t', lon: -0.5, extra: [1, { x: null }] })),
      pageView(6, `${serializeEvent(first!).slice(0, -1)},"page":"Twice"}`),
      pageView(7, serializeEvent({ ...first!, status: 2 ** 31 })),
      // DuckDB's reader refuses the lone surrogate: the whole batch goes as rows.
      pageView(8, serializeEvent({ ...first!, page: 'x' }).replace('"page":"x"', '"page":"\\ud800"')),
      pageView(9, `{}`),
    ];
    await expectSameLanding(all, { stagedVia: 'rows', rows: 306, deadLetterOffsets: [3, 4, 7, 9] });
  });
});
