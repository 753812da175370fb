import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import type { Lander, LandingField, LandingTable, LineageRun } from '@smsql/core';
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
  readonly file: string;
  readonly offset: number;
  /** The line as text, or its bytes in base64 when it is not UTF-8. */
  readonly raw: string;
  readonly reason: string;
}

/**
 * Lands files line by line in the caller's transaction: each read here a megabyte at a time, so
 * memory grows with the longest line, never with the file. Lines the quick check passes (the
 * great majority in files with a few bad lines) are staged a few megabytes at a time for the
 * warehouse's reader with their file and line number (`Lander.insertRecords`); the others are
 * handed to the warehouse to be checked one by one with the rules of the whole-file path
 * (`Lander.insertLines`), which gives each bad line its reason. Several files share the staged
 * chunks and the checks, so a batch of files with one bad line each costs a few statements, not a
 * few per file. Reads exactly the bytes the scan counted.
 */
export class LineLanding {
  readonly #lander: Lander;
  readonly #table: LandingTable;
  readonly #topic: string;
  readonly #onRejected: (lines: readonly RejectedLine[]) => Promise<void>;
  readonly #quick: QuickCheck;
  /** Rejected lines per file, for its bookkeeping. */
  readonly rejected = new Map<string, number>();
  #rows = 0;
  #staged = Buffer.allocUnsafe(STAGE_BYTES + 1024);
  #stagedAt = 0;
  /** Where the staged lines come from: runs of consecutive lines of one file. */
  #runs: { file: string; offset: number; count: number }[] = [];
  #chunk: { file: string; offset: number; text: string }[] = [];
  #chunkChars = 0;
  #early: RejectedLine[] = [];

  constructor(lander: Lander, table: LandingTable, topic: string, onRejected: (lines: readonly RejectedLine[]) => Promise<void>) {
    this.#lander = lander;
    this.#table = table;
    this.#topic = topic;
    this.#onRejected = onRejected;
    let quick = quickChecks.get(table.fields);
    if (!quick) quickChecks.set(table.fields, (quick = new QuickCheck(table.fields)));
    this.#quick = quick;
  }

  /** Reads one file, staging or collecting each of its lines. */
  async addFile(file: ScannedFile): Promise<void> {
    this.rejected.set(file.rel, this.rejected.get(file.rel) ?? 0);
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
          // Synchronous for nearly every line; only a full chunk waits for the warehouse.
          const flush = this.#line(file.rel, pending.length ? Buffer.concat([...pending, piece]) : piece, offset++);
          if (flush) await flush;
          pending = [];
          start = nl + 1;
        }
        // The rest has no line break yet: copied, since the buffer is read into again.
        if (start < bytesRead) pending.push(Buffer.from(buf.subarray(start, bytesRead)));
      }
      // The scan let only files ending in a line break through; a rest here means the file changed.
      if (pending.length) throw new Error(`${file.rel} changed while being landed: it no longer ends with a line break`);
      if (offset !== file.lines) throw new Error(`${file.rel} changed while being landed: ${offset} lines now, ${file.lines} when scanned`);
    } finally {
      await fh.close();
    }
  }

  /** Lands what is still staged or collected; resolves to the rows landed by all files. */
  async finish(): Promise<number> {
    if (this.#chunk.length || this.#early.length) await this.#flushChecked();
    await this.#flushStaged();
    return this.#rows;
  }

  /** Stages or collects one line; returns the flush to wait for when a chunk is full. */
  #line(file: string, bytes: Buffer, offset: number): Promise<void> | undefined {
    const b = bytes.length && bytes[bytes.length - 1] === 13 ? bytes.subarray(0, bytes.length - 1) : bytes;
    if (!isUtf8(b)) this.#early.push({ file, offset, raw: b.toString('base64'), reason: NOT_UTF8 });
    else if (this.#quick.accepts(b, 0, b.length)) return this.#stage(file, b, offset);
    else if (b.length > LONGEST_CHECKED_LINE) {
      this.#early.push({ file, offset, raw: b.toString('utf8'), reason: `line of ${b.length} bytes is longer than the ${LONGEST_CHECKED_LINE >> 20} MiB a line can be checked with, and not a plain Eventsim record` });
    } else {
      const text = b.toString('utf8');
      this.#chunk.push({ file, offset, text });
      this.#chunkChars += text.length;
    }
    if (this.#chunkChars >= CHUNK_CHARS || this.#chunk.length + this.#early.length >= CHUNK_LINES) return this.#flushChecked();
    return undefined;
  }

  #stage(file: string, b: Buffer, offset: number): Promise<void> | undefined {
    const need = b.length + 1;
    if (this.#stagedAt + need > this.#staged.length) {
      // Flush first, then stage this line into a fresh buffer.
      return this.#flushStaged().then(() => {
        if (need > this.#staged.length) this.#staged = Buffer.allocUnsafe(need);
        return this.#stage(file, b, offset);
      });
    }
    this.#stagedAt += b.copy(this.#staged, this.#stagedAt);
    this.#staged[this.#stagedAt++] = 0x0a; // \n
    const run = this.#runs[this.#runs.length - 1];
    if (run && run.file === file && run.offset + run.count === offset) run.count++;
    else this.#runs.push({ file, offset, count: 1 });
    return this.#stagedAt >= STAGE_BYTES ? this.#flushStaged() : undefined;
  }

  async #flushStaged(): Promise<void> {
    if (!this.#stagedAt) return;
    const bytes = this.#staged.subarray(0, this.#stagedAt);
    const runs: LineageRun[] = this.#runs.map((r) => ({ topic: this.#topic, partition: null, file: r.file, offset: BigInt(r.offset), count: r.count }));
    this.#rows += await this.#lander.insertRecords(this.#table, [bytes], runs);
    this.#staged = Buffer.allocUnsafe(STAGE_BYTES + 1024);
    this.#stagedAt = 0;
    this.#runs = [];
  }

  async #flushChecked(): Promise<void> {
    const lines = this.#chunk;
    const rejected: RejectedLine[] = this.#early;
    this.#chunk = [];
    this.#chunkChars = 0;
    this.#early = [];
    if (lines.length) {
      const r = await this.#lander.insertLines(this.#table, { topic: this.#topic, lines });
      this.#rows += r.rows;
      for (const [i, reason] of r.rejected) rejected.push({ file: lines[i]!.file, offset: lines[i]!.offset, raw: lines[i]!.text, reason });
    }
    for (const l of rejected) this.rejected.set(l.file, (this.rejected.get(l.file) ?? 0) + 1);
    if (rejected.length) await this.#onRejected(rejected);
  }
}
