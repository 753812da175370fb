/**
 * Checking a chunk of consumed records, the work done off the main thread (check-worker.ts runs
 * it; tests call it directly). Pure: bytes in, staged lines or rows and rejections out.
 */
import { isUtf8 } from 'node:buffer';
import { TOPICS, TOPIC_FIELDS } from '../raw-schema.ts';
import { mapRecord } from './map-record.ts';
import { QuickCheck } from '../quick-check.ts';

/** Records in columns, their values packed in one buffer (transferred to the worker and back). */
export interface ChunkIn {
  readonly id: number;
  /** `stage`: newline-delimited JSON for a warehouse that reads it (`Lander.insertRecords`); `rows`: parsed values for `append`/inserts. */
  readonly mode: 'stage' | 'rows';
  readonly count: number;
  readonly values: Uint8Array;
  /** Where each value starts in `values`; -1 for a record without a value (a tombstone). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Index in TOPICS of each record's raw table. */
  readonly tables: Uint8Array;
  /** Index in `kafkaTopics` of each record's Kafka topic. */
  readonly topics: Uint16Array;
  readonly kafkaTopics: readonly string[];
  readonly partitions: Int32Array;
  readonly offsets: BigInt64Array;
}

/** One raw table's staged lines: the records' JSON objects, one per line. */
export interface StagedLines {
  /** Index in TOPICS. */
  readonly table: number;
  readonly bytes: Uint8Array;
  /** Per line: the record's index in the chunk, and the byte after the line's `\n`. */
  readonly recs: Int32Array;
  readonly ends: Int32Array;
}

export interface ChunkOut {
  readonly id: number;
  readonly staged: readonly StagedLines[];
  /** `rows` mode: each record's values in TOPIC_FIELDS order, null when rejected. */
  readonly rows?: readonly (unknown[] | null)[];
  readonly rejected: readonly { readonly i: number; readonly raw: string; readonly reason: string }[];
  /** The input, handed back so that the main thread can read raw values again if the warehouse refuses the staged lines. */
  readonly input: ChunkIn;
}

const quick = TOPICS.map((t) => new QuickCheck(TOPIC_FIELDS[t]));
const EMPTY = new Uint8Array(0);

export function checkChunk(c: ChunkIn): ChunkOut {
  const rejected: { i: number; raw: string; reason: string }[] = [];
  if (c.mode === 'rows') {
    const rows: (unknown[] | null)[] = new Array(c.count);
    for (let i = 0; i < c.count; i++) {
      const m = mapRecord(TOPICS[c.tables[i]!]!, valueOf(c, i));
      if (m.ok) rows[i] = m.values;
      else {
        rows[i] = null;
        rejected.push({ i, raw: m.raw, reason: m.reason });
      }
    }
    return { id: c.id, staged: [], rows, rejected, input: c };
  }
  // Two passes: decide each record's line, then copy the lines into one buffer of the exact size
  // (a buffer per table sized for the whole chunk allocated four times the chunk, all of it
  // external memory that drives V8 into full collections).
  const lineStart = new Int32Array(c.count);
  const lineEnd = new Int32Array(c.count);
  /** Lines that are not a slice of the input: re-written values, by record. */
  let rewritten: Map<number, Uint8Array> | undefined;
  const lines = new Int32Array(TOPICS.length);
  const bytes = new Float64Array(TOPICS.length);
  // One UTF-8 check for the whole chunk: in valid UTF-8, a value is valid on its own when it starts
  // and ends on character boundaries (no continuation byte at its first byte or just after its end).
  const allUtf8 = isUtf8(c.values);
  const utf8 = (s: number, e: number) =>
    allUtf8 ? (c.values[s]! & 0xc0) !== 0x80 && (e >= c.values.length || (c.values[e]! & 0xc0) !== 0x80) : isUtf8(c.values.subarray(s, e));
  for (let i = 0; i < c.count; i++) {
    const table = c.tables[i]!;
    const s = c.starts[i]!;
    const e = c.ends[i]!;
    const verbatim = s >= 0 && e > s && utf8(s, e) && quick[table]!.accepts(c.values, s, e);
    let length: number;
    if (verbatim) {
      lineStart[i] = s;
      lineEnd[i] = trimEnd(c.values, s, e);
      length = lineEnd[i]! - s;
    } else {
      const m = mapRecord(TOPICS[table]!, valueOf(c, i));
      if (!m.ok) {
        rejected.push({ i, raw: m.raw, reason: m.reason });
        lineStart[i] = lineEnd[i] = -1;
        continue;
      }
      const v = c.values.subarray(s, trimEnd(c.values, s, e));
      // A line break inside the value (JSON allows one between tokens) would split the staged line: write the checked values instead.
      if (v.indexOf(0x0a) < 0 && v.indexOf(0x0d) < 0) {
        lineStart[i] = s;
        lineEnd[i] = s + v.length;
        length = v.length;
      } else {
        const json = valuesAsJson(TOPICS[table]!, m.values);
        (rewritten ??= new Map()).set(i, json);
        lineStart[i] = lineEnd[i] = 0;
        length = json.length;
      }
    }
    lines[table]!++;
    bytes[table]! += length + 1;
  }
  const total = bytes.reduce((a, b) => a + b, 0);
  const out = total ? Buffer.allocUnsafeSlow(total) : EMPTY;
  const index = new Int32Array(c.count - rejected.length);
  const lineEnds = new Int32Array(c.count - rejected.length);
  const staged: StagedLines[] = [];
  let at = 0;
  let n = 0;
  for (let table = 0; table < TOPICS.length; table++) {
    if (!lines[table]) continue;
    const byteStart = at;
    const first = n;
    for (let i = 0; i < c.count; i++) {
      if (c.tables[i] !== table || lineStart[i]! < 0) continue;
      const json = rewritten?.get(i);
      if (json) {
        out.set(json, at);
        at += json.length;
      } else {
        out.set(c.values.subarray(lineStart[i], lineEnd[i]), at);
        at += lineEnd[i]! - lineStart[i]!;
      }
      out[at++] = 0x0a; // \n
      index[n] = i;
      lineEnds[n++] = at - byteStart;
    }
    staged.push({ table, bytes: out.subarray(byteStart, at), recs: index.subarray(first, n), ends: lineEnds.subarray(first, n) });
  }
  return { id: c.id, staged, rejected, input: c };
}

function valueOf(c: ChunkIn, i: number): Buffer | null {
  const s = c.starts[i]!;
  if (s < 0) return null;
  return Buffer.from(c.values.buffer, c.values.byteOffset + s, c.ends[i]! - s);
}

/** The end of `b[s, e)` without the spaces and line breaks a producer may end a value with. */
function trimEnd(b: Uint8Array, s: number, e: number): number {
  while (e > s && (b[e - 1] === 0x0a || b[e - 1] === 0x0d || b[e - 1] === 0x20 || b[e - 1] === 0x09)) e--;
  return e;
}

/** The checked values of one record as a JSON object on one line. */
function valuesAsJson(topic: (typeof TOPICS)[number], values: readonly unknown[]): Uint8Array {
  const fields = TOPIC_FIELDS[topic];
  const o: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) o[fields[i]!.field] = values[i];
  return Buffer.from(JSON.stringify(o));
}
