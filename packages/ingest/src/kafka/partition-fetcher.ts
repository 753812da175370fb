import { ListOffsetTimestamps, compressionsAlgorithmsByBitmask } from '@platformatic/kafka';
import type { Consumer } from '@platformatic/kafka';
import { BrokerSocket } from './broker-socket.ts';
import { decodeRecordBatches } from './decode-record-batches.ts';
import type { Decompress } from './decode-record-batches.ts';
import { encodeFetchRequest, parseFetchResponse } from './fetch-wire.ts';
import type { FetchPartitionRequest, FetchedPartition } from './fetch-wire.ts';

/** Where one record's value lies, and its offset (exact, below 2^53; see `decodeRecordBatches`). */
export type OnRecord = (offset: number, bytes: Buffer, start: number, end: number, leaderEpoch: number) => void;

/** How long a fetch may take beyond its long poll before the broker counts as gone (the client's default request timeout). */
const REQUEST_TIMEOUT_MS = 30_000;

/** Record batches compressed by the producer, decompressed with the client's codecs. */
const decompress: Decompress = (codec, b) => {
  const algorithm = compressionsAlgorithmsByBitmask[codec as keyof typeof compressionsAlgorithmsByBitmask];
  if (!algorithm) throw Object.assign(new Error(`Kafka record batch compressed with unknown codec ${codec}`), { code: 'PLT_KFK_USER' });
  return algorithm.decompressSync(b) as Buffer;
};

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
 * round, decoding records straight into the caller's columns (see `decodeRecordBatches`). Fetch
 * is spoken over sockets of our own (fetch-wire.ts, broker-socket.ts) that read every response
 * into one buffer kept between fetches: the client's connection allocated a buffer per socket
 * read and copied each partition's records out of them again, tens of megabytes per batch whose
 * external memory drove V8 into a full garbage collection every few megabytes. Group
 * membership, heartbeats and rebalances stay the client's; offsets are ours: `positions` holds
 * the next offset of every partition being read, set by the caller when a partition is assigned.
 */
export class PartitionFetcher {
  readonly #consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  readonly #clientId: string;
  /** One connection per broker, `host:port`, for fetches only. */
  readonly #sockets = new Map<string, BrokerSocket>();
  #correlation = 0;
  readonly #topics: readonly string[];
  readonly #opts: FetcherOptions;
  #metadata: Metadata | undefined;
  /** Next offset to fetch per `topic:partition` being read. */
  readonly positions = new Map<string, bigint>();
  /** Partition leader epoch of the last batch read, per `topic:partition`, for commits. */
  readonly epochs = new Map<string, number>();

  constructor(consumer: Consumer<Buffer, Buffer, Buffer, Buffer>, clientId: string, topics: readonly string[], opts: FetcherOptions) {
    this.#consumer = consumer;
    this.#clientId = `${clientId}-fetch`;
    this.#topics = topics;
    this.#opts = opts;
  }

  /**
   * Where to start each of `partitions` (`topic:partition`): the larger of `known` (the
   * warehouse's offsets, read by the caller while Kafka is asked) and the group's committed
   * offset, or the earliest offset Kafka still has.
   */
  async startOffsets(partitions: readonly string[], knownOffsets: Promise<ReadonlyMap<string, bigint>>, groupCommitted: boolean): Promise<Map<string, bigint>> {
    const byTopic = new Map<string, number[]>();
    for (const k of partitions) {
      const i = k.lastIndexOf(':');
      const list = byTopic.get(k.slice(0, i)) ?? [];
      list.push(Number(k.slice(i + 1)));
      byTopic.set(k.slice(0, i), list);
    }
    const topics = [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps }));
    const [known, committed, earliest] = await Promise.all([
      knownOffsets,
      groupCommitted ? this.#consumer.listCommittedOffsets({ topics }) : new Map<string, bigint[]>(),
      this.#consumer.listOffsets({ topics: [...byTopic.keys()], timestamp: ListOffsetTimestamps.EARLIEST }),
    ]);
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
    const byNode = new Map<number, { topic: string; partitions: FetchPartitionRequest[] }[]>();
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
      let t = list.find((x) => x.topic === topic);
      if (!t) list.push((t = { topic, partitions: [] }));
      t.partitions.push({ partition, fetchOffset: offset, maxBytes: this.#opts.maxBytesPerPartition });
    }
    const o = this.#opts;
    const responses = await Promise.all(
      [...byNode].map(async ([node, topics]) => {
        const broker = metadata.brokers.get(node);
        if (!broker) {
          this.#metadata = undefined;
          return { body: Buffer.alloc(0), partitions: [] as FetchedPartition[] };
        }
        const name = `${broker.host}:${broker.port}`;
        let socket = this.#sockets.get(name);
        if (!socket) this.#sockets.set(name, (socket = new BrokerSocket(broker.host, broker.port)));
        const id = (this.#correlation = (this.#correlation + 1) & 0x7fffffff);
        const request = { maxWaitMs: o.maxWaitMs, minBytes: 1, maxBytes: o.maxBytes, isolationLevel: o.isolationLevel, topics };
        // The body is the socket's buffer, valid until its next request: records are decoded (and copied) below, before any.
        const body = await socket.request(encodeFetchRequest(id, this.#clientId, request), o.maxWaitMs + REQUEST_TIMEOUT_MS);
        const res = parseFetchResponse(body, 0, body.length);
        if (res.correlationId !== id) {
          socket.close();
          throw kafkaError(`Kafka broker ${node} answered request ${res.correlationId} to request ${id}`);
        }
        if (res.errorCode) throw kafkaError(`fetch from broker ${node} failed with Kafka error ${res.errorCode}`);
        return { body, partitions: res.partitions };
      }),
    );
    for (const { body, partitions } of responses) {
      for (const p of partitions) {
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
        if (p.recordsEnd <= p.recordsStart) continue;
        const emit = onRecord(p.topic, p.partition);
        let epoch = -1;
        const next = decodeRecordBatches(
          body,
          p.recordsStart,
          p.recordsEnd,
          at,
          p.aborted,
          (offset, bytes, start, end, leaderEpoch) => {
            epoch = leaderEpoch;
            emit(offset, bytes, start, end, leaderEpoch);
          },
          decompress,
        );
        if (epoch >= 0) this.epochs.set(k, epoch);
        // A partition whose offset was moved meanwhile (a reassignment) keeps the newer position.
        if (this.positions.get(k) === at) this.positions.set(k, next);
      }
    }
    return warnings;
  }

  close(): Promise<void> {
    for (const socket of this.#sockets.values()) socket.close();
    this.#sockets.clear();
    return Promise.resolve();
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
