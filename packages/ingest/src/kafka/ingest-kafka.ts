import { Consumer } from '@platformatic/kafka';
import type { MessagesStream, Message } from '@platformatic/kafka';
import type { Connection } from '@sm/core';
import { RAW_SCHEMA, TOPICS } from '../raw-schema.ts';
import type { Topic } from '../raw-schema.ts';
import { checkIdentifier, ensureKafkaTables, OFFSETS_TABLE, readWarehouseOffsets } from './kafka-tables.ts';
import type { KafkaTables } from './kafka-tables.ts';
import { landKafkaBatch } from './land-kafka-batch.ts';
import type { KafkaRecordIn } from './land-kafka-batch.ts';

export interface IngestKafkaOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** Consumer group: processes with the same group share the partitions. */
  readonly groupId: string;
  /** Topics to land. Default: the four Eventsim topics. */
  readonly topics?: readonly Topic[];
  /** Kafka topic names are this prefix + the Eventsim topic (e.g. `dev.`); raw tables keep the Eventsim name. Default ''. */
  readonly topicPrefix?: string;
  /** Where rows land; used by one batch at a time. */
  readonly connection: Connection;
  /** Schema of the raw tables. Default `raw`. */
  readonly schema?: string;
  /** Drain the lag measured at start, then return (what an Airflow task runs). Default false: run until `signal` aborts. */
  readonly once?: boolean;
  /** Records per batch (and per warehouse transaction). Default 20,000. Bounds memory whatever the lag. */
  readonly batchSize?: number;
  /** A non-empty batch is landed at least this often, in ms. Default 1,000. */
  readonly batchMs?: number;
  /** Abort to stop: the batch being written finishes and is committed, records not yet in a batch are left for next time. */
  readonly signal?: AbortSignal;
  /** Called after every landed batch. */
  readonly onProgress?: (p: IngestProgress) => void;
  /** Called when the group gives this consumer its partitions (`topic:partition`), after every rebalance. */
  readonly onAssign?: (partitions: string[]) => void;
  /** Recoverable problems (broker unreachable, a Kafka commit refused); ingestion carries on. Default: ignored. */
  readonly onWarning?: (message: string) => void;
  /** Group session timeout in ms: how soon a crashed member's partitions move to the others. Default 10,000. */
  readonly sessionTimeoutMs?: number;
  /** Give up when Kafka stays unreachable this long, in ms. Default 120,000. */
  readonly retryForMs?: number;
  /** Kafka client id. Default `sm-ingest`. */
  readonly clientId?: string;
}

export interface IngestProgress {
  /** Rows landed in raw tables by this call. */
  readonly rows: number;
  readonly deadLetters: number;
  /** Records already in the warehouse, skipped. */
  readonly replayed: number;
  readonly batches: number;
  /** Records of the topics not yet in the warehouse for this group (all members), as last measured. */
  readonly lag: number;
  /** Rows and dead letters per second since the call started. */
  readonly recordsPerSecond: number;
  readonly elapsedMs: number;
}

export interface IngestResult extends IngestProgress {
  /** `drained`: `once` reached the lag measured at start; `aborted`: the signal stopped it. */
  readonly stoppedBy: 'drained' | 'aborted';
}

interface Shared {
  readonly opts: IngestKafkaOptions;
  readonly topics: readonly Topic[];
  /** Kafka topic -> raw table. */
  readonly tableOf: ReadonlyMap<string, Topic>;
  readonly schema: string;
  readonly tables: KafkaTables;
  readonly startedAt: number;
  /** High watermarks at the start of the call: what `once` must reach. */
  targets: Map<string, bigint> | undefined;
  /** Kafka's committed offsets at the start, which count as progress when ahead of the warehouse. */
  readonly kafkaBase: Map<string, bigint>;
  /** Warehouse offsets as last read or written. */
  warehouse: Map<string, bigint>;
  /** Latest high watermarks, for lag. */
  highWatermarks: Map<string, bigint>;
  stats: { rows: number; deadLetters: number; replayed: number; batches: number };
  /** Serialises warehouse use: one connection cannot hold a transaction and run a side query at once. */
  db: Promise<unknown>;
  /** Last time Kafka answered; reconnecting gives up `retryForMs` after it. */
  healthyAt: number;
}

