import { execFileSync } from 'node:child_process';
import { Admin, Consumer, MultipleErrors, Producer } from '@platformatic/kafka';
import { describe, expect, it, vi } from 'vitest';
import { ingestKafka } from '../../src/kafka/ingest-kafka.ts';
import { ensureTopics, produceEvents } from '../../src/kafka/produce-events.ts';
import { TOPICS } from '../../src/raw-schema.ts';
import { serializeEvent } from '../../src/serialize-event.ts';
import { useKafkaBroker } from './broker.ts';
import { openDuckDbTarget } from './duckdb-target.ts';
import { sampleEvents } from './events.ts';
import { landedCounts, produceRaw, waitFor } from './kafka-helpers.ts';

const broker = useKafkaBroker();
const brokers = () => [broker.current.bootstrap];
const sample = sampleEvents({ users: 40, hours: 12, seed: 7 });

describe('ingestKafka against a real broker', () => {
  it('lands every produced event exactly once per topic, and a second run lands nothing', async () => {
    const prefix = 'once.';
    await produceEvents({ brokers: brokers(), events: sample.events, topicPrefix: prefix, partitions: 3 });
    const t = await openDuckDbTarget();
    try {
      const first = await ingestKafka({ brokers: brokers(), groupId: 'g-once', topicPrefix: prefix, connection: t.conn, adapter: t.adapter, once: true, batchSize: 500 });
      expect(first.stoppedBy).toBe('drained');
      expect(first.rows).toBe(sample.events.length);
      expect(first.lag).toBe(0);
      const counts = await landedCounts(t);
      expect(counts.perTopic).toEqual(sample.perTopic);
      expect(counts).toMatchObject({ duplicates: 0, deadLetters: 0 });
      // Kafka commits run while the next batches land, one after another: the last one included,
      // the group's offsets are at the end of every partition that had records (-1: none committed).
      const probe = new Consumer({ clientId: 'probe', bootstrapBrokers: brokers(), groupId: 'g-once' });
      try {
        const topics = TOPICS.map((topic) => `${prefix}${topic}`);
        const ends = await probe.listOffsets({ topics });
        const committed = await probe.listCommittedOffsets({ topics: topics.map((topic) => ({ topic, partitions: [0, 1, 2] })) });
        const expected = new Map([...ends].map(([topic, offsets]) => [topic, offsets.map((o) => (o > 0n ? o : -1n))]));
        expect(Object.fromEntries(committed)).toEqual(Object.fromEntries(expected));
      } finally {
        await probe.close();
      }
      // Every partition got records, so the offsets bookkeeping covers more than one partition per topic.
      expect(await t.count(`select count(distinct (_topic, _partition)) from raw.page_view_events`)).toBe(3);
      expect(await t.count(`select count(*) from raw.listen_events where _topic <> 'once.listen_events' or _file is not null or _ingested_at is null`)).toBe(0);

      const second = await ingestKafka({ brokers: brokers(), groupId: 'g-once', topicPrefix: prefix, connection: t.conn, adapter: t.adapter, once: true });
      expect(second).toMatchObject({ stoppedBy: 'drained', rows: 0, replayed: 0 });
      expect((await landedCounts(t)).perTopic).toEqual(sample.perTopic);
    } finally {
      await t.close();
    }
  });

  it('with once, lands a lag that fits in one transaction, and a larger one in transactions of at most transactionBytes of values', async () => {
    const prefix = 'group.';
    await produceEvents({ brokers: brokers(), events: sample.events, topicPrefix: prefix, partitions: 3 });
    const run = async (groupId: string, t: Awaited<ReturnType<typeof openDuckDbTarget>>, transactionBytes?: number) => {
      const landed: number[] = [];
      let before = 0;
      const res = await ingestKafka({
        brokers: brokers(),
        groupId,
        topicPrefix: prefix,
        connection: t.conn,
        adapter: t.adapter,
        once: true,
        batchSize: 50,
        transactionBytes,
        onProgress: (p) => {
          landed.push(p.rows - before);
          before = p.rows;
        },
      });
      expect(res.rows).toBe(sample.events.length);
      expect(landed.reduce((a, b) => a + b, 0)).toBe(sample.events.length);
      const counts = await landedCounts(t);
      expect(counts.perTopic).toEqual(sample.perTopic);
      expect(counts).toMatchObject({ duplicates: 0, deadLetters: 0 });
      return landed;
    };
    const whole = await openDuckDbTarget();
    try {
      expect(await run('g-group-whole', whole)).toEqual([sample.events.length]);
    } finally {
      await whole.close();
    }
    // A transaction holds one batch, or batches whose values fit in the cap together.
    const sizes = sample.events.map((e) => Buffer.byteLength(serializeEvent(e.event)));
    const cap = 60_000;
    const most = Math.max(50, Math.floor(cap / Math.min(...sizes)));
    const capped = await openDuckDbTarget();
    try {
      const landed = await run('g-group-capped', capped, cap);
      expect(landed.length).toBeGreaterThanOrEqual(Math.max(2, Math.ceil(sizes.length / most)));
      expect(Math.max(...landed)).toBeLessThanOrEqual(most);
    } finally {
      await capped.close();
    }
  });

  it('without once, lands a tenth of the batch size first (the warehouse starts early), then every record once, until aborted', async () => {
    const prefix = 'stream.';
    await produceEvents({ brokers: brokers(), events: sample.events, topicPrefix: prefix, partitions: 3 });
    const t = await openDuckDbTarget();
    const ac = new AbortController();
    try {
      const landed: number[] = [];
      let before = 0;
      const res = await ingestKafka({
        brokers: brokers(),
        groupId: 'g-stream',
        topicPrefix: prefix,
        connection: t.conn,
        adapter: t.adapter,
        batchSize: 200,
        signal: ac.signal,
        onProgress: (p) => {
          landed.push(p.rows - before);
          before = p.rows;
          if (p.rows === sample.events.length) ac.abort();
        },
      });
      expect(res.stoppedBy).toBe('aborted');
      expect(res.rows).toBe(sample.events.length);
      expect(landed[0]).toBe(20);
      expect(landed.length).toBeGreaterThan(1);
      expect(landed.reduce((a, b) => a + b, 0)).toBe(sample.events.length);
      const counts = await landedCounts(t);
      expect(counts.perTopic).toEqual(sample.perTopic);
      expect(counts).toMatchObject({ duplicates: 0, deadLetters: 0 });
    } finally {
      ac.abort();
      await t.close();
    }
  });

  it('resumes at the warehouse offsets when Kafka lost the group commit, landing nothing twice', async () => {
    const prefix = 'truth.';
    const half = Math.floor(sample.events.length / 2);
    await produceEvents({ brokers: brokers(), events: sample.events.slice(0, half), topicPrefix: prefix });
    const t = await openDuckDbTarget();
    try {
      await ingestKafka({ brokers: brokers(), groupId: 'g-truth', topicPrefix: prefix, connection: t.conn, adapter: t.adapter, once: true });
      // The crash window between the warehouse commit and the Kafka commit, widened to the whole history.
      const admin = new Admin({ clientId: 'test', bootstrapBrokers: brokers() });
      await admin.deleteGroups({ groups: ['g-truth'] });
      await admin.close();
      await produceEvents({ brokers: brokers(), events: sample.events.slice(half), topicPrefix: prefix });
      const res = await ingestKafka({ brokers: brokers(), groupId: 'g-truth', topicPrefix: prefix, connection: t.conn, adapter: t.adapter, once: true });
      expect(res.rows).toBe(sample.events.length - half);
      // Seeking to the warehouse offsets means the first half is not even read again.
      expect(res.replayed).toBe(0);
      const counts = await landedCounts(t);
      expect(counts.perTopic).toEqual(sample.perTopic);
      expect(counts.duplicates).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('lands the records of committed transactions and never those of an aborted one, compressed batches included', async () => {
    const topic = 'txn.listen_events';
    const listens = sample.events.filter((e) => e.topic === 'listen_events').slice(0, 30);
    const value = (i: number) => Buffer.from(serializeEvent(listens[i]!.event));
    await ensureTopics(brokers(), [topic], 1);
    const producer = new Producer({ clientId: 'test-txn', bootstrapBrokers: brokers(), idempotent: true, acks: -1, transactionalId: 'test-txn' });
    try {
      const send = async (from: number, to: number, commit: boolean) => {
        const tx = await producer.beginTransaction();
        const messages = Array.from({ length: to - from }, (_, k) => ({ topic, partition: 0, value: value(from + k) }));
        // Half of each transaction in a gzip batch: the reader decompresses what the producer compressed.
        await tx.send({ messages: messages.slice(0, 5) });
        await tx.send({ messages: messages.slice(5), compression: 'gzip' });
        await (commit ? tx.commit() : tx.abort());
      };
      await send(0, 10, true);
      await send(10, 20, false);
      await send(20, 30, true);
    } finally {
      await producer.close();
    }
    const t = await openDuckDbTarget();
    try {
      const res = await ingestKafka({ brokers: brokers(), groupId: 'g-txn', topicPrefix: 'txn.', topics: ['listen_events'], connection: t.conn, adapter: t.adapter, once: true });
      expect(res).toMatchObject({ stoppedBy: 'drained', rows: 20, deadLetters: 0, lag: 0 });
      const landed = (await t.rows('select session_id, item_in_session, ts from raw.listen_events order by _offset')).map((r) => `${r.session_id}/${r.item_in_session}/${r.ts}`);
      const expected = [...listens.slice(0, 10), ...listens.slice(20, 30)].map((e) => {
        const v = e.event as unknown as { sessionId: number; itemInSession: number; ts: number };
        return `${v.sessionId}/${v.itemInSession}/${v.ts}`;
      });
      expect(landed).toEqual(expected);
    } finally {
      await t.close();
    }
  });

  it('sends malformed records to dead letters with the raw value and a reason, and lands the good ones', async () => {
    const prefix = 'bad.';
    const listens = sample.events.filter((e) => e.topic === 'listen_events').slice(0, 20);
    const good = listens.map((e, i) => serializeEvent(e.event) + (i % 2 ? '\n' : ''));
    const base = listens[0]!.event;
    const bad: [Buffer | string, RegExp][] = [
      ['{"ts": 1, "artist": ', /not JSON/],
      ['[1,2,3]', /not a JSON object \(got an array\)/],
      ['"just a string"', /not a JSON object \(got string\)/],
      [JSON.stringify({ ...base, zip: 74105 }), /field "zip" must be a string, got 74105/],
      [JSON.stringify({ ...base, ts: 'yesterday' }), /field "ts" must be an integer/],
      [JSON.stringify({ ...base, userId: undefined }), /missing required field "userId" for listen_events/],
      [JSON.stringify({ ...base, duration: null }), /missing required field "duration"/],
      [JSON.stringify({ ...base, itemInSession: 2 ** 40 }), /"itemInSession" must be a 32-bit integer/],
      [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /not valid UTF-8/],
      ['', /empty value/],
    ];
    const values = [...good.slice(0, 10), ...bad.map(([v]) => v), ...good.slice(10)];
    await produceRaw(brokers(), `${prefix}listen_events`, values);
    const t = await openDuckDbTarget();
    try {
      const res = await ingestKafka({ brokers: brokers(), groupId: 'g-bad', topicPrefix: prefix, topics: ['listen_events'], connection: t.conn, adapter: t.adapter, once: true });
      expect(res).toMatchObject({ rows: good.length, deadLetters: bad.length });
      expect(await t.count('select count(*) from raw.listen_events')).toBe(good.length);
      const dead = await t.rows('select raw_value, reason, _topic, _partition, _offset from raw.dead_letters order by reason');
      expect(dead).toHaveLength(bad.length);
      for (const [value, reason] of bad) {
        const hit = dead.find((d) => reason.test(String(d.reason)));
        expect(hit, `dead letter for ${reason}`).toBeDefined();
        const expectedRaw = Buffer.isBuffer(value) ? value.toString('base64') : value;
        expect(hit!.raw_value).toBe(expectedRaw);
        expect(hit!._topic).toBe('bad.listen_events');
        expect(typeof hit!._offset).toBe('number');
      }
      // Good values keep their text exactly, zip as a string and the trailing newline ignored.
      const first = listens[0]!.event;
      const row = (await t.rows(`select zip, user_id, ts, song from raw.listen_events where ts = ${first.ts} and user_id = ${first.userId}`))[0];
      expect(row).toMatchObject({ zip: first.zip, user_id: first.userId, ts: first.ts, song: first.song });
    } finally {
      await t.close();
    }
  });

  it('shares the partitions between two consumers of one group, landing each record once', async () => {
    const prefix = 'shared.';
    const topics = [...TOPICS];
    // Topics first, so both members are assigned partitions before any record exists.
    await produceEvents({ brokers: brokers(), events: [], topicPrefix: prefix, partitions: 3 });
    const t = await openDuckDbTarget();
    // Each member gets its own connection; the test polls on the target's.
    const connA = await t.session.acquire();
    const connB = await t.session.acquire();
    const ac = new AbortController();
    const assigned: Record<string, string[]> = { a: [], b: [] };
    const warnings: string[] = [];
    const common = { brokers: brokers(), groupId: 'g-shared', topicPrefix: prefix, topics, signal: ac.signal, batchSize: 200, batchMs: 200, sessionTimeoutMs: 6000, onWarning: (w: string) => warnings.push(w) };
    try {
      const a = ingestKafka({ ...common, connection: connA, adapter: t.adapter, clientId: 'a', onAssign: (p) => (assigned.a = p) });
      const b = ingestKafka({ ...common, connection: connB, adapter: t.adapter, clientId: 'b', onAssign: (p) => (assigned.b = p) });
      a.catch(() => undefined);
      b.catch(() => undefined);
      await waitFor(
        () => `both members to hold partitions (a: ${assigned.a.join(' ') || 'none'}; b: ${assigned.b.join(' ') || 'none'}; warnings: ${warnings.join(' | ') || 'none'})`,
        () => assigned.a.length > 0 && assigned.b.length > 0 && assigned.a.length + assigned.b.length === 12,
      );
      expect(assigned.a.filter((p) => assigned.b.includes(p))).toEqual([]);
      await produceEvents({ brokers: brokers(), events: sample.events, topicPrefix: prefix });
      await waitFor('every event to land', async () => Object.values((await landedCounts(t).catch(() => ({ perTopic: { x: -1 } }))).perTopic).reduce((x, y) => x + y) === sample.events.length);
      ac.abort();
      const [ra, rb] = await Promise.all([a, b]);
      expect(ra.rows).toBeGreaterThan(0);
      expect(rb.rows).toBeGreaterThan(0);
      expect(ra.rows + rb.rows).toBe(sample.events.length);
      const counts = await landedCounts(t);
      expect(counts.perTopic).toEqual(sample.perTopic);
      expect(counts.duplicates).toBe(0);
    } finally {
      ac.abort();
      t.session.release(connB);
      await t.close();
    }
  });

  it('starts a fresh member when the client gives up rejoining the group, and lands every record once', async () => {
    const prefix = 'rejoin.';
    const values = sample.events.filter((e) => e.topic === 'listen_events').map((e) => serializeEvent(e.event));
    await produceRaw(brokers(), `${prefix}listen_events`, values.slice(0, 100));
    // When a rejoin's retries are spent the client stops heartbeating (the group drops the member)
    // and reports it only as an 'error' event. That report is sent here on the real consumer, whose
    // instances the spy collects as they join.
    const members: Consumer<Buffer, Buffer, Buffer, Buffer>[] = [];
    const realJoin = Consumer.prototype.joinGroup;
    const spy = vi.spyOn(Consumer.prototype, 'joinGroup').mockImplementation(function (this: Consumer<Buffer, Buffer, Buffer, Buffer>, ...args: unknown[]) {
      members.push(this);
      return (realJoin as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof realJoin);
    const t = await openDuckDbTarget();
    const ac = new AbortController();
    const warnings: string[] = [];
    const joins: string[][] = [];
    try {
      const run = ingestKafka({
        brokers: brokers(), groupId: 'g-rejoin', topicPrefix: prefix, topics: ['listen_events'], connection: t.conn, adapter: t.adapter,
        signal: ac.signal, batchSize: 50, batchMs: 100, sessionTimeoutMs: 6000, onAssign: (p) => joins.push(p), onWarning: (w) => warnings.push(w),
      });
      run.catch(() => undefined);
      await waitFor('the first 100 records to land', async () => (await t.count('select count(*) from raw.listen_events').catch(() => 0)) === 100);
      expect(members).toHaveLength(1);
      const lost = new MultipleErrors('joinGroup failed 3 times.', [Object.assign(new Error('The group is rebalancing, so a rejoin is needed.'), { apiId: 'REBALANCE_IN_PROGRESS' })]);
      members[0]!.emit('error', lost);
      await waitFor(() => `a second member to join (joins: ${JSON.stringify(joins)}; warnings: ${warnings.join(' | ')})`, () => members.length === 2 && joins.length === 2);
      expect(joins[1]).toEqual(joins[0]);
      expect(warnings.join('\n')).toMatch(/could not rejoin group g-rejoin after a rebalance \(joinGroup failed 3 times\. \(The group is rebalancing.*reconnecting/);
      await produceRaw(brokers(), `${prefix}listen_events`, values.slice(100, 250));
      await waitFor('the rest to land', async () => (await t.count('select count(*) from raw.listen_events')) === 250);
      ac.abort();
      const res = await run;
      expect(res).toMatchObject({ stoppedBy: 'aborted', rows: 250, deadLetters: 0 });
      expect(await t.count('select count(*) - count(distinct (_partition, _offset)) from raw.listen_events')).toBe(0);
    } finally {
      ac.abort();
      spy.mockRestore();
      await t.close();
    }
  });

  it('names the table and its missing columns when a raw table or the offsets table exists without them, whichever the consumer meets first', async () => {
    const prefix = 'shape.';
    await produceEvents({ brokers: brokers(), events: sample.events.slice(0, 50), topicPrefix: prefix, partitions: 1 });
    for (const [table, columns] of [
      ['listen_events', 'artist varchar'],
      ['_sm_kafka_offsets', 'group_id varchar, topic varchar'],
    ] as const) {
      const t = await openDuckDbTarget();
      try {
        await t.conn.execute(`create schema raw`);
        await t.conn.execute(`create table raw.${table} (${columns})`);
        await expect(
          ingestKafka({ brokers: brokers(), groupId: `g-shape-${table}`, topicPrefix: prefix, connection: t.conn, adapter: t.adapter, once: true }),
        ).rejects.toThrow(new RegExp(`Table raw\\.${table} exists without column\\(s\\) `));
      } finally {
        await t.close();
      }
    }
  });

  it('fails at once, naming the topic, when a topic does not exist', async () => {
    const t = await openDuckDbTarget();
    try {
      await expect(
        ingestKafka({ brokers: brokers(), groupId: 'g-missing', topicPrefix: 'missing.', topics: ['auth_events'], connection: t.conn, adapter: t.adapter, once: true }),
      ).rejects.toThrow(/missing\.auth_events.*no such topic/s);
    } finally {
      await t.close();
    }
  });

  it('lands messages produced by kcat, a third-party producer', async () => {
    const topic = 'kcat.listen_events';
    const events = sample.events.filter((e) => e.topic === 'listen_events').slice(0, 5);
    await produceRaw(brokers(), topic, [], 1);
    // kcat splits stdin on newlines, one message per line, no key.
    execFileSync('kcat', ['-P', '-b', broker.current.bootstrap, '-t', topic], { input: events.map((e) => serializeEvent(e.event)).join('\n') + '\n' });
    const t = await openDuckDbTarget();
    try {
      const res = await ingestKafka({ brokers: brokers(), groupId: 'g-kcat', topicPrefix: 'kcat.', topics: ['listen_events'], connection: t.conn, adapter: t.adapter, once: true });
      expect(res).toMatchObject({ rows: 5, deadLetters: 0 });
      const rows = await t.rows('select user_id, artist, song, duration, zip, lat, lon, registration from raw.listen_events order by _partition, _offset');
      const expected = events.map(({ event: e }) => ({
        user_id: e.userId, artist: e.artist, song: e.song, duration: e.duration, zip: e.zip, lat: e.lat, lon: e.lon, registration: e.registration,
      }));
      expect(rows).toEqual(expected);
    } finally {
      await t.close();
    }
  });
});
