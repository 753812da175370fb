import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import type { Lander, LandingTable } from '@smsql/core';
import type { ScannedFile } from './scan-lake-file.ts';

/** Same convention as Kafka landing: the bytes in base64, and the reason says so. */
export const NOT_UTF8 = 'line is not valid UTF-8 (raw_value holds the bytes in base64)';

/** Lines handed to the warehouse at once: bounds memory to this plus the longest line. */
const CHUNK_CHARS = 4 << 20;
const CHUNK_LINES = 20_000;
const READ = 1 << 20;

/** A line that did not land. */
export interface RejectedLine {
  readonly offset: number;
  /** The line as text, or its bytes in base64 when it is not UTF-8. */
  readonly raw: string;
  readonly reason: string;
}

/**
 * Lands one file line by line in the caller's transaction: read here a megabyte at a time, its
 * lines handed to the warehouse a few megabytes at a time to be checked one by one, so memory
 * grows with the longest line, never with the file. Reads exactly the bytes the scan counted.
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
    else {
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
    if (offset !== file.lines) throw new Error(`${file.rel} changed while being landed: ${offset} lines now, ${file.lines} when scanned`);
  } finally {
    await fh.close();
  }
  return { rows, rejected: rejectedCount };
}
