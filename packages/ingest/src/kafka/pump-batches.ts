import type { Consumer } from '@platformatic/kafka';
import type { IngestResult } from './ingest-options.ts';
import { drained, flatten, key, position, progress, refreshWarehouse, withDb } from './ingest-state.ts';
import type { IngestState } from './ingest-state.ts';
import { GroupMembershipLostError } from './kafka-unavailable-error.ts';
import { landKafkaBatch } from './land-kafka-batch.ts';
import type { PartitionFetcher } from './partition-fetcher.ts';
import { ChunkBuffers, RecordBatch } from './record-batch.ts';

/**
 * Batches the warehouse is behind on land together, up to this many bytes of record values in one
 * transaction (a single larger batch lands alone). DuckDB's cost beyond `read_json`'s is mostly per
 * statement and transaction (each table's insert and the commit), so fewer and larger transactions
 * are cheaper: the benchmark's 107,249 events (50 MB) in three transactions cost ~1.4× the CPU of
 * one (DuckDB alone, bench/README.md). Memory holds at most about twice this (a group being
 * written, the next one waiting) and the batch being filled, each value also staged once.
 */
export const GROUP_BYTES = 64 << 20;

/** The first batch of a run that does not stop at its lag is `batchSize` divided by this, and lands alone, so the warehouse starts while the rest is fetched and checked. */
export const FIRST_BATCH_DIVISOR = 10;

/**
 * Fetches one consumer's partitions into batches and lands them, until `once` has drained, the
 * signal aborts or Kafka fails. A batch is cut when it reaches `batchSize` records (the first of a
 * continuous run at a tenth of it, landed alone), every `batchMs`, or as soon as it holds the end
 * of the lag `once` measured. Cut batches land as soon as the warehouse is free, those that
 * waited for it together, up to `groupBytes` in one transaction; with `once`, a transaction
 * starts only when its group is full or everything is fetched, so a lag that fits lands in one.
 * Fetching continues while a group is written and waits when the next one is full. Partitions
 * follow the group's assignment, each starting where the warehouse (or, when ahead, Kafka's
 * committed offset) says it got to.
 */
