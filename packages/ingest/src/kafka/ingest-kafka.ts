import { Consumer } from '@platformatic/kafka';
import type { IngestTarget } from '../ingest-target.ts';
import { ingestUsageError } from '../ingest-target.ts';
import { RAW_SCHEMA, TOPICS } from '../raw-schema.ts';
import { flatten, drained, key, refreshWarehouse, result, seedOffsets, withDb } from './ingest-state.ts';
import { kafkaRetryDelay } from './kafka-retry-delay.ts';
import type { IngestState } from './ingest-state.ts';
import { createOffsetsTable, ensureKafkaTables, readWarehouseOffsets } from './kafka-tables.ts';
import { KafkaUnavailableError, describeKafkaError } from './kafka-unavailable-error.ts';
import { PartitionFetcher } from './partition-fetcher.ts';
import { pumpBatches } from './pump-batches.ts';
import { RecordChecker } from './record-checker.ts';
import type { IngestKafkaOptions, IngestResult } from './ingest-options.ts';

export type { IngestKafkaOptions, IngestProgress, IngestResult } from './ingest-options.ts';

/** A pause that keeps the process alive (it is all that runs while Kafka is away) and ends early on abort. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Lands Kafka topics into raw tables, at least once and idempotently: each batch's rows, dead
 * letters and the group's offsets go in one warehouse transaction, then offsets are committed to
 * Kafka. On (re)assignment a partition resumes at the larger of Kafka's committed offset and the
 * warehouse's, so the warehouse is the source of truth after a crash between the two commits.
 */
export async function ingestKafka(opts: IngestKafkaOptions): Promise<IngestResult> {
  const topics = opts.topics ?? TOPICS;
  for (const t of topics) {
    if (!(TOPICS as readonly string[]).includes(t)) throw ingestUsageError(`Unknown topic "${t}": Kafka landing knows ${TOPICS.join(', ')}.`);
  }
  if (!opts.brokers.length) throw ingestUsageError('No Kafka brokers given: pass at least one host:port.');
  if (!opts.groupId) throw ingestUsageError('No consumer group given: pass a group id.');
  const retryForMs = opts.retryForMs ?? 120_000;
  if (!(retryForMs >= 0)) throw ingestUsageError(`retryForMs must be 0 or more, not ${retryForMs}`);
  if (opts.transactionBytes !== undefined && !(opts.transactionBytes > 0)) throw ingestUsageError(`transactionBytes must be more than 0, not ${opts.transactionBytes}`);
  const schema = opts.schema ?? RAW_SCHEMA;
  const target: IngestTarget = { connection: opts.connection, adapter: opts.adapter, landingOptions: opts.landingOptions };
  const landingOptions = opts.adapter.landing?.options(opts.landingOptions);
  const checker = new RecordChecker();
  const s: IngestState = {
    opts,
    topics,
    tableOf: new Map(topics.map((t) => [`${opts.topicPrefix ?? ''}${t}`, t])),
    schema,
    target,
    // Set when `warehouseReady` resolves.
    tables: { inOrder: new Map() },
    lander: undefined,
    warehouseReady: Promise.resolve(),
    earlyOffsets: undefined,
    landingReady: Promise.resolve(),
    checker,
    startedAt: Date.now(),
    targets: undefined,
    kafkaBase: new Map(),
    warehouse: new Map(),
    highWatermarks: new Map(),
    stats: { rows: 0, deadLetters: 0, replayed: 0, batches: 0 },
    db: Promise.resolve(),
    healthyAt: Date.now(),
  };
  // The warehouse's side of start-up runs while the first consumer reaches Kafka, in the order that
  // consumer needs it: the offsets table and the offsets in it first (it joins the group and
  // fetches from them), then the raw tables' checks and the lander, which only landing waits for.
  // Both go through the warehouse queue, in that order (one connection runs one statement at a time).
  s.earlyOffsets = withDb(s, async () => {
    await createOffsetsTable(target, schema);
    s.warehouse = await readWarehouseOffsets(target, schema, opts.groupId);
  });
  s.warehouseReady = withDb(s, async () => {
    s.tables = await ensureKafkaTables(target, schema, topics);
    s.lander = landingOptions ? await opts.adapter.landing!.open(opts.connection, landingOptions) : undefined;
  });
  // Met (and thrown) where they are awaited; this only keeps a failure from counting as unhandled meanwhile.
  s.earlyOffsets.catch(() => undefined);
  s.warehouseReady.catch(() => undefined);
  try {
    for (let attempt = 0; ; attempt++) {
      if (opts.signal?.aborted) return result(s, 'aborted');
      try {
        return result(s, await runConsumer(s));
      } catch (e) {
        // Warehouse failures and usage errors are not Kafka's to retry: the caller decides.
        if (!isRetriableKafkaError(e)) throw e;
        const down = Date.now() - s.healthyAt;
        if (down >= retryForMs) throw new KafkaUnavailableError(opts.brokers, down, e);
        opts.onWarning?.(`Kafka: ${describeKafkaError(e)}; reconnecting (giving up after ${Math.round(retryForMs / 1000)} s without Kafka)`);
        // 0.5, 1, 2, then 4 s between attempts, never past the end of the window.
        await pause(Math.min(500 * 2 ** Math.min(attempt, 3), retryForMs - down), opts.signal);
      }
    }
  } finally {
    await s.warehouseReady.catch(() => undefined);
    await s.landingReady.catch(() => undefined);
    // Whatever is still queued for the warehouse (never rejects) finishes before the connection goes back to the caller.
    await s.db;
    await s.lander?.close().catch(() => undefined);
    await checker.close();
  }
}

