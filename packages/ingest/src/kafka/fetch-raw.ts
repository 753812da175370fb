import { createAPI, fetchV12 } from '@platformatic/kafka';
import type { Reader } from '@platformatic/kafka';

/** One partition of a Fetch response, its records left as the broker sent them. */
export interface RawPartition {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: bigint;
  readonly logStartOffset: bigint;
  /** Record batches (v2), possibly ending with a partial batch; null when none. */
  readonly records: Buffer | null;
}

/**
 * Kafka's Fetch (version 12, which brokers from 2.7 to 4.x answer) with the client's request
 * writer and a response reader of our own that leaves each partition's records as bytes: the
 * client's reader builds a JavaScript object per record (key, value, headers), which cost most of
 * the main thread's time and garbage when landing; `decodeRecordBatches` walks the bytes instead.
 * Errors are returned per partition, never thrown: the caller decides what each one means.
 */
export const fetchRaw = createAPI(1, 12, fetchV12.createRequest, parseRawFetch);

function parseRawFetch(_correlationId: number, _apiKey: number, _apiVersion: number, r: Reader): { errorCode: number; partitions: RawPartition[] } {
  r.readInt32(); // throttle_time_ms
  const errorCode = r.readInt16();
  r.readInt32(); // session_id
  const partitions: RawPartition[] = [];
  r.readArray((t: Reader) => {
    const topic = t.readString() ?? '';
    t.readArray((p: Reader) => {
      const partition = p.readInt32();
      const code = p.readInt16();
      const highWatermark = p.readInt64();
      p.readInt64(); // last_stable_offset
      const logStartOffset = p.readInt64();
      p.readNullableArray((a: Reader) => {
        a.readInt64();
        a.readInt64();
      });
      p.readInt32(); // preferred_read_replica
      // COMPACT_RECORDS: length + 1, 0 for null.
      let size = p.readUnsignedVarInt();
      let records: Buffer | null = null;
      if (size > 1) {
        size--;
        records = p.buffer.slice(p.position, p.position + size);
        p.skip(size);
      }
      skipTaggedFields(p);
      partitions.push({ topic, partition, errorCode: code, highWatermark, logStartOffset, records });
    }, true, false);
  }, true, true);
  skipTaggedFields(r);
  return { errorCode, partitions };
}

function skipTaggedFields(r: Reader): void {
  for (let n = r.readUnsignedVarInt(); n > 0; n--) {
    r.readUnsignedVarInt();
    r.skip(r.readUnsignedVarInt());
  }
}
