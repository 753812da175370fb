import type { Consumer, Message, MessagesStream } from '@platformatic/kafka';
import type { IngestResult } from './ingest-kafka.ts';
import { drained, flatten, key, position, progress, refreshWarehouse, withDb } from './ingest-state.ts';
import type { IngestState } from './ingest-state.ts';
import { landKafkaBatch } from './land-kafka-batch.ts';
import { RecordBatch } from './record-batch.ts';

/**
 * Feeds one consumer's records into batches and lands them, until `once` has drained, the
 * signal aborts or Kafka fails. A batch is landed when it reaches `batchSize` records, every
 * `batchMs`, or as soon as it holds the end of the lag `once` measured. Fetching continues while a
 * batch is written and pauses when the next one is full: memory stays at two batches at most.
 */
export function pumpBatches(
  s: IngestState,
  consumer: Consumer<Buffer, Buffer, Buffer, Buffer>,
  stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>,
  batchSize: number,
  batchMs: number,
): Promise<IngestResult['stoppedBy']> {
  const { opts } = s;
  const mode = s.lander ? 'stage' : 'rows';
  const newBatch = () => new RecordBatch((c) => s.checker.check(c), mode);
  return new Promise((resolve, reject) => {
    let buffer = newBatch();
    let epochs = new Map<string, number>();
    // `topic:partition` -> offset after the last buffered record, kept as records arrive.
    let reached = new Map<string, bigint>();
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
      buffer = newBatch();
      epochs = new Map();
      reached = new Map();
      // Checked on the worker while it filled; this waits only for its last chunk.
      const batch = await records.seal();
      let res: Awaited<ReturnType<typeof landKafkaBatch>> | undefined;
      for (let attempt = 0; !res; attempt++) {
        try {
          res = await withDb(s, () => landKafkaBatch(s.target, s.lander, { schema: s.schema, groupId: opts.groupId, tables: s.tables, batch }));
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
      for (const [k, hw] of s.targets!) if ((reached.get(k) ?? position(s, k)) < hw) return false;
      return true;
    };

    const flush = () => {
      if (flushing || finished) return;
      if (buffer.size === 0) {
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
          if (buffer.size >= batchSize || (opts.once && buffer.size && bufferedReachesTargets())) flush();
        },
        (e) => {
          flushing = undefined;
          finish(e);
        },
      );
    };

    // Messages come in runs of one partition: its key is built once per run.
    let runTopic = '';
    let runPartition = -1;
    let k = '';
    stream.on('data', (m: Message<Buffer, Buffer, Buffer, Buffer>) => {
      if (m.topic !== runTopic || m.partition !== runPartition) {
        runTopic = m.topic;
        runPartition = m.partition;
        k = key(m.topic, m.partition);
      }
      // Checked on the worker as chunks fill, while the warehouse writes the previous batch.
      buffer.add(m.topic, s.tableOf.get(m.topic)!, m.partition, m.offset, m.value);
      epochs.set(k, m.leaderEpoch);
      reached.set(k, m.offset + 1n);
      if (buffer.size >= batchSize) {
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
