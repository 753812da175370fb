import type { AbortedTransaction } from './fetch-wire.ts';

/**
 * One record: its offset, as a number (no BigInt is made per record; offsets past 2^53 are
 * refused), and its value `bytes[start, end)` (start = end = -1 for a null value).
 */
export type OnRecord = (offset: number, bytes: Buffer, start: number, end: number, leaderEpoch: number) => void;

/** Decompresses a record batch's records (`attributes & 7` is the codec); the caller loads codecs only when a batch needs one. */
export type Decompress = (codec: number, compressed: Buffer) => Buffer;

const HEADER = 61;
const MAX_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);
const IS_TRANSACTIONAL = 0x10;
const IS_CONTROL = 0x20;
const COMPRESSION = 0x07;

/**
 * Walks Kafka record batches (magic 2) in `buf[start, end)` without building an object per
 * record: for each record at or past `from`, `onRecord` gets its offset and where its value
 * lies. Control batches (transaction markers) are skipped, and so are the batches of `aborted`
 * transactions (read_committed: the broker returns them with the list, the consumer drops them).
 * A partial batch at the end (the broker cuts at the byte limit) is left for the next fetch.
 * Returns the offset to fetch next: past the last whole batch, or `from`.
 */
export function decodeRecordBatches(
  buf: Buffer,
  start: number,
  end: number,
  from: bigint,
  aborted: readonly AbortedTransaction[],
  onRecord: OnRecord,
  decompress: Decompress,
): bigint {
  let next = from;
  let pos = start;
  // Aborted transactions by first offset; a producer is aborted from its first offset to its abort marker.
  const pendingAborts = aborted.length ? [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0)) : undefined;
  const abortedProducers = new Set<bigint>();
  while (pos + HEADER <= end) {
    const base = buf.readBigInt64BE(pos);
    const length = buf.readInt32BE(pos + 8);
    const batchEnd = pos + 12 + length;
    if (batchEnd > end) break;
    const leaderEpoch = buf.readInt32BE(pos + 12);
    const magic = buf.readInt8(pos + 16);
    if (magic !== 2) throw Object.assign(new Error(`Kafka record batch of magic ${magic} at offset ${base}: only magic 2 (Kafka 0.11+) is read`), { code: 'PLT_KFK_USER' });
    const attributes = buf.readInt16BE(pos + 21);
    const lastOffsetDelta = buf.readInt32BE(pos + 23);
    const count = buf.readInt32BE(pos + 57);
    const after = base + BigInt(lastOffsetDelta) + 1n;
    let skip = !!(attributes & IS_CONTROL) || after <= from;
    if (pendingAborts && attributes & IS_TRANSACTIONAL) {
      const last = after - 1n;
      while (pendingAborts.length && pendingAborts[0]!.firstOffset <= last) abortedProducers.add(pendingAborts.shift()!.producerId);
      const producer = buf.readBigInt64BE(pos + 43);
      if (attributes & IS_CONTROL) abortedProducers.delete(producer);
      else if (abortedProducers.has(producer)) skip = true;
    }
    if (!skip) {
      if (after > MAX_OFFSET) throw Object.assign(new Error(`Kafka record batch at offset ${base}: offsets past 2^53 are not supported`), { code: 'PLT_KFK_USER' });
      let records = buf;
      let at = pos + HEADER;
      let stop = batchEnd;
      const codec = attributes & COMPRESSION;
      if (codec) {
        records = decompress(codec, buf.subarray(at, batchEnd));
        at = 0;
        stop = records.length;
      }
      decodeRecords(records, at, stop, count, base, from, leaderEpoch, onRecord);
    }
    if (after > next) next = after;
    pos = batchEnd;
  }
  return next;
}

function decodeRecords(b: Buffer, at: number, stop: number, count: number, baseOffset: bigint, from: bigint, epoch: number, onRecord: OnRecord): void {
  const v = { p: at };
  const fromDelta = from > baseOffset ? Number(from - baseOffset) : 0;
  const base = Number(baseOffset);
  for (let i = 0; i < count && v.p < stop; i++) {
    const length = varint(b, v);
    const recordEnd = v.p + length;
    v.p++; // attributes
    skipVarint(b, v); // timestamp delta
    const delta = varint(b, v);
    const keyLength = varint(b, v);
    if (keyLength > 0) v.p += keyLength;
    const valueLength = varint(b, v);
    const start = valueLength < 0 ? -1 : v.p;
    const end = valueLength < 0 ? -1 : v.p + valueLength;
    if (delta >= fromDelta) onRecord(base + delta, b, start, end, epoch);
    // Headers are not read: the record's length says where the next one starts.
    v.p = recordEnd;
  }
}

/** A zigzag-encoded varint (at most 32 bits). */
function varint(b: Buffer, v: { p: number }): number {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = b[v.p++]!;
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80 && shift < 35);
  return (value >>> 1) ^ -(value & 1);
}

function skipVarint(b: Buffer, v: { p: number }): void {
  while (b[v.p++]! & 0x80);
}
