import { compressionsAlgorithmsByBitmask } from '@platformatic/kafka';

/** Where one record's value lies, and its offset. */
export type OnRecord = (offset: bigint, bytes: Buffer, start: number, end: number, leaderEpoch: number) => void;

const HEADER = 61;
const IS_CONTROL = 0x20;
const COMPRESSION = 0x07;

/**
 * Walks Kafka record batches (magic 2) without building an object per record: for each record
 * at or past `from`, `onRecord` gets its offset and where its value lies (start = end = -1 for a
 * null value). Control batches (transaction markers) are skipped, compressed ones decompressed
 * with the client's codecs. A partial batch at the end (the broker cuts at the byte limit) is left
 * for the next fetch. Returns the offset to fetch next: past the last whole batch, or `from`.
 */
export function decodeRecordBatches(buf: Buffer, from: bigint, onRecord: OnRecord): bigint {
  let next = from;
  let pos = 0;
  while (pos + HEADER <= buf.length) {
    const base = buf.readBigInt64BE(pos);
    const length = buf.readInt32BE(pos + 8);
    const end = pos + 12 + length;
    if (end > buf.length) break;
    const leaderEpoch = buf.readInt32BE(pos + 12);
    const magic = buf.readInt8(pos + 16);
    if (magic !== 2) throw Object.assign(new Error(`Kafka record batch of magic ${magic} at offset ${base}: only magic 2 (Kafka 0.11+) is read`), { code: 'PLT_KFK_USER' });
    const attributes = buf.readInt16BE(pos + 21);
    const lastOffsetDelta = buf.readInt32BE(pos + 23);
    const count = buf.readInt32BE(pos + 57);
    const after = base + BigInt(lastOffsetDelta) + 1n;
    if (!(attributes & IS_CONTROL) && after > from) {
      let records = buf;
      let at = pos + HEADER;
      let stop = end;
      const codec = attributes & COMPRESSION;
      if (codec) {
        const algorithm = compressionsAlgorithmsByBitmask[codec];
        if (!algorithm) throw Object.assign(new Error(`Kafka record batch compressed with unknown codec ${codec}`), { code: 'PLT_KFK_USER' });
        records = algorithm.decompressSync(buf.subarray(at, end)) as Buffer;
        at = 0;
        stop = records.length;
      }
      decodeRecords(records, at, stop, count, base, from, leaderEpoch, onRecord);
    }
    if (after > next) next = after;
    pos = end;
  }
  return next;
}

function decodeRecords(b: Buffer, at: number, stop: number, count: number, base: bigint, from: bigint, epoch: number, onRecord: OnRecord): void {
  const v = { p: at };
  const fromDelta = from > base ? Number(from - base) : 0;
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
    if (delta >= fromDelta) onRecord(base + BigInt(delta), b, start, end, epoch);
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
