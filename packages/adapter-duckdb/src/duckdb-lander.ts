import { mkdtemp, open, readFile, readdir, rm, symlink, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection, Lander, LandingFile, LandingLines, LandingStage, LandingTable, LineStamp, LineageRun } from '@smsql/core';
import { CHECKED_TABLE, LINES_COLUMNS, LINES_TABLE, checkLinesSql, insertCheckedSql, insertFilesSql, insertRecordsSql, insertStampedSql, suspectFilesSql } from './duckdb-landing-sql.ts';
import type { LinkedFile } from './duckdb-landing-sql.ts';
import type { DuckDbLandingOptions } from './duckdb-landing-options.ts';

const PREFIX = 'sm-landing-';
/** Directories of earlier versions (Kafka staging), cleaned up the same way. */
const OLD_PREFIXES = [PREFIX, 'sm-kafka-stage-'];
const GLOB = /[*?[\]{}\\]/;

/**
 * Landing on one DuckDB connection. DuckDB is only ever handed paths inside a private directory
 * with plain numbered names: links to the files being landed, and the files of staged records.
 * So a lake file named `a[1].json` or `x*.json` is read as itself, never as a pattern.
 */
export class DuckDbLander implements Lander {
  readonly wholeFiles: boolean;
  readonly #conn: Connection;
  readonly #dir: string;
  readonly #readers: number;
  /** DuckDB's memory_limit before the lander lowered it, to restore on close. */
  readonly #restoreMemoryLimit: string | undefined;
  #seq = 0;
  /** Stages created and not yet discarded (closing discards them: their files stay open until then). */
  readonly #stages = new Set<DuckDbStage>();
  /** Removing dead processes' directories, which nothing waits for but `close`. */
  readonly #cleanup: Promise<void>;

  private constructor(conn: Connection, dir: string, wholeFiles: boolean, readers: number, restoreMemoryLimit: string | undefined, cleanup: Promise<void>) {
    this.#conn = conn;
    this.#dir = dir;
    this.wholeFiles = wholeFiles;
    this.#readers = readers;
    this.#restoreMemoryLimit = restoreMemoryLimit;
    this.#cleanup = cleanup;
  }

