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
  /**
   * Per record, where its line starts when the batch wrote the stamp (see {@link STAMP}) just
   * before the value and a line break just after it (values that are `{` ... `}`), -1 when not.
   * A line is then staged where it is, the value's `{` becoming the stamp's comma, unless rejected.
   */
  readonly lineStarts?: Int32Array;
}

/**
 * The keys each staged line starts with: its record's partition and offset, so that the
 * warehouse reads every row's lineage from the row itself, whatever order its reader keeps (lines
 * were paired with lineage runs by position, which held only while DuckDB preserved insertion
 * order) and without the main thread building runs record by record. Values that have a key of
 * these names are not staged verbatim: they are written again from their checked fields.
 */
export const STAMP = { partitionKey: '_sm_partition', offsetKey: '_sm_offset' } as const;
export const STAMP_PARTITION = Buffer.from(`{"${STAMP.partitionKey}":`);
export const STAMP_OFFSET = Buffer.from(`,"${STAMP.offsetKey}":`);

/** One raw table's staged lines: the records' JSON objects, one per line, each stamped with its lineage (see {@link STAMP}). */
export interface StagedLines {
  /** Index in TOPICS. */
  readonly table: number;
  /** Index in the input's `kafkaTopics` of the lines' Kafka topic; -1 when they come from more than one. */
  readonly topic: number;
  /** The lines, one after another across the pieces; none once they are in `stage`, from its byte `at` (see `RecordBatch`). */
  readonly pieces: readonly Uint8Array[];
  readonly stage?: LandingStage;
  readonly at?: number;
  /** Per line: the record's index in the chunk, and the byte after the line's `\n` (counted across the pieces). */
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
  // Two passes: decide each record's line, then lay the lines out per table. A value the batch
  // wrote after its stamp (`lineStarts`) is its line once its `{` becomes the comma after the stamp:
  // those lines stay where they are, in the input's buffer. The others (values written again from
  // their checked fields, values with spaces around them, values not stamped) are written into one
  // buffer of the exact size, `extra`.
  /** Per record: where its line starts in the input (stamped in place), -1 when it is written to `extra`, -2 when rejected. */
  const inPlace = new Int32Array(c.count);
  /** Per record written to `extra`: where the value's fields start (after its `{`), and end (before its `}`); 0, 0 for a rewritten one. */
  const bodyStart = new Int32Array(c.count);
  const bodyEnd = new Int32Array(c.count);
  /** Lines that are not the input's bytes: values written again from their checked fields, by record. */
  let rewritten: Map<number, Uint8Array> | undefined;
  const lines = new Int32Array(TOPICS.length);
  let extraBytes = 0;
  const topicOf = new Int32Array(TOPICS.length).fill(-2);
  // One UTF-8 check for the whole chunk: in valid UTF-8, a value is valid on its own when it starts
  // and ends on character boundaries (no continuation byte at its first byte or just after its end).
  const allUtf8 = isUtf8(c.values);
  const utf8 = (s: number, e: number) =>
    allUtf8 ? (c.values[s]! & 0xc0) !== 0x80 && (e >= c.values.length || (c.values[e]! & 0xc0) !== 0x80) : isUtf8(c.values.subarray(s, e));
  const v = c.values;
  const lineStarts = c.lineStarts;
  let rejectedCount = 0;
  for (let i = 0; i < c.count; i++) {
    const table = c.tables[i]!;
    const s = c.starts[i]!;
    const e = c.ends[i]!;
    if (s >= 0 && e > s && utf8(s, e) && quick[table]!.accepts(v, s, e)) {
      // One object: `{`, then its fields (maybe none) up to the closing `}`.
      let b = s;
      while (v[b] !== 0x7b) b++;
      b++;
      let f = b;
      while (f < e && (v[f] === 0x20 || v[f] === 0x09)) f++;
      const ls = lineStarts ? lineStarts[i]! : -1;
      // In place needs a field after the stamp's comma (`{}` would leave `,}`); the batch stamps only values from `{` to `}`.
      if (ls >= 0 && v[f] !== 0x7d) inPlace[i] = ls;
      else {
        let be = trimEnd(v, b, e) - 1;
        while (be > b && (v[be - 1] === 0x20 || v[be - 1] === 0x09)) be--;
        inPlace[i] = -1;
        bodyStart[i] = f;
        bodyEnd[i] = be;
        extraBytes += stampedLength(c, i, be - f);
      }
    } else {
      const m = mapRecord(TOPICS[table]!, valueOf(c, i));
      if (!m.ok) {
        rejected.push({ i, raw: m.raw, reason: m.reason });
        inPlace[i] = -2;
        rejectedCount++;
        continue;
      }
      // Written again from the checked values: one line whatever line breaks it held, and no key of the stamp's.
      const json = fieldsAsJson(TOPICS[table]!, m.values);
      (rewritten ??= new Map()).set(i, json);
      inPlace[i] = -1;
      bodyStart[i] = bodyEnd[i] = 0;
      extraBytes += stampedLength(c, i, json.length);
    }
    lines[table]!++;
    const t = topicOf[table]!;
    topicOf[table] = t === -2 || t === c.topics[i] ? c.topics[i]! : -1;
  }
  const extra = extraBytes ? Buffer.allocUnsafeSlow(extraBytes) : EMPTY;
  const index = new Int32Array(c.count - rejectedCount);
  const lineEnds = new Int32Array(c.count - rejectedCount);
  /** Per table: where its next line goes in the per-line arrays, the bytes of its lines so far, its pieces, and where its last piece ends (in `v` when in place, else in `extra`; -1 before the first). */
  const lineAt = new Int32Array(TOPICS.length);
  const tableBytes = new Float64Array(TOPICS.length);
  const pieces: Uint8Array[][] = TOPICS.map(() => []);
  const pieceStart = new Float64Array(TOPICS.length);
  const pieceEnd = new Float64Array(TOPICS.length).fill(-1);
  const pieceInPlace = new Uint8Array(TOPICS.length);
  for (let table = 0, l = 0; table < TOPICS.length; l += lines[table]!, table++) lineAt[table] = l;
  const close = (table: number) => {
    if (pieceEnd[table]! >= 0) pieces[table]!.push((pieceInPlace[table] ? v : extra).subarray(pieceStart[table]!, pieceEnd[table]!));
  };
  // A Buffer over the values (a plain Uint8Array in tests), for a copy without a view per record.
  const vb = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  let x = 0;
  for (let i = 0; i < c.count; i++) {
    const ls = inPlace[i]!;
    if (ls === -2) continue;
    const table = c.tables[i]!;
    let start: number;
    let end: number;
    if (ls >= 0) {
      // The stamp is before the value, its line break after: the `{` becomes the stamp's comma.
      v[c.starts[i]!] = 0x2c;
      start = ls;
      end = c.ends[i]! + 1;
    } else {
      start = x;
      extra.set(STAMP_PARTITION, x);
      x = writeDigits(extra, x + STAMP_PARTITION.length, c.partitions[i]!);
      extra.set(STAMP_OFFSET, x);
      x = writeDigits(extra, x + STAMP_OFFSET.length, c.offsets[i]!);
      const json = rewritten?.get(i);
      if (json) {
        if (json.length) {
          extra[x++] = 0x2c; // ,
          extra.set(json, x);
          x += json.length;
        }
      } else if (bodyEnd[i]! > bodyStart[i]!) {
        extra[x++] = 0x2c;
        x += vb.copy(extra, x, bodyStart[i]!, bodyEnd[i]!);
      }
      extra[x++] = 0x7d; // }
      extra[x++] = 0x0a; // \n
      end = x;
    }
    const here = ls >= 0 ? 1 : 0;
    if (pieceEnd[table] !== start || pieceInPlace[table] !== here) {
      close(table);
      pieceStart[table] = start;
      pieceInPlace[table] = here;
    }
    pieceEnd[table] = end;
    tableBytes[table] = tableBytes[table]! + end - start;
    const l = lineAt[table]!++;
    index[l] = i;
    lineEnds[l] = tableBytes[table]!;
  }
  const staged: StagedLines[] = [];
  for (let table = 0, l = 0; table < TOPICS.length; l += lines[table]!, table++) {
    if (!lines[table]) continue;
    close(table);
    staged.push({ table, topic: topicOf[table]!, pieces: pieces[table]!, recs: index.subarray(l, l + lines[table]!), ends: lineEnds.subarray(l, l + lines[table]!) });
  }
  return { id: c.id, staged, rejected, input: c };
}

/** The length of record `i`'s staged line written out with `fields` bytes of fields: the stamp, a comma before the fields when there are any, the closing brace and the line break. */
function stampedLength(c: ChunkIn, i: number, fields: number): number {
  return STAMP_PARTITION.length + digits(c.partitions[i]!) + STAMP_OFFSET.length + digits(c.offsets[i]!) + (fields ? fields + 1 : 0) + 2;
}

/** Decimal digits of a non-negative integer. */
export function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** Writes a non-negative integer's decimal digits at `at`; returns the index after them. */
export function writeDigits(out: Uint8Array, at: number, n: number): number {
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