const key = (topic: string, partition: number) => `${topic}:${partition}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

/**
 * Lands Kafka topics into raw tables, at least once and idempotently: each batch's rows, dead
 * letters and the group's offsets go in one warehouse transaction, then offsets are committed to
 * Kafka. On (re)assignment a partition resumes at the larger of Kafka's committed offset and the
 * warehouse's, so the warehouse is the source of truth after a crash between the two commits.
 */
export async function ingestKafka(opts: IngestKafkaOptions): Promise<IngestResult> {
  const topics = opts.topics ?? TOPICS;
  for (const t of topics) {
    if (!(TOPICS as readonly string[]).includes(t)) throw new Error(`Unknown topic "${t}": Kafka landing knows ${TOPICS.join(', ')}.`);
  }
  if (!opts.brokers.length) throw new Error('No Kafka brokers given: pass at least one host:port.');
  if (!opts.groupId) throw new Error('No consumer group given: pass a group id.');
  const schema = opts.schema ?? RAW_SCHEMA;
  checkIdentifier('schema', schema);
  const tables = await ensureKafkaTables(opts.connection, schema, topics);
  const s: Shared = {
    opts,
    topics,
    tableOf: new Map(topics.map((t) => [`${opts.topicPrefix ?? ''}${t}`, t])),
    schema,
    tables,
    startedAt: Date.now(),
    targets: undefined,
    kafkaBase: new Map(),
    warehouse: new Map(),
    highWatermarks: new Map(),
    stats: { rows: 0, deadLetters: 0, replayed: 0, batches: 0 },
    db: Promise.resolve(),
    healthyAt: Date.now(),
  };
  const retryForMs = opts.retryForMs ?? 120_000;
  for (;;) {
    if (opts.signal?.aborted) return result(s, 'aborted');
    try {
      return result(s, await runConsumer(s));
    } catch (e) {
      // Warehouse failures and usage errors are not Kafka's to retry: the caller decides.
      if (!isRetriableKafkaError(e) || Date.now() - s.healthyAt > retryForMs) throw e;
      opts.onWarning?.(`Kafka: ${(e as Error).message}; reconnecting`);
      await sleep(1000);
    }
  }
}

function isRetriableKafkaError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('PLT_KFK') && code !== 'PLT_KFK_USER';
}

function withDb<T>(s: Shared, fn: () => Promise<T>): Promise<T> {
  const run = s.db.then(fn, fn);
  s.db = run.catch(() => undefined);
  return run;
}

function progress(s: Shared): IngestProgress {
  const elapsedMs = Date.now() - s.startedAt;
  let lag = 0n;
  const marks = s.targets && s.opts.once ? s.targets : s.highWatermarks;
  for (const [k, hw] of marks) {
    const at = position(s, k);
    if (hw > at) lag += hw - at;
  }
  return {
    ...s.stats,
    lag: Number(lag),
    recordsPerSecond: elapsedMs > 0 ? Math.round(((s.stats.rows + s.stats.deadLetters) * 1000) / elapsedMs) : 0,
    elapsedMs,
  };
}

function result(s: Shared, stoppedBy: IngestResult['stoppedBy']): IngestResult {
  return { ...progress(s), stoppedBy };
}

function position(s: Shared, k: string): bigint {
  const w = s.warehouse.get(k) ?? 0n;
  const b = s.kafkaBase.get(k) ?? 0n;
  return w > b ? w : b;
}

function drained(s: Shared): boolean {
  if (!s.targets) return false;
  for (const [k, hw] of s.targets) if (position(s, k) < hw) return false;
  return true;
}

async function refreshWarehouse(s: Shared): Promise<void> {
  s.warehouse = await withDb(s, () => readWarehouseOffsets(s.opts.connection, s.schema, s.opts.groupId));
}

/** Offsets rows for every partition up front, so landing always compare-and-sets an existing row. */
async function seedOffsets(s: Shared, partitions: readonly string[]): Promise<void> {
  const missing = partitions.filter((k) => !s.warehouse.has(k));
  if (!missing.length) return;
  const at = new Date().toISOString();
  const binds: unknown[] = [];
  for (const k of missing) {
    const i = k.lastIndexOf(':');
    binds.push(s.opts.groupId, k.slice(0, i), Number(k.slice(i + 1)), at);
  }
  const tuple = '(cast(? as varchar), cast(? as varchar), cast(? as integer), 0, cast(? as timestamp))';
  await withDb(s, () =>
    s.opts.connection.execute(
      `insert into ${s.schema}.${OFFSETS_TABLE} (group_id, topic, partition_id, next_offset, updated_at) values ${missing.map(() => tuple).join(', ')}`,
      binds,
    ),
  );
  await refreshWarehouse(s);
}

function flatten(offsets: Map<string, bigint[]>): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const [topic, parts] of offsets) parts.forEach((o, p) => out.set(key(topic, p), o));
  return out;
}

/** One consumer's lifetime; a Kafka failure rejects and the caller starts a fresh consumer. */
async function runConsumer(s: Shared): Promise<IngestResult['stoppedBy']> {
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
    // Short long-polls keep shutdown and `once` responsive; bytes caps keep a fetch's memory bounded.
    maxWaitTime: Math.min(batchMs, 500),
    maxBytes: 16 * 1024 * 1024,
    maxBytesPerPartition: 4 * 1024 * 1024,
    highWaterMark: Math.min(batchSize, 5000),
    retries: 2,
  });
  // The client emits 'error' for background failures (a rejoin against a dead broker), even after
  // close; an EventEmitter without a listener would turn that into an uncaught exception.
  consumer.on('error', () => undefined);
  let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  try {
    const hw = flatten(
      await consumer.listOffsets({ topics: [...s.tableOf.keys()] }).catch((e: Error & { code?: string }) => {
        if (e.code !== 'PLT_KFK_USER') throw e;
        throw new Error(
          `${e.message} Kafka at ${opts.brokers.join(',')} has no such topic: create it (sm ingest produce creates the Eventsim topics) or fix the topic list or prefix.`,
          { cause: e },
        );
      }),
    );
    s.healthyAt = Date.now();
    s.highWatermarks = hw;
    await refreshWarehouse(s);
    await seedOffsets(s, [...hw.keys()]);
    if (!s.targets) {
      s.targets = hw;
      const committed = await consumer.listCommittedOffsets({
        topics: [...s.tableOf.keys()].map((topic) => ({ topic, partitions: [...hw.keys()].filter((k) => k.startsWith(`${topic}:`)).map((k) => Number(k.slice(topic.length + 1))) })),
      });
      for (const [k, o] of flatten(committed)) if (o >= 0n) s.kafkaBase.set(k, o);
    }
    if (opts.once && drained(s)) return 'drained';
    if (opts.signal?.aborted) return 'aborted';

    // Before consume(), which joins the group: the first assignment must be seen too.
    consumer.on('consumer:group:join', (join) => {
      // Another member may have moved partitions we are about to receive; the next seek uses fresh offsets.
      void refreshWarehouse(s).catch(() => undefined);
      opts.onAssign?.((join.assignments ?? []).flatMap((a) => a.partitions.map((p) => key(a.topic, p))));
    });
    stream = await consumer.consume({ topics: [...s.tableOf.keys()], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
    return await pump(s, consumer, stream, batchSize, batchMs);
  } finally {
    await stream?.close().catch(() => undefined);
    await consumer.close(true).catch(() => undefined);
  }
}

function pump(
  s: Shared,
  consumer: Consumer<Buffer, Buffer, Buffer, Buffer>,
  stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>,
  batchSize: number,
  batchMs: number,
): Promise<IngestResult['stoppedBy']> {
  const { opts } = s;
  return new Promise((resolve, reject) => {
    let buffer: KafkaRecordIn[] = [];
    let epochs = new Map<string, number>();
    let flushing: Promise<void> | undefined;
    let finished = false;
    let lastWatermarks = Date.now();

    const finish = (err: unknown, how?: IngestResult['stoppedBy']) => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      stream.pause();
      // An abort lets the batch being written finish; records still buffered are not committed anywhere and are read again next time.
      // The in-flight step's own failure is reported by its handler; here it only has to be over.
      void (flushing ?? Promise.resolve()).catch(() => undefined).then(() => (err ? reject(err) : resolve(how!)));
    };
    const onAbort = () => finish(undefined, 'aborted');

    // Resume each partition at the warehouse offset when it is ahead of Kafka's committed one.
    const seek = () => {
      const toFetch = stream.offsetsToFetch;
      for (const [k, at] of toFetch) {
        const w = s.warehouse.get(k);
        if (w !== undefined && w > at) toFetch.set(k, w);
      }
    };
    stream.on('offsets', seek);

    const land = async () => {
      const records = buffer;
      const leaderEpochs = epochs;
      buffer = [];
      epochs = new Map();
      let res: Awaited<ReturnType<typeof landKafkaBatch>> | undefined;
      for (let attempt = 0; !res; attempt++) {
        try {
          res = await withDb(s, () => landKafkaBatch(opts.connection, { schema: s.schema, groupId: opts.groupId, tables: s.tables, records }));
        } catch (e) {
          // A write-write conflict with another member only means we lost a race for a partition; the next attempt dedupes against the winner.
          const conflict = (e as { code?: string }).code === 'SM_KAFKA_OFFSET_CONFLICT' || /conflict/i.test((e as Error).message);
          if (!conflict || attempt >= 5) throw e;
        }
      }
      for (const [k, o] of res.nextOffsets) s.warehouse.set(k, o);
      s.stats.rows += res.rows;
      s.stats.deadLetters += res.deadLetters;
      s.stats.replayed += res.replayed;
      s.stats.batches++;
      s.healthyAt = Date.now();
      // The rows are durable; the Kafka commit only saves re-reading them, so a refusal (e.g. mid-rebalance) is a warning.
      const offsets = [...res.nextOffsets].map(([k, offset]) => {
        const i = k.lastIndexOf(':');
        return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)), offset, leaderEpoch: leaderEpochs.get(k) ?? -1 };
      });
      if (offsets.length) {
        await consumer.commit({ offsets }).catch((e: Error) => opts.onWarning?.(`Kafka commit refused (${e.message}); the warehouse has the rows and their offsets`));
      }
      opts.onProgress?.(progress(s));
    };

    const bufferedReachesTargets = () => {
      const reached = new Map<string, bigint>();
      for (const r of buffer) reached.set(key(r.topic, r.partition), r.offset + 1n);
      for (const [k, hw] of s.targets!) if ((reached.get(k) ?? position(s, k)) < hw) return false;
      return true;
    };

    const flush = () => {
      if (flushing || finished) return;
      if (buffer.length === 0) {
        if (opts.once) {
          // Idle: the other members may have drained the rest.
          flushing = refreshWarehouse(s);
        } else if (Date.now() - lastWatermarks > 5000) {
          lastWatermarks = Date.now();
          flushing = Promise.all([
            consumer.listOffsets({ topics: [...s.tableOf.keys()] }).then((o) => void (s.highWatermarks = flatten(o))),
            refreshWarehouse(s),
          ]).then(() => undefined);
        } else return;
      } else {
        // Fetching goes on while the batch is written; the next batch fills meanwhile, up to batchSize.
        flushing = land();
      }
      flushing.then(
        () => {
          flushing = undefined;
          if (finished) return;
          if (opts.once && drained(s)) return finish(undefined, 'drained');
          if (stream.isPaused()) stream.resume();
          if (buffer.length >= batchSize || (opts.once && buffer.length && bufferedReachesTargets())) flush();
        },
        (e) => {
          flushing = undefined;
          finish(e);
        },
      );
    };

    stream.on('data', (m: Message<Buffer, Buffer, Buffer, Buffer>) => {
      const k = key(m.topic, m.partition);
      buffer.push({ topic: m.topic, table: s.tableOf.get(m.topic)!, partition: m.partition, offset: m.offset, value: m.value });
      epochs.set(k, m.leaderEpoch);
      if (buffer.length >= batchSize) {
        // Memory stays bounded: at most the batch being written and one full batch waiting.
        if (flushing) stream.pause();
        else flush();
      }
      // The record that completes the lag measured at start: land now rather than at the next tick.
      else if (opts.once && s.targets && m.offset + 1n >= (s.targets.get(k) ?? 0n) && bufferedReachesTargets()) flush();
    });
    stream.on('error', (e) => finish(e));
    consumer.on('error', (e: Error) => finish(e));
    stream.on('close', () => finish(Object.assign(new Error('Kafka stream closed'), { code: 'PLT_KFK_STREAM_CLOSED' })));
    const timer = setInterval(flush, batchMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
  });
}
