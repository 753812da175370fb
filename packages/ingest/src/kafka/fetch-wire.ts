/**
 * Kafka's Fetch request and response (version 12, which brokers from 2.7 to 4.x answer) on the
 * wire, sent over `BrokerSocket` by the partition fetcher; it leaves records as bytes in the
 * response for `decodeRecordBatches` to walk, and carries the aborted transactions that
 * read_committed must skip (the client's reader dropped them). Pure: bytes in and
 * out. Errors are returned per partition, never thrown: the caller decides what each one means.
 */

export const FETCH_API_KEY = 1;
export const FETCH_VERSION = 12;

export interface FetchPartitionRequest {
  readonly partition: number;
  readonly fetchOffset: bigint;
  readonly maxBytes: number;
}

export interface FetchRequest {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  /** 0 read_uncommitted, 1 read_committed. */
  readonly isolationLevel: number;
  readonly topics: readonly { readonly topic: string; readonly partitions: readonly FetchPartitionRequest[] }[];
}

export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
}

/** One partition of a Fetch response; its records are `buf[recordsStart, recordsEnd)` of the response (empty when none). */
export interface FetchedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: bigint;
  readonly logStartOffset: bigint;
  /** read_committed: transactions aborted in the range returned, whose records must be skipped. */
  readonly aborted: readonly AbortedTransaction[];
  readonly recordsStart: number;
  readonly recordsEnd: number;
}

/** The whole request frame (size prefix, header v2, body) for `correlationId`. */
export function encodeFetchRequest(correlationId: number, clientId: string, r: FetchRequest): Buffer {
  const client = Buffer.from(clientId, 'utf8');
  const names = r.topics.map((t) => Buffer.from(t.topic, 'utf8'));
  let size = 4 + 2 + 2 + 4 + 2 + client.length + 1; // size, api key, version, correlation id, client id, tags
  size += 4 + 4 + 4 + 4 + 1 + 4 + 4 + 5 + 1 + 1 + 1; // body fixed fields, topic count, forgotten topics, rack id, tags
  r.topics.forEach((t, i) => (size += 5 + names[i]!.length + 5 + t.partitions.length * (4 + 4 + 8 + 4 + 8 + 4 + 1) + 1));
  const b = Buffer.allocUnsafe(size);
  let at = 4;
  at = b.writeInt16BE(FETCH_API_KEY, at);
  at = b.writeInt16BE(FETCH_VERSION, at);
  at = b.writeInt32BE(correlationId, at);
  at = b.writeInt16BE(client.length, at);
  at += client.copy(b, at);
  b[at++] = 0; // header tagged fields
  at = b.writeInt32BE(-1, at); // replica id: a consumer
  at = b.writeInt32BE(r.maxWaitMs, at);
  at = b.writeInt32BE(r.minBytes, at);
  at = b.writeInt32BE(r.maxBytes, at);
  at = b.writeInt8(r.isolationLevel, at);
  at = b.writeInt32BE(0, at); // session id: no fetch session
  at = b.writeInt32BE(-1, at); // session epoch: full fetch, no session
  at = uvarint(b, at, r.topics.length + 1);
  r.topics.forEach((t, i) => {
    at = uvarint(b, at, names[i]!.length + 1);
    at += names[i]!.copy(b, at);
    at = uvarint(b, at, t.partitions.length + 1);
    for (const p of t.partitions) {
      at = b.writeInt32BE(p.partition, at);
      at = b.writeInt32BE(-1, at); // current leader epoch: not checked
      at = b.writeBigInt64BE(p.fetchOffset, at);
      at = b.writeInt32BE(-1, at); // last fetched epoch
      at = b.writeBigInt64BE(-1n, at); // log start offset: a consumer's is -1
      at = b.writeInt32BE(p.maxBytes, at);
      b[at++] = 0;
    }
    b[at++] = 0;
  });
  b[at++] = 1; // forgotten topics: none
  b[at++] = 1; // rack id: ''
  b[at++] = 0;
  b.writeInt32BE(at - 4, 0);
  return b.subarray(0, at);
}

/** A response frame's body after the size prefix: `buf[start, end)`. Throws on a frame cut short. */
export function parseFetchResponse(buf: Buffer, start: number, end: number): { correlationId: number; errorCode: number; partitions: FetchedPartition[] } {
  const r = new WireReader(buf, start, end);
  const correlationId = r.int32();
  r.skipTags(); // response header v1
  r.int32(); // throttle time
  const errorCode = r.int16();
  r.int32(); // session id
  const partitions: FetchedPartition[] = [];
  for (let nt = r.uvarint() - 1; nt > 0; nt--) {
    const topic = r.compactString();
    for (let np = r.uvarint() - 1; np > 0; np--) {
      const partition = r.int32();
      const code = r.int16();
      const highWatermark = r.int64();
      r.int64(); // last stable offset
      const logStartOffset = r.int64();
      const aborted: AbortedTransaction[] = [];
      for (let na = r.uvarint() - 1; na > 0; na--) {
        aborted.push({ producerId: r.int64(), firstOffset: r.int64() });
        r.skipTags();
      }
      r.int32(); // preferred read replica
      const size = r.uvarint() - 1; // COMPACT_RECORDS: length + 1, 0 for null
      const recordsStart = r.at;
      if (size > 0) r.skip(size);
      r.skipTags();
      partitions.push({ topic, partition, errorCode: code, highWatermark, logStartOffset, aborted, recordsStart, recordsEnd: r.at });
    }
    r.skipTags();
  }
  r.skipTags();
  return { correlationId, errorCode, partitions };
}

function uvarint(b: Buffer, at: number, v: number): number {
  while (v >= 0x80) {
    b[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  b[at++] = v;
  return at;
}

class WireReader {
  readonly #b: Buffer;
  readonly #end: number;
  at: number;

  constructor(b: Buffer, start: number, end: number) {
    this.#b = b;
    this.at = start;
    this.#end = end;
  }

  skip(n: number): void {
    if (n < 0 || this.at + n > this.#end) throw new Error(`Kafka Fetch response cut short at byte ${this.at}`);
    this.at += n;
  }

  int16(): number {
    const at = this.at;
    this.skip(2);
    return this.#b.readInt16BE(at);
  }

  int32(): number {
    const at = this.at;
    this.skip(4);
    return this.#b.readInt32BE(at);
  }

  int64(): bigint {
    const at = this.at;
    this.skip(8);
    return this.#b.readBigInt64BE(at);
  }

  uvarint(): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.at >= this.#end) break;
      const byte = this.#b[this.at++]!;
      v |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v >>> 0;
    }
    throw new Error(`Kafka Fetch response has a bad varint at byte ${this.at}`);
  }

  compactString(): string {
    const n = this.uvarint() - 1;
    if (n < 0) return '';
    const at = this.at;
    this.skip(n);
    return this.#b.toString('utf8', at, at + n);
  }

  skipTags(): void {
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }
}
