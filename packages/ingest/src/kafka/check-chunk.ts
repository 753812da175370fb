/**
 * Checking a chunk of consumed records (record-checker.ts runs it between the event loop's other
 * work; tests call it directly). Pure: bytes in, staged lines or rows and rejections out.
 */
import { isUtf8 } from 'node:buffer';
import type { LandingStage } from '@smsql/core';
import { TOPICS, TOPIC_FIELDS } from '../raw-schema.ts';
import { mapRecord } from './map-record.ts';
import { QuickCheck } from '../quick-check.ts';

/** Records in columns, their values packed in one buffer. */
export interface ChunkIn {
  readonly id: number;
  /** `stage`: newline-delimited JSON for a warehouse that reads it (`Lander.insertStaged`); `rows`: parsed values for `append`/inserts. */
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
  /** Kafka offsets as numbers (exact: the fetcher refuses offsets past 2^53), so that no BigInt is made per record. */
  readonly offsets: Float64Array;
  /** Where the staged lines are written: a buffer of at least `bytes` (contents left over). Default: a fresh one. */
  readonly allocate?: (bytes: number) => Buffer;
}

/**
 * The keys each staged line starts with: its record's partition and offset, so that the
 * warehouse reads every row's lineage from the row itself, whatever order its reader keeps (lines
 * were paired with lineage runs by position, which held only while DuckDB preserved insertion
 * order) and without the main thread building runs record by record. Values that have a key of
 * these names are not staged verbatim: they are written again from their checked fields.
 */
export const STAMP = { partitionKey: '_sm_partition', offsetKey: '_sm_offset' } as const;
const STAMP_PARTITION = Buffer.from(`{"${STAMP.partitionKey}":`);
const STAMP_OFFSET = Buffer.from(`,"${STAMP.offsetKey}":`);

/** One raw table's staged lines: the records' JSON objects, one per line, each stamped with its lineage (see {@link STAMP}). */
export interface StagedLines {
  /** Index in TOPICS. */
  readonly table: number;
  /** Index in the input's `kafkaTopics` of the lines' Kafka topic; -1 when they come from more than one. */
  readonly topic: number;
  /** The lines; empty once they are in `stage`, from its byte `at` (see `RecordBatch`). */
  readonly bytes: Uint8Array;
  readonly stage?: LandingStage;
  readonly at?: number;
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
  /** The input, for the records' lineage. Past the check its `values` are empty: their buffer holds later chunks (see `ChunkBuffers`). */
  readonly input: ChunkIn;
}