export async function pumpBatches(
  s: IngestState,
  consumer: Consumer<Buffer, Buffer, Buffer, Buffer>,
  fetcher: PartitionFetcher,
  batchSize: number,
  batchMs: number,
  groupBytes: number = GROUP_BYTES,
): Promise<IngestResult['stoppedBy']> {
  const { opts } = s;
  // `once` lands in as few transactions as it can (see above): nothing to start early.
  const firstBatch = opts.once ? batchSize : Math.max(1, Math.ceil(batchSize / FIRST_BATCH_DIVISOR));
  // The lander may still be opening: the adapter's capability says whether there will be one.
  const mode = opts.adapter.landing ? 'stage' : 'rows';
  const buffers = new ChunkBuffers();
  // Each batch's staged lines go to the lander's disk as they are checked (the lander may still be opening).
  const openStage = async () => {
    await s.warehouseReady;
    if (!s.lander) throw new Error('internal: staging Kafka records without a lander');
    return s.lander.createStage();
  };
  const newBatch = () => new RecordBatch((c) => s.checker.check(c), mode, buffers, openStage);
  let buffer = newBatch();
  /** Full batches waiting to be landed: one fetch can bring several batches' worth of records. */
  const ready: { records: RecordBatch; epochs: Map<string, number>; through: Map<string, bigint> }[] = [];
  let landing: Promise<void> | undefined;
  /** Kafka commits of landed groups, in order; never rejects. */
  let kafkaCommits: Promise<void> = Promise.resolve();
  let failure: unknown;
  // The warehouse's start-up failing stops the loop even when nothing arrives to be landed.
  s.landingReady.catch((e: unknown) => void (failure ??= e));
  // The client keeps the membership, but when a rejoin fails (its retries spent, e.g. in a run of
  // rebalances while the machine is busy) it only says so with 'error' and stops heartbeating: the
  // group drops this member and hands its partitions to the others, while this loop would go on
  // fetching the old ones and never get new ones. Stop, so ingestKafka reconnects a fresh member.
  const onGroupLost = (e: unknown) => void (failure ??= new GroupMembershipLostError(opts.groupId, e));
  consumer.on('error', onGroupLost);
  let lastLanded = Date.now();
  let lastWatermarks = Date.now();
  let assigned = '';
  let firstAssignment = true;

  const land = async (group: readonly RecordBatch[], epochs: ReadonlyMap<string, number>, through: ReadonlyMap<string, bigint>) => {
    let res: Awaited<ReturnType<typeof landKafkaBatch>> | undefined;
    try {
      // Checked while they filled; this waits only for the last chunks.
      const sealed = await Promise.all(group.map((b) => b.seal()));
      const batch = { size: sealed.reduce((a, b) => a + b.size, 0), chunks: sealed.flatMap((b) => b.chunks) };
      for (let attempt = 0; !res; attempt++) {
        try {
          await s.landingReady;
          res = await withDb(s, () => landKafkaBatch(s.target, s.lander, { schema: s.schema, groupId: opts.groupId, tables: s.tables, batch, through }));
        } catch (e) {
          // A write-write conflict with another member only means we lost a race for a partition; the next attempt dedupes against the winner.
          const conflict = (e as { code?: string }).code === 'SM_KAFKA_OFFSET_CONFLICT' || /conflict/i.test((e as Error).message);
          if (!conflict || attempt >= 5) throw e;
        }
      }
    } finally {
      await Promise.all(group.map((b) => b.discard()));
    }
    for (const [k, o] of res.nextOffsets) s.warehouse.set(k, o);
    s.stats.rows += res.rows;
    s.stats.deadLetters += res.deadLetters;
    s.stats.replayed += res.replayed;
    s.stats.batches++;
    s.healthyAt = Date.now();
    // The rows are durable; the Kafka commit only saves re-reading them, so a refusal (e.g. mid-rebalance) is a warning.
    // The next group's transaction does not wait for it (a commit's round trip took 25-115 ms per group); commits go in order, and the loop awaits the last.
    const offsets = [...res.nextOffsets].map(([k, offset]) => {
      const i = k.lastIndexOf(':');
      return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)), offset, leaderEpoch: epochs.get(k) ?? -1 };
    });
    if (offsets.length) {
      kafkaCommits = kafkaCommits.then(() =>
        consumer.commit({ offsets }).catch((e: Error) => opts.onWarning?.(`Kafka commit refused (${e.message}); the warehouse has the rows and their offsets`)),
      );
    }
    opts.onProgress?.(progress(s));
  };

  /** Cuts the batch being filled (whatever its size) and queues it; its last chunk goes to the checker now. */
  const cut = () => {
    void buffer.seal().catch(() => undefined); // a failure is met again when the batch lands
    ready.push({ records: buffer, epochs: new Map(fetcher.epochs), through: new Map(fetcher.positions) });
    buffer = newBatch();
  };

  /** Lands the oldest full batches, up to `groupBytes` in one transaction, or else the batch being filled. */
  const startLanding = () => {
    if (!ready.length || (buffer.size && opts.once && readyBytes() + buffer.bytes <= groupBytes && !anyWanted())) cut();
    // The oldest batch, and after it those that fit. Without `once`, only those already checked: the
    // warehouse does not wait for the checker on batches it could leave to the next group (`once`
    // waited for the group to fill, and has nothing else for the warehouse to do meanwhile).
    let take = 1;
    let bytes = ready[0]!.records.bytes;
    const most = s.stats.batches || opts.once ? ready.length : 1;
    while (take < most && bytes + ready[take]!.records.bytes <= groupBytes && (opts.once || ready[take]!.records.checked)) bytes += ready[take++]!.records.bytes;
    const group = ready.splice(0, take);
    const last = group[group.length - 1]!;
    lastLanded = Date.now();
    landing = land(
      group.map((g) => g.records),
      last.epochs,
      last.through,
    ).then(
      () => void (landing = undefined),
      (e: unknown) => {
        landing = undefined;
        failure ??= e;
      },
    );
  };

  /**
   * With `once`, the partitions still short of the lag measured at start: the others are not
   * fetched, for a fetch of partitions at their end waits the broker's whole long poll (500 ms)
   * for records `once` would not land anyway, and the last batch waited for it twice.
   */
  const wanted = opts.once
    ? (k: string, at: bigint) => {
        const hw = s.targets?.get(k);
        return hw !== undefined && at < hw && position(s, k) < hw;
      }
    : undefined;
  const anyWanted = () => {
    if (!wanted) return true;
    for (const [k, at] of fetcher.positions) if (wanted(k, at)) return true;
    return false;
  };

  const readyBytes = () => ready.reduce((a, r) => a + r.records.bytes, 0);
  /** Whether the batches cut may start a transaction: with `once`, only a full group or the last of what it will fetch. */
  const mayLand = () => !opts.once || readyBytes() >= groupBytes || !anyWanted();

  /** Whether what was fetched reaches the lag `once` measured, for every partition (others' landed offsets count). */
  const fetchedReachesTargets = () => {
    for (const [k, hw] of s.targets!) {
      const at = fetcher.positions.get(k);
      if ((at !== undefined && at > position(s, k) ? at : position(s, k)) < hw) return false;
    }
    return true;
  };

  /** Follows the group's assignment: new partitions start where the warehouse says, revoked ones stop. */
  const followAssignment = async () => {
    const now = (consumer.assignments ?? []).flatMap((a) => a.partitions.map((p) => key(a.topic, p))).sort();
    const signature = now.join(',');
    if (signature === assigned) return;
    assigned = signature;
    for (const k of [...fetcher.positions.keys()]) if (!now.includes(k)) fetcher.positions.delete(k);
    const fresh = now.filter((k) => !fetcher.positions.has(k));
    if (!fresh.length) return;
    // Another member may have landed partitions we are about to read: start from fresh warehouse
    // offsets (read while Kafka is asked for its own). The first assignment starts from those read
    // as this consumer started, moments ago, rather than queue behind the warehouse's start-up: an
    // offset that is behind only means records read again, which landing then skips.
    const known = firstAssignment ? Promise.resolve(s.warehouse) : refreshWarehouse(s).then(() => s.warehouse);
    firstAssignment = false;
    const starts = await fetcher.startOffsets(fresh, known, true);
    for (const [k, at] of starts) fetcher.positions.set(k, at);
  };

  for (;;) {
    if (failure) break;
    if (opts.signal?.aborted) break;
    if (opts.once && !landing && !ready.length && !buffer.size && drained(s)) break;
    await followAssignment();
    if (!landing && ready.length && mayLand()) startLanding();
    if (!fetcher.positions.size) {
      // No partitions (yet, or during a rebalance): wait for the group rather than spin.
      if (!landing && buffer.size) startLanding();
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    if (landing && readyBytes() >= groupBytes) {
      // A full group waits while one is being written: wait too (memory stays bounded).
      await landing;
      continue;
    }
    if (!anyWanted()) {
      // `once` has fetched all it will land here: land what is buffered, or wait for the batch being written, or for the group's other members.
      if (landing) await landing;
      else if (buffer.size || ready.length) startLanding();
      else {
        await refreshWarehouse(s);
        if (!drained(s)) await new Promise((r) => setTimeout(r, 100));
      }
      continue;
    }
    const warnings = await fetcher.fetchRound((topic, partition) => {
      const table = s.tableOf.get(topic)!;
      return (offset, bytes, start, end) => {
        buffer.addBytes(topic, table, partition, offset, bytes, start, end);
        if (buffer.size >= (s.stats.batches || ready.length || landing ? batchSize : firstBatch)) cut();
      };
    }, wanted);
    for (const w of warnings) opts.onWarning?.(`Kafka: ${w}`);
    s.healthyAt = Date.now();
    // `once` has fetched the last of its records: nothing more joins this batch, so its last chunk goes to the checker now, not when the warehouse is next free.
    if (buffer.size && opts.once && fetchedReachesTargets()) cut();
    if (!landing && ((ready.length && mayLand()) || (buffer.size && ((!opts.once && Date.now() - lastLanded >= batchMs) || (opts.once && fetchedReachesTargets()))))) {
      startLanding();
    } else if (!landing && !buffer.size && !ready.length) {
      if (opts.once) await refreshWarehouse(s); // idle: the other members may have drained the rest
      else if (Date.now() - lastWatermarks > 5000) {
        lastWatermarks = Date.now();
        s.highWatermarks = flatten(await consumer.listOffsets({ topics: [...s.tableOf.keys()] }));
        await refreshWarehouse(s);
      }
    }
  }
  // An abort lets the batch being written finish; records still buffered are not committed anywhere and are read again next time.
  while (landing) await landing;
  await kafkaCommits;
  consumer.off('error', onGroupLost);
  if (failure) throw failure;
  return opts.signal?.aborted ? 'aborted' : 'drained';
}
