import { ConnectionPool, ListOffsetTimestamps } from '@platformatic/kafka';
import type { Connection as KafkaConnection, Consumer } from '@platformatic/kafka';
import { decodeRecordBatches } from './decode-record-batches.ts';
import type { OnRecord } from './decode-record-batches.ts';
import { fetchRaw } from './fetch-raw.ts';
import type { RawPartition } from './fetch-raw.ts';

export interface FetcherOptions {
  /** How long the broker may hold a fetch that has nothing new, in ms. */
  readonly maxWaitMs: number;
  readonly maxBytes: number;
  readonly maxBytesPerPartition: number;
  /** 0 read_uncommitted, 1 read_committed (the client's default). */
  readonly isolationLevel: number;
}

/** Per-partition errors that mean the partition moved or metadata is stale: fetch again after refreshing it. */
const REFRESH = new Set([3, 5, 6, 74, 75, 100]);
const OFFSET_OUT_OF_RANGE = 1;

type Metadata = Awaited<ReturnType<Consumer['metadata']>>;

/**
 * Fetches this consumer's assigned partitions from their leaders, one request per broker and
 * round, decoding records straight into the caller's columns (see `decodeRecordBatches`). Group
 * membership, heartbeats and rebalances stay the client's; offsets are ours: `positions` holds
 * the next offset of every partition being read, set by the caller when a partition is assigned.
 */
export class PartitionFetcher {
  readonly #consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  readonly #pool: ConnectionPool;
  readonly #topics: readonly string[];
  readonly #opts: FetcherOptions;
  #metadata: Metadata | undefined;
  /** Next offset to fetch per `topic:partition` being read. */
  readonly positions = new Map<string, bigint>();
  /** Partition leader epoch of the last batch read, per `topic:partition`, for commits. */
  readonly epochs = new Map<string, number>();

  constructor(consumer: Consumer<Buffer, Buffer, Buffer, Buffer>, clientId: string, topics: readonly string[], opts: FetcherOptions) {
    this.#consumer = consumer;
    this.#pool = new ConnectionPool(`${clientId}-fetch`);
    this.#topics = topics;
    this.#opts = opts;
  }