  static async open(conn: Connection, o: DuckDbLandingOptions): Promise<DuckDbLander> {
    // Reading a shared temp directory of thousands of entries took a few ms of start-up (`ingest kafka --once`): it runs beside the rest.
    const cleanup = removeStale(o.stage_dir).catch(() => undefined);
    const dir = await mkdtemp(join(o.stage_dir, `${PREFIX}${process.pid}-`)).catch(async (e: unknown) => {
      await cleanup;
      throw e;
    });
    if (GLOB.test(dir)) {
      await cleanup;
      await rm(dir, { recursive: true, force: true });
      throw Object.assign(new Error(`landing needs a directory for links whose path DuckDB reads literally, and ${dir} contains one of * ? [ ] { } \\. Set \`landing: { stage_dir: /a/plain/path }\` on the target in profiles.yml.`), {
        code: 'SM_DUCKDB_LANDING_CONFIG',
      });
    }
    try {
      // The whole-file insert numbers rows by position, which holds only while DuckDB preserves insertion order.
      const s = await conn.execute(
        `select current_setting('preserve_insertion_order')::varchar as o, current_setting('threads')::bigint as t, current_setting('memory_limit')::varchar as m`,
      );
      const row = s.rows[0] ?? {};
      const readers = o.readers ?? Math.max(1, Number(row.t) || 1);
      let restore: string | undefined;
      if (o.memory_limit !== 'off' && bytesOf(o.memory_limit) < bytesOf(String(row.m))) {
        await conn.execute(`set memory_limit = '${o.memory_limit}'`);
        restore = String(row.m);
      }
      return new DuckDbLander(conn, dir, String(row.o).toLowerCase() === 'true', readers, restore, cleanup);
    } catch (e) {
      await cleanup;
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  async insertFiles(table: LandingTable, topic: string, files: readonly LandingFile[]): Promise<number> {
    if (!this.wholeFiles) throw new Error('DuckDB does not preserve insertion order here, so lines cannot be numbered by position');
    if (!files.length) return 0;
    const linked = await this.#link(files);
    try {
      const res = await this.#conn.execute(insertFilesSql(table, topic, linked, this.#readers, files.map((f) => f.lines)));
      return res.rowsAffected ?? 0;
    } finally {
      await this.#unlink(linked);
    }
  }

  async suspectFiles(table: LandingTable, files: readonly LandingFile[]): Promise<ReadonlySet<number>> {
    if (!files.length) return new Set();
    const linked = await this.#link(files);
    try {
      const res = await this.#conn.execute(suspectFilesSql(table, linked));
      return new Set(res.rows.map((r) => Number(r.idx)));
    } finally {
      await this.#unlink(linked);
    }
  }

  async insertLines(table: LandingTable, chunk: LandingLines): Promise<{ rows: number; rejected: ReadonlyMap<number, string> }> {
    const rejected = new Map<number, string>();
    if (!chunk.lines.length) return { rows: 0, rejected };
    if (!this.#conn.append) throw new Error('internal: a DuckDB connection without its appender');
    const lines = `temp.main.${LINES_TABLE}`;
    try {
      await this.#conn.execute(`create or replace temp table ${LINES_TABLE} (${LINES_COLUMNS.map((c) => `${c.name} ${c.type}`).join(', ')})`);
      await this.#conn.append(
        { database: 'temp', schema: 'main', identifier: LINES_TABLE },
        LINES_COLUMNS,
        chunk.lines.map((l, i) => [i, l.file, l.offset, l.text, null]),
      );
      await this.#conn.execute(checkLinesSql(table.fields));
      const ins = await this.#conn.execute(insertCheckedSql(table, chunk.topic));
      const bad = await this.#conn.execute(`select idx, reason from ${CHECKED_TABLE} where reason <> ''`);
      for (const r of bad.rows) rejected.set(Number(r.idx), String(r.reason));
      return { rows: ins.rowsAffected ?? 0, rejected };
    } finally {
      for (const t of [lines, `temp.main.${CHECKED_TABLE}`]) await this.#conn.execute(`drop table if exists ${t}`).catch(() => undefined);
    }
  }

  async insertRecords(table: LandingTable, values: readonly Uint8Array[], lineage: readonly LineageRun[]): Promise<number> {
    const parts = splitLines(values, lineage, this.#readers);
    if (!parts.length) return 0;
    const longest = Math.max(...parts.map((p) => p.longest));
    return this.#staged(
      parts.map((p) => p.chunks),
      (files) => insertRecordsSql(table, parts.map((p, i) => ({ link: files[i]!, runs: p.runs })), longest),
    );
  }

  createStage(): LandingStage {
    const stage = new DuckDbStage(() => join(this.#dir, `${this.#seq++}.json`), this.#readers > 1 ? PART_BYTES : Infinity, (s) => this.#stages.delete(s));
    this.#stages.add(stage);
    return stage;
  }

  async insertStaged(table: LandingTable, stages: readonly LandingStage[], stamp: LineStamp, from?: ReadonlyMap<number, bigint>): Promise<number> {
    const own = stages.map((s) => {
      if (!(s instanceof DuckDbStage) || !this.#stages.has(s)) throw new Error('internal: a stage this lander did not create, or one already discarded');
      return s;
    });
    const files = (await Promise.all(own.map((s) => s.files()))).flat();
    if (!files.length) return 0;
    const longest = Math.max(...own.map((s) => s.longest));
    const res = await this.#conn.execute(insertStampedSql(table, files, stamp, longest, from));
    return res.rowsAffected ?? 0;
  }

  /** Each part's chunks staged as a file of its own, the statement over those files run, the files removed; the rows it inserted. */
  async #staged(parts: readonly (readonly Uint8Array[])[], statement: (files: readonly string[]) => string): Promise<number> {
    const files = parts.map(() => join(this.#dir, `${this.#seq++}.json`));
    try {
      await Promise.all(parts.map((part, i) => writeFile(files[i]!, part)));
      const res = await this.#conn.execute(statement(files));
      return res.rowsAffected ?? 0;
    } finally {
      await Promise.all(files.map((f) => unlink(f).catch(() => undefined)));
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#stages].map((s) => s.discard()));
    await this.#cleanup;
    await rm(this.#dir, { recursive: true, force: true });
    if (this.#restoreMemoryLimit !== undefined) await this.#conn.execute(`set memory_limit = '${this.#restoreMemoryLimit}'`).catch(() => undefined);
  }

  async #link(files: readonly LandingFile[]): Promise<LinkedFile[]> {
    const out = files.map((f) => ({ link: join(this.#dir, `${this.#seq++}.json`), name: f.name, lines: f.lines }));
    try {
      await Promise.all(files.map((f, i) => symlink(f.path, out[i]!.link)));
    } catch (e) {
      await this.#unlink(out);
      throw e;
    }
    return out;
  }

  async #unlink(files: readonly LinkedFile[]): Promise<void> {
    await Promise.all(files.map((f) => unlink(f.link).catch(() => undefined)));
  }
}

/**
 * Stamped lines in files of the lander's directory, appended as they come: a new file once one
 * holds `partBytes` (DuckDB reads the files of a statement in parallel). Each append writes at
 * its own position, so appends may overlap and still keep their order.
 */
class DuckDbStage implements LandingStage {
  readonly #path: () => string;
  readonly #partBytes: number;
  readonly #onDiscard: (s: DuckDbStage) => void;
  readonly #parts: { path: string; handle: Promise<FileHandle>; size: number }[] = [];
  /** Every append's write, settled or not. */
  readonly #writes: Promise<void>[] = [];
  #size = 0;
  /** The longest line of the appends long enough to hold one past DuckDB's default limit. */
  longest = 0;
  #discarded: Promise<void> | undefined;

  constructor(path: () => string, partBytes: number, onDiscard: (s: DuckDbStage) => void) {
    this.#path = path;
    this.#partBytes = partBytes;
    this.#onDiscard = onDiscard;
  }

  get size(): number {
    return this.#size;
  }

  append(bytes: Uint8Array): Promise<void> {
    if (this.#discarded) return Promise.reject(new Error('internal: append to a discarded stage'));
    if (!bytes.byteLength) return Promise.resolve();
    let part = this.#parts[this.#parts.length - 1];
    if (!part || part.size >= this.#partBytes) {
      const path = this.#path();
      part = { path, handle: open(path, 'wx'), size: 0 };
      // Met where a write awaits it; this only keeps a failure from counting as unhandled meanwhile.
      part.handle.catch(() => undefined);
      this.#parts.push(part);
    }
    const at = part.size;
    part.size += bytes.byteLength;
    this.#size += bytes.byteLength;
    if (bytes.byteLength > 8 << 20) this.longest = Math.max(this.longest, longestLine(bytes));
    const write = part.handle.then(async (fh) => {
      for (let done = 0; done < bytes.byteLength; ) done += (await fh.write(bytes, done, bytes.byteLength - done, at + done)).bytesWritten;
    });
    this.#writes.push(write);
    return write;
  }

  /** The paths of the files that hold lines, once every append is written. */
  async files(): Promise<string[]> {
    await Promise.all(this.#writes);
    return this.#parts.filter((p) => p.size > 0).map((p) => p.path);
  }

  async read(): Promise<Buffer> {
    return Buffer.concat(await Promise.all((await this.files()).map((f) => readFile(f))));
  }

  discard(): Promise<void> {
    this.#discarded ??= (async () => {
      this.#onDiscard(this);
      await Promise.allSettled(this.#writes);
      await Promise.all(
        this.#parts.map(async (p) => {
          await p.handle.then((fh) => fh.close()).catch(() => undefined);
          await unlink(p.path).catch(() => undefined);
        }),
      );
    })();
    return this.#discarded;
  }
}

/** The longest line of `bytes`, without its line break. */
function longestLine(bytes: Uint8Array): number {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let longest = 0;
  for (let s = 0, nl = b.indexOf(10); nl >= 0; s = nl + 1, nl = b.indexOf(10, s)) longest = Math.max(longest, nl - s);
  return longest;
}

async function writeFile(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writev(chunks as Uint8Array[]);
  } finally {
    await fh.close();
  }
}

/** Bytes staged per reader below which a batch is not split (a reader's own start-up would cost more). */
const PART_BYTES = 4 << 20;

/**
 * `values` (lines, each ending with a line break) and their lineage runs cut into at most
 * `parts` pieces of about equal lines, each with the runs that cover it, and the longest line.
 */
function splitLines(values: readonly Uint8Array[], lineage: readonly LineageRun[], parts: number): { chunks: Uint8Array[]; runs: LineageRun[]; longest: number }[] {
  const total = lineage.reduce((a, r) => a + r.count, 0);
  const bytes = values.reduce((a, v) => a + v.byteLength, 0);
  if (!total) return [];
  const n = Math.max(1, Math.min(parts, Math.floor(bytes / PART_BYTES)));
  const perPart = Math.ceil(total / n);
  const out: { chunks: Uint8Array[]; runs: LineageRun[]; longest: number }[] = [];
  let cur = { chunks: [] as Uint8Array[], runs: [] as LineageRun[], longest: 0 };
  let lines = 0;
  for (const v of values) {
    const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    /** Where the piece of `v` that belongs to the current part starts. */
    let piece = 0;
    let lineStart = 0;
    for (let nl = b.indexOf(10); nl >= 0; nl = b.indexOf(10, nl + 1)) {
      if (nl - lineStart > cur.longest) cur.longest = nl - lineStart;
      lineStart = nl + 1;
      if (++lines % perPart === 0 && lines < total) {
        cur.chunks.push(v.subarray(piece, nl + 1));
        out.push(cur);
        cur = { chunks: [], runs: [], longest: 0 };
        piece = nl + 1;
      }
    }
    if (piece < v.byteLength) cur.chunks.push(v.subarray(piece));
  }
  out.push(cur);
  // The runs, cut at the same line counts.
  let part = 0;
  let room = perPart;
  for (const r of lineage) {
    let offset = r.offset;
    let count = r.count;
    while (count > 0) {
      const take = Math.min(count, room);
      out[part]!.runs.push({ ...r, offset, count: take });
      offset += BigInt(take);
      count -= take;
      room -= take;
      if (room === 0 && part < out.length - 1) {
        part++;
        room = perPart;
      }
    }
  }
  return out;
}

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** Bytes of a DuckDB size such as `512MB` or `18.6 GiB`; Infinity when it cannot be read. */
function bytesOf(size: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(size);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit ? Number(m[1]) * unit : Infinity;
}

/** Directories left by processes that were killed (their pid is in the name and no longer runs). */
async function removeStale(root: string): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  for (const name of names) {
    const prefix = OLD_PREFIXES.find((p) => name.startsWith(p));
    const pid = prefix ? Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]) : 0;
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    await rm(join(root, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