const quick = TOPICS.map((t) => new QuickCheck(TOPIC_FIELDS[t], [STAMP.partitionKey, STAMP.offsetKey]));
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
  // Two passes: decide each record's line and its length, then write every line into one buffer
  // of the exact size, each table's lines together (a buffer per table sized for the whole chunk
  // allocated four times the chunk, all of it external memory that drives V8 into full collections).
  /** Per record: where the value's fields start (after its `{`), and end (before its `}`); -1 when rejected. */
  const bodyStart = new Int32Array(c.count);
  const bodyEnd = new Int32Array(c.count);
  /** Lines that are not the input's bytes: values written again from their checked fields, by record. */
  let rewritten: Map<number, Uint8Array> | undefined;
  const lines = new Int32Array(TOPICS.length);
  const bytes = new Float64Array(TOPICS.length);
  const topicOf = new Int32Array(TOPICS.length).fill(-2);
  // One UTF-8 check for the whole chunk: in valid UTF-8, a value is valid on its own when it starts
  // and ends on character boundaries (no continuation byte at its first byte or just after its end).
  const allUtf8 = isUtf8(c.values);
  const utf8 = (s: number, e: number) =>
    allUtf8 ? (c.values[s]! & 0xc0) !== 0x80 && (e >= c.values.length || (c.values[e]! & 0xc0) !== 0x80) : isUtf8(c.values.subarray(s, e));
  const v = c.values;
  for (let i = 0; i < c.count; i++) {
    const table = c.tables[i]!;
    const s = c.starts[i]!;
    const e = c.ends[i]!;
    let length: number;
    if (s >= 0 && e > s && utf8(s, e) && quick[table]!.accepts(v, s, e)) {
      // One object: `{`, then its fields (maybe none) up to the closing `}`.
      let b = s;
      while (v[b] !== 0x7b) b++;
      b++;
      let be = trimEnd(v, b, e) - 1;
      while (be > b && (v[be - 1] === 0x20 || v[be - 1] === 0x09)) be--;
      let f = b;
      while (f < be && (v[f] === 0x20 || v[f] === 0x09)) f++;
      bodyStart[i] = f;
      bodyEnd[i] = be;
      length = be - f;
    } else {
      const m = mapRecord(TOPICS[table]!, valueOf(c, i));
      if (!m.ok) {
        rejected.push({ i, raw: m.raw, reason: m.reason });
        bodyStart[i] = bodyEnd[i] = -1;
        continue;
      }
      // Written again from the checked values: one line whatever line breaks it held, and no key of the stamp's.
      const json = fieldsAsJson(TOPICS[table]!, m.values);
      (rewritten ??= new Map()).set(i, json);
      bodyStart[i] = bodyEnd[i] = 0;
      length = json.length;
    }
    // The stamp, a comma before the fields when there are any, the closing brace and the line break.
    length += STAMP_PARTITION.length + digits(c.partitions[i]!) + STAMP_OFFSET.length + digits(c.offsets[i]!) + (length ? 1 : 0) + 2;
    lines[table]!++;
    bytes[table]! += length;
    const t = topicOf[table]!;
    topicOf[table] = t === -2 || t === c.topics[i] ? c.topics[i]! : -1;
  }
  const total = bytes.reduce((a, b) => a + b, 0);
  const out = total ? (c.allocate?.(total) ?? Buffer.allocUnsafeSlow(total)) : EMPTY;
  const index = new Int32Array(c.count - rejected.length);
  const lineEnds = new Int32Array(c.count - rejected.length);
  // Where each table's lines start, in `out` and in the per-line arrays; then where its next line goes.
  const byteAt = new Float64Array(TOPICS.length);
  const lineAt = new Int32Array(TOPICS.length);
  const tableStart = new Float64Array(TOPICS.length);
  const staged: StagedLines[] = [];
  for (let table = 0, b = 0, l = 0; table < TOPICS.length; b += bytes[table]!, l += lines[table]!, table++) {
    byteAt[table] = tableStart[table] = b;
    lineAt[table] = l;
    if (lines[table]) staged.push({ table, topic: topicOf[table]!, bytes: out.subarray(b, b + bytes[table]!), recs: index.subarray(l, l + lines[table]!), ends: lineEnds.subarray(l, l + lines[table]!) });
  }
  // A Buffer over the values (a plain Uint8Array in tests), for a copy without a view per record.
  const vb = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  for (let i = 0; i < c.count; i++) {
    const fs = bodyStart[i]!;
    if (fs < 0) continue;
    const table = c.tables[i]!;
    let at = byteAt[table]!;
    out.set(STAMP_PARTITION, at);
    at = writeDigits(out, at + STAMP_PARTITION.length, c.partitions[i]!);
    out.set(STAMP_OFFSET, at);
    at = writeDigits(out, at + STAMP_OFFSET.length, c.offsets[i]!);
    const json = rewritten?.get(i);
    if (json) {
      if (json.length) {
        out[at++] = 0x2c; // ,
        out.set(json, at);
        at += json.length;
      }
    } else if (bodyEnd[i]! > fs) {
      out[at++] = 0x2c;
      at += vb.copy(out, at, fs, bodyEnd[i]!);
    }
    out[at++] = 0x7d; // }
    out[at++] = 0x0a; // \n
    const l = lineAt[table]!++;
    index[l] = i;
    lineEnds[l] = at - tableStart[table]!;
    byteAt[table] = at;
  }
  return { id: c.id, staged, rejected, input: c };
}

/** Decimal digits of a non-negative integer. */
function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** Writes a non-negative integer's decimal digits at `at`; returns the index after them. */
function writeDigits(out: Uint8Array, at: number, n: number): number {
  const end = at + digits(n);
  for (let k = end - 1; k >= at; k--) {
    const q = Math.floor(n / 10);
    out[k] = 0x30 + (n - q * 10);
    n = q;
  }
  return end;
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

/** The checked values of one record as the fields of a JSON object on one line, without its braces. */
function fieldsAsJson(topic: (typeof TOPICS)[number], values: readonly unknown[]): Uint8Array {
  const fields = TOPIC_FIELDS[topic];
  const o: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) o[fields[i]!.field] = values[i];
  const json = JSON.stringify(o);
  return Buffer.from(json.slice(1, -1));
}