  /**
   * Where to start each of `partitions` (`topic:partition`): the larger of `known` (the
   * warehouse's offsets) and the group's committed offset, or the earliest offset Kafka still has.
   */
  async startOffsets(partitions: readonly string[], known: ReadonlyMap<string, bigint>, groupCommitted: boolean): Promise<Map<string, bigint>> {
    const byTopic = new Map<string, number[]>();
    for (const k of partitions) {
      const i = k.lastIndexOf(':');
      const list = byTopic.get(k.slice(0, i)) ?? [];
      list.push(Number(k.slice(i + 1)));
      byTopic.set(k.slice(0, i), list);
    }
    const topics = [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps }));
    const committed = groupCommitted ? await this.#consumer.listCommittedOffsets({ topics }) : new Map<string, bigint[]>();
    const earliest = await this.#consumer.listOffsets({ topics: [...byTopic.keys()], timestamp: ListOffsetTimestamps.EARLIEST });
    const out = new Map<string, bigint>();
    for (const k of partitions) {
      const i = k.lastIndexOf(':');
      const topic = k.slice(0, i);
      const p = Number(k.slice(i + 1));
      const c = committed.get(topic)?.[p] ?? -1n;
      const w = known.get(k) ?? -1n;
      const start = c > w ? c : w;
      out.set(k, start >= 0n ? start : (earliest.get(topic)?.[p] ?? 0n));
    }
    return out;
  }

  /**
   * One fetch of every partition in `positions` (those `wanted` accepts, when given) from its
   * leader, brokers in parallel; records go to `onRecord` in offset order per partition, and
   * positions move past them. Resolves with the problems the caller should hear of (records
   * deleted before they were read).
   */
  async fetchRound(onRecord: (topic: string, partition: number) => OnRecord, wanted?: (k: string, at: bigint) => boolean): Promise<string[]> {
    const warnings: string[] = [];
    if (!this.positions.size) return warnings;
    const metadata = await this.#metadataFor();
    const byNode = new Map<number, { topicId: string; partitions: { partition: number; fetchOffset: bigint; partitionMaxBytes: number; currentLeaderEpoch: number; lastFetchedEpoch: number }[] }[]>();
    for (const [k, offset] of this.positions) {
      if (wanted && !wanted(k, offset)) continue;
      const i = k.lastIndexOf(':');
      const topic = k.slice(0, i);
      const partition = Number(k.slice(i + 1));
      const leader = metadata.topics.get(topic)?.partitions[partition]?.leader;
      if (leader === undefined || leader < 0) {
        this.#metadata = undefined;
        continue;
      }
      const list = byNode.get(leader) ?? [];
      byNode.set(leader, list);
      let t = list.find((x) => x.topicId === topic);
      if (!t) list.push((t = { topicId: topic, partitions: [] }));
      t.partitions.push({ partition, fetchOffset: offset, partitionMaxBytes: this.#opts.maxBytesPerPartition, currentLeaderEpoch: -1, lastFetchedEpoch: -1 });
    }
    const o = this.#opts;
    const responses = await Promise.all(
      [...byNode].map(async ([node, topics]) => {
        const broker = metadata.brokers.get(node);
        if (!broker) {
          this.#metadata = undefined;
          return [] as RawPartition[];
        }
        const conn = await new Promise<KafkaConnection>((resolve, reject) => this.#pool.get(broker, (e, c) => (e ? reject(e) : resolve(c!))));
        const res = (await fetchRaw.async(conn, o.maxWaitMs, 1, o.maxBytes, o.isolationLevel, 0, -1, topics, [], '')) as { errorCode: number; partitions: RawPartition[] };
        if (res.errorCode) throw kafkaError(`fetch from broker ${node} failed with Kafka error ${res.errorCode}`);
        return res.partitions;
      }),
    );
    for (const parts of responses) {
      for (const p of parts) {
        const k = `${p.topic}:${p.partition}`;
        const at = this.positions.get(k);
        if (at === undefined) continue;
        if (p.errorCode === OFFSET_OUT_OF_RANGE) {
          const to = p.logStartOffset >= 0n ? p.logStartOffset : 0n;
          warnings.push(`${k}: offset ${at} is no longer in Kafka (the log starts at ${to}); reading from there. Records in between were deleted before they were landed.`);
          this.positions.set(k, to);
          continue;
        }
        if (REFRESH.has(p.errorCode)) {
          this.#metadata = undefined;
          continue;
        }
        if (p.errorCode) throw kafkaError(`fetching ${k} failed with Kafka error ${p.errorCode}`);
        if (!p.records) continue;
        const emit = onRecord(p.topic, p.partition);
        let epoch = -1;
        const next = decodeRecordBatches(p.records, at, (offset, bytes, start, end, leaderEpoch) => {
          epoch = leaderEpoch;
          emit(offset, bytes, start, end, leaderEpoch);
        });
        if (epoch >= 0) this.epochs.set(k, epoch);
        // A partition whose offset was moved meanwhile (a reassignment) keeps the newer position.
        if (this.positions.get(k) === at) this.positions.set(k, next);
      }
    }
    return warnings;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#pool.close(() => resolve()));
  }

  async #metadataFor(): Promise<Metadata> {
    this.#metadata ??= await this.#consumer.metadata({ topics: [...this.#topics], forceUpdate: true });
    return this.#metadata;
  }
}

/** An error the reconnect loop retries (the client's errors carry PLT_KFK_ codes too). */
function kafkaError(message: string): Error {
  return Object.assign(new Error(message), { code: 'PLT_KFK_RESPONSE' });
}
