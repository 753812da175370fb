import { Producer } from '@platformatic/kafka';
import { ensureTopics } from '../../src/kafka/produce-events.ts';
import { checkHere } from '../../src/kafka/record-checker.ts';
import { ChunkBuffers, RecordBatch } from '../../src/kafka/record-batch.ts';
import type { CheckedBatch } from '../../src/kafka/record-batch.ts';
import type { Lander } from '@smsql/core';
import type { Topic } from '../../src/raw-schema.ts';
import { TOPICS } from '../../src/raw-schema.ts';
import type { DuckDbTarget } from './duckdb-target.ts';

/** Sends values as they are (bytes included), one record each, to explicit partitions or round-robin. */
export async function produceRaw(brokers: string[], topic: string, values: (Buffer | string)[], partitions = 3): Promise<void> {
  await ensureTopics(brokers, [topic], partitions);
  const producer = new Producer({ clientId: 'test-raw', bootstrapBrokers: brokers, idempotent: true, acks: -1 });
  try {
    if (values.length) await producer.send({ messages: values.map((v) => ({ topic, value: Buffer.isBuffer(v) ? v : Buffer.from(v) })) });
  } finally {
    await producer.close();
  }
}

/** Rows per raw table, and how many raw rows repeat a (topic, partition, offset). */
export async function landedCounts(t: DuckDbTarget, schema = 'raw'): Promise<{ perTopic: Record<string, number>; duplicates: number; deadLetters: number }> {
  const perTopic: Record<string, number> = {};
  let duplicates = 0;
  for (const topic of TOPICS) {
    perTopic[topic] = await t.count(`select count(*) from ${schema}.${topic}`);
    duplicates += await t.count(
      `select count(*) - count(distinct (_topic, _partition, _offset)) from ${schema}.${topic}`,
    );
  }
  const deadLetters = await t.count(`select count(*) from ${schema}.dead_letters`);
  return { perTopic, duplicates, deadLetters };
}

/** Polls `check` until it holds; `what` names it in the timeout's message (a function: with the state it saw last). */
export async function waitFor(what: string | (() => string), check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A consumed record, as a test writes it. */
export interface TestRecord {
  readonly topic: string;
  readonly table: Topic;
  readonly partition: number;
  readonly offset: bigint;
  readonly value: Buffer | null;
}

/**
 * Records checked as the consumer checks them (here on the calling thread): staged lines, or rows
 * for a warehouse without a landing capability. With `lander`, the staged lines go to its disk as
 * each chunk is checked, as `ingestKafka` stages them; without, they stay in memory.
 */
export function checked(records: readonly TestRecord[], mode: 'stage' | 'rows', lander?: Lander): Promise<CheckedBatch> {
  const b = new RecordBatch(checkHere, mode, new ChunkBuffers(), lander && (() => Promise.resolve(lander.createStage())));
  for (const r of records) b.add(r.topic, r.table, r.partition, r.offset, r.value);
  return b.seal();
}
