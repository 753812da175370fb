import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterSession, Connection } from '@smsql/core';
// The Snowflake adapter's local server, through the real snowflake-sdk driver: the same landing SQL must run there.
import { createSnowflakeAdapter } from '@smsql/adapter-snowflake';
import { startEmulator } from '@smsql/test-kit';
import { ensureKafkaTables, readWarehouseOffsets } from '../../src/kafka/kafka-tables.ts';
import { landKafkaBatch } from '../../src/kafka/land-kafka-batch.ts';
import type { IngestTarget } from '../../src/ingest-target.ts';
import { serializeEvent } from '../../src/serialize-event.ts';
import { sampleEvents } from './events.ts';
import { checked } from './kafka-helpers.ts';
import type { TestRecord } from './kafka-helpers.ts';

const listens = sampleEvents({ users: 10, hours: 6, seed: 1 }).events.filter((e) => e.topic === 'listen_events').slice(0, 50);
const records: TestRecord[] = [
  ...listens.map((e, i) => ({ topic: 'listen_events', table: 'listen_events' as const, partition: i % 2, offset: BigInt(i >> 1), value: Buffer.from(serializeEvent(e.event)) })),
  { topic: 'listen_events', table: 'listen_events', partition: 0, offset: 25n, value: Buffer.from('{"artist": "half a record') },
];

let stop: () => Promise<void>;
let session: AdapterSession;
let conn: Connection;
let t: IngestTarget;
beforeAll(async () => {
  const { emulator, target } = await startEmulator();
  stop = () => emulator.stop();
  const adapter = createSnowflakeAdapter();
  session = await adapter.connect(target(), { projectDir: process.cwd() });
  conn = await session.acquire();
  t = { connection: conn, adapter };
});
afterAll(async () => {
  await session?.close();
  await stop?.();
});

describe('landKafkaBatch on Snowflake (local server)', () => {
  it('lands rows, dead letters and offsets, and a replay lands nothing', async () => {
    expect(t.adapter.landing).toBeUndefined();
    const tables = await ensureKafkaTables(t, 'raw', ['listen_events']);
    const first = await landKafkaBatch(t, undefined, { schema: 'raw', groupId: 'g', tables, batch: await checked(records, 'rows') });
    expect(first).toMatchObject({ rows: 50, deadLetters: 1, replayed: 0, via: 'rows' });
    const again = await landKafkaBatch(t, undefined, { schema: 'raw', groupId: 'g', tables, batch: await checked(records, 'rows') });
    expect(again).toMatchObject({ rows: 0, deadLetters: 0, replayed: 51 });
    expect(Object.fromEntries(await readWarehouseOffsets(t, 'raw', 'g'))).toEqual({ 'listen_events:0': 26n, 'listen_events:1': 25n });
    const counts = (await conn.execute('select count(*) as n, count(distinct song) as songs from raw.listen_events')).rows[0]!;
    expect(Number(counts.n ?? counts.N)).toBe(50);
    const dead = (await conn.execute('select reason from raw.dead_letters')).rows;
    expect(String(dead[0]!.reason ?? dead[0]!.REASON)).toMatch(/not JSON/);
  });
});