function isRetriableKafkaError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'SM_KAFKA_GROUP_LEFT') return true;
  return typeof code === 'string' && code.startsWith('PLT_KFK') && code !== 'PLT_KFK_USER';
}

/** One consumer's lifetime; a Kafka failure rejects and the caller starts a fresh consumer. */
async function runConsumer(s: IngestState): Promise<IngestResult['stoppedBy']> {
  const { opts } = s;
  const batchSize = opts.batchSize ?? 20_000;
  const batchMs = opts.batchMs ?? 1000;
  const sessionTimeout = opts.sessionTimeoutMs ?? 10_000;
  const consumer = new Consumer({
    clientId: opts.clientId ?? 'sm-ingest',
    bootstrapBrokers: [...opts.brokers],
    groupId: opts.groupId,
    autocommit: false,
    sessionTimeout,
    heartbeatInterval: Math.max(100, Math.floor(sessionTimeout / 5)),
    rebalanceTimeout: sessionTimeout,
    retries: 2,
    retryDelay: kafkaRetryDelay,
  });
  // The client emits 'error' for background failures (a rejoin against a dead broker), even after
  // close; an EventEmitter without a listener would turn that into an uncaught exception.
  consumer.on('error', () => undefined);
  // Finding the group's coordinator takes a few round trips (and retries for a new group): start it
  // now, beside listOffsets, rather than when the committed offsets are asked for. A failure here
  // is met again, and handled, by that later call.
  const coordinator = consumer.findGroupCoordinator().catch(() => undefined);
  let fetcher: PartitionFetcher | undefined;
  // The first consumer's warehouse offsets were read at the start of the call; a later one's are read again.
  const warehouseOffsets = s.earlyOffsets ?? refreshWarehouse(s);
  s.earlyOffsets = undefined;
  try {
    const [offsets] = await Promise.all([
      consumer.listOffsets({ topics: [...s.tableOf.keys()] }).catch((e: Error & { code?: string }) => {
        if (e.code !== 'PLT_KFK_USER') throw e;
        throw new Error(
          `${e.message} Kafka at ${opts.brokers.join(',')} has no such topic: create it (sm ingest produce creates the Eventsim topics) or fix the topic list or prefix.`,
          { cause: e },
        );
      }),
      // An offsets table that cannot be read is most likely one the tables' check explains (a missing column): its error first.
      warehouseOffsets.catch(async (e: unknown) => {
        await s.warehouseReady;
        throw e;
      }),
    ]);
    const hw = flatten(offsets);
    s.healthyAt = Date.now();
    s.highWatermarks = hw;
    // Every partition's offsets row exists before anything lands (landing compare-and-sets it); the
    // rows are written once the warehouse's start-up is done, while this consumer joins and fetches.
    s.landingReady = s.warehouseReady.then(() => seedOffsets(s, [...hw.keys()]));
    s.landingReady.catch(() => undefined);
    if (!s.targets) {
      await coordinator;
      const committed = await consumer.listCommittedOffsets({
        topics: [...s.tableOf.keys()].map((topic) => ({ topic, partitions: [...hw.keys()].filter((k) => k.startsWith(`${topic}:`)).map((k) => Number(k.slice(topic.length + 1))) })),
      });
      for (const [k, o] of flatten(committed)) if (o >= 0n) s.kafkaBase.set(k, o);
      s.targets = hw;
    }
    if (opts.once && drained(s)) {
      await s.landingReady;
      return 'drained';
    }
    if (opts.signal?.aborted) return 'aborted';

    // Before joining: the first assignment must be seen too.
    consumer.on('consumer:group:join', (join) => {
      opts.onAssign?.((join.assignments ?? []).flatMap((a) => a.partitions.map((p) => key(a.topic, p))));
    });
    // The client keeps the group membership (join, heartbeats, rebalances); fetching is ours.
    consumer.topics.trackAll(...s.tableOf.keys());
    await consumer.joinGroup({});
    fetcher = new PartitionFetcher(consumer, opts.clientId ?? 'sm-ingest', [...s.tableOf.keys()], {
      // Short long-polls keep shutdown and `once` responsive; bytes caps keep a fetch's memory bounded.
      maxWaitMs: Math.min(batchMs, 500),
      maxBytes: 16 * 1024 * 1024,
      maxBytesPerPartition: 4 * 1024 * 1024,
      isolationLevel: 1,
    });
    const stoppedBy = await pumpBatches(s, consumer, fetcher, batchSize, batchMs, opts.transactionBytes);
    // The warehouse's start-up fails here when nothing was landed to meet it.
    await s.landingReady;
    return stoppedBy;
  } finally {
    await fetcher?.close().catch(() => undefined);
    await consumer.close(true).catch(() => undefined);
  }
}

