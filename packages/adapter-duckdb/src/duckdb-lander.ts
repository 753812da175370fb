import { mkdtemp, open, readdir, rm, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connection, Lander, LandingFile, LandingLines, LandingTable, LineStamp, LineageRun } from '@smsql/core';
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

  async insertStampedRecords(table: LandingTable, values: readonly Uint8Array[], stamp: LineStamp): Promise<number> {
    const { files: parts, longest } = splitBytes(values, this.#readers);
    if (!parts.length) return 0;
    return this.#staged(parts, (files) => insertStampedSql(table, files, stamp, longest));
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

async function writeFile(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writev(chunks as Uint8Array[]);
  } finally {
    await fh.close();
  }
}

/**
 * Lines (each ending with a line break) cut into at most `parts` files of about equal bytes, at
 * line breaks, and the longest line (which matters only past DuckDB's 16 MiB default, so only
 * chunks longer than half that are scanned for it).
 */
function splitBytes(values: readonly Uint8Array[], parts: number): { files: Uint8Array[][]; longest: number } {
  const bytes = values.reduce((a, v) => a + v.byteLength, 0);
  const n = Math.max(1, Math.min(parts, Math.floor(bytes / PART_BYTES)));
  const files: Uint8Array[][] = [];
  let cur: Uint8Array[] = [];
  let size = 0;
  let longest = 0;
  for (const v of values) {
    if (!v.byteLength) continue;
    const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    if (v.byteLength > 8 << 20) for (let s = 0, nl = b.indexOf(10); nl >= 0; s = nl + 1, nl = b.indexOf(10, s)) longest = Math.max(longest, nl - s);
    let piece = 0;
    // Cut where this file reaches its share, at the next line break.
    for (let want = Math.ceil((bytes * (files.length + 1)) / n) - size; files.length < n - 1 && want <= v.byteLength - piece; want = Math.ceil((bytes * (files.length + 1)) / n) - size) {
      const nl = b.indexOf(10, piece + Math.max(0, want - 1));
      if (nl < 0) break;
      cur.push(v.subarray(piece, nl + 1));
      size += nl + 1 - piece;
      piece = nl + 1;
      files.push(cur);
      cur = [];
    }
    if (piece < v.byteLength) {
      cur.push(piece ? v.subarray(piece) : v);
      size += v.byteLength - piece;
    }
  }
  if (cur.length) files.push(cur);
  return { files, longest };
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
