import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import type { Lander, LandingField, LandingTable } from '@smsql/core';
import { QuickCheck } from './quick-check.ts';
import type { ScannedFile } from './scan-lake-file.ts';

/** Same convention as Kafka landing: the bytes in base64, and the reason says so. */
export const NOT_UTF8 = 'line is not valid UTF-8 (raw_value holds the bytes in base64)';

/** Lines handed to the warehouse at once: bounds memory to this plus the longest line. */
const CHUNK_CHARS = 4 << 20;
const CHUNK_LINES = 20_000;
/**
 * Longest line checked one by one in the warehouse: its JSON functions need several times a
 * line's size, so a longer line that the quick check does not pass is a dead letter (kept whole)
 * rather than a risk to the whole load. DuckDB's own reader stops at the same size by default.
 */
export const LONGEST_CHECKED_LINE = 16 << 20;
/** Bytes of lines the quick check passed, staged for the warehouse's reader at once. */
const STAGE_BYTES = 8 << 20;
const READ = 1 << 20;

/** One quick check per field list, built once. */
const quickChecks = new WeakMap<readonly LandingField[], QuickCheck>();

/** A line that did not land. */
export interface RejectedLine {
  readonly offset: number;
  /** The line as text, or its bytes in base64 when it is not UTF-8. */
  readonly raw: string;
  readonly reason: string;
}

/**
 * Lands one file line by line in the caller's transaction: read here a megabyte at a time, so
 * memory grows with the longest line, never with the file. Lines the quick check passes (the
 * great majority in a file with a few bad lines) are staged a few megabytes at a time for the
 * warehouse's reader with their line numbers (`Lander.insertRecords`); the others are handed to
 * the warehouse to be checked one by one with the rules of the whole-file path
 * (`Lander.insertLines`), which gives each bad line its reason. Reads exactly the bytes the scan
 * counted.
 * `onRejected` receives each chunk's rejected lines (to write as dead letters in the same
 * transaction). Resolves to the rows landed and lines rejected.
 */
export async function landLines(
  lander: Lander,
  table: LandingTable,
  topic: string,
  file: ScannedFile,
  onRejected: (lines: readonly RejectedLine[]) => Promise<void>,
): Promise<{ rows: number; rejected: number }> {
  let rows = 0;
  let rejectedCount = 0;
  let quick = quickChecks.get(table.fields);
  if (!quick) quickChecks.set(table.fields, (quick = new QuickCheck(table.fields)));
  const head = Buffer.from(`{"t":${JSON.stringify(topic)},"p":null,"f":${JSON.stringify(file.rel)},"o":`);
  let staged = Buffer.allocUnsafe(STAGE_BYTES + 1024);
  let stagedAt = 0;
  const flushStaged = async () => {
    if (!stagedAt) return;
    const bytes = staged.subarray(0, stagedAt);
    rows += await lander.insertRecords(table, [bytes]);
    staged = Buffer.allocUnsafe(STAGE_BYTES + 1024);
    stagedAt = 0;
  };
  const stage = async (b: Buffer, offset: number) => {
    const off = String(offset);
    const need = head.length + off.length + 5 + b.length + 2;
    if (stagedAt + need > staged.length) {
      await flushStaged();
      if (need > staged.length) staged = Buffer.allocUnsafe(need);
    }
    stagedAt += head.copy(staged, stagedAt);
    stagedAt += staged.write(off, stagedAt, 'latin1');
    stagedAt += staged.write(',"v":', stagedAt, 'latin1');
    stagedAt += b.copy(staged, stagedAt);
    staged[stagedAt++] = 0x7d; // }
    staged[stagedAt++] = 0x0a; // \n
    if (stagedAt >= STAGE_BYTES) await flushStaged();
  };
  let chunk: { offset: number; text: string }[] = [];
  let chunkChars = 0;
  let early: RejectedLine[] = [];
  const flush = async () => {
    const lines = chunk;
    const pre = early;
    chunk = [];
    chunkChars = 0;
    early = [];
    const r = await lander.insertLines(table, { topic, file: file.rel, lines });
    rows += r.rows;
    const rejected: RejectedLine[] = [...pre];
    for (const [i, reason] of r.rejected) rejected.push({ offset: lines[i]!.offset, raw: lines[i]!.text, reason });
    rejectedCount += rejected.length;
    if (rejected.length) await onRejected(rejected);
  };
  const line = async (bytes: Buffer, offset: number) => {
    const b = bytes.length && bytes[bytes.length - 1] === 13 ? bytes.subarray(0, bytes.length - 1) : bytes;
    if (!isUtf8(b)) early.push({ offset, raw: b.toString('base64'), reason: NOT_UTF8 });
    else if (quick!.accepts(b, 0, b.length)) return stage(b, offset);
    else if (b.length > LONGEST_CHECKED_LINE) {
      early.push({ offset, raw: b.toString('utf8'), reason: `line of ${b.length} bytes is longer than the ${LONGEST_CHECKED_LINE >> 20} MiB a line can be checked with, and not a plain Eventsim record` });
    } else {
      const text = b.toString('utf8');
      chunk.push({ offset, text });
      chunkChars += text.length;
    }
    if (chunkChars >= CHUNK_CHARS || chunk.length + early.length >= CHUNK_LINES) await flush();
  };

  const fh = await open(file.abs, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ);
    /** The start of a line cut by the read buffer's end, waiting for its rest. */
    let pending: Buffer[] = [];
    let offset = 0;
    let left = file.size;
    while (left > 0) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(READ, left), null);
      if (bytesRead === 0) throw new Error(`${file.rel} is shorter than when it was scanned (${file.size} bytes): it changed while being landed`);
      left -= bytesRead;
      let start = 0;
      for (let nl = buf.indexOf(10, 0); nl >= 0 && nl < bytesRead; nl = buf.indexOf(10, start)) {
        const piece = buf.subarray(start, nl);
        await line(pending.length ? Buffer.concat([...pending, piece]) : piece, offset++);
        pending = [];
        start = nl + 1;
      }
      // The rest has no line break yet: copied, since the buffer is read into again.
      if (start < bytesRead) pending.push(Buffer.from(buf.subarray(start, bytesRead)));
    }
    // The scan let only files ending in a line break through; a rest here means the file changed.
    if (pending.length) throw new Error(`${file.rel} changed while being landed: it no longer ends with a line break`);
    if (chunk.length || early.length) await flush();
    await flushStaged();
    if (offset !== file.lines) throw new Error(`${file.rel} changed while being landed: ${offset} lines now, ${file.lines} when scanned`);
  } finally {
    await fh.close();
  }
  return { rows, rejected: rejectedCount };
}
