import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Connection } from '@sm/core';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, RAW_SCHEMA, TOPICS, rawColumns } from './raw-schema.ts';
import type { Topic } from './raw-schema.ts';
import { landBatch } from './land-batch-duckdb.ts';
import type { LakeFile } from './land-batch-duckdb.ts';
import { q } from './landing-sql.ts';
import { scanLakeFiles } from './scan-lake-file.ts';

export interface LandFilesOptions {
  /** Lake root laid out as `<topic>/year=/month=/day=/hour=/*.json` (what `writeLake` writes). */
  readonly lakeDir: string;
  /** Schema of the raw tables, created if missing. Default `raw`. */
  readonly schema?: string;
  /** Topics to land. Default: all four. */
  readonly topics?: readonly Topic[];
  /** Upper bound of bytes read per transaction; bounds memory. Default 64 MiB (a single larger file is still one transaction). */
  readonly batchBytes?: number;
  /** Called after each batch has committed, e.g. for progress output. */
  readonly onBatch?: (batch: { topic: Topic; files: number; rows: number; deadLetters: number }) => void;
}

export interface LandFilesResult {
  /** Rows newly landed per topic by this call. */
  readonly counts: Record<Topic, number>;
  /** Lines newly sent to the dead-letter table. */
  readonly deadLetters: number;
  /** Files skipped because they were landed before. */
  readonly skippedFiles: number;
  /**
   * Batches that DuckDB's JSON reader could not take whole and that were checked line by line.
   * A failing batch is split into its files first, so this counts the files with bad lines.
   */
  readonly carefulBatches: number;
}

/** Bookkeeping of landed files: its rows commit in the same transaction as the file's rows. */
export const LANDED_FILES_TABLE = '_sm_landed_files';

const LAKE_FILE = /\.(json|jsonl|ndjson)$/;

/**
 * Lands Eventsim JSON-lines files from a lake into `<schema>.<topic>` raw tables on DuckDB,
 * with DuckDB's own readers and JSON functions in SQL (no row-by-row inserts).
 *
 * Idempotent per file: each batch of files commits its rows, its dead letters and its entries
 * in `<schema>._sm_landed_files` in one transaction, so a replay lands nothing twice and a
 * crash lands nothing of an unfinished batch. A file already landed with a different size is
 * an error (the lake is append-only by file; rewrite means a new file name).
 *
 * Every line becomes either a raw row (`_offset` = 0-based line number, `_file` = path
 * relative to the lake) or a dead letter with the raw line and the reason: empty, not JSON,
 * not an object, a required field missing or null, or a field DuckDB's JSON cast cannot read
 * as its column type (the same rules as `read_json`: `"12"` reads as a number, `1.5` rounds
 * into an integer column), or not UTF-8.
 */
export async function landFilesDuckDb(conn: Connection, opts: LandFilesOptions): Promise<LandFilesResult> {
  const schema = opts.schema ?? RAW_SCHEMA;
  const topics = opts.topics ?? TOPICS;
  for (const t of topics) if (!TOPICS.includes(t)) throw new Error(`unknown topic "${t}"; expected one of ${TOPICS.join(', ')}`);
  const lakeDir = resolve(opts.lakeDir);
  if (!isDir(lakeDir)) throw new Error(`lake directory ${lakeDir} does not exist; generate one with \`sm ingest generate --out ${opts.lakeDir}\``);
  await ensureTables(conn, schema, topics);

  const counts = Object.fromEntries(TOPICS.map((t) => [t, 0])) as Record<Topic, number>;
  let deadLetters = 0;
  let skippedFiles = 0;
  let carefulBatches = 0;
  const landed = await landedFiles(conn, schema);
  const ordered = await conn.execute(`select current_setting('preserve_insertion_order') as v`);
  const fastPath = ordered.rows[0]?.v === true || String(ordered.rows[0]?.v).toLowerCase() === 'true';
  const threads = Math.max(1, Number((await conn.execute(`select current_setting('threads') as v`)).rows[0]?.v) || 1);
  const work: { topic: Topic; files: LakeFile[] }[] = [];
  for (const topic of topics) {
    const todo: LakeFile[] = [];
    for (const f of listFiles(lakeDir, topic)) {
      const prior = landed.get(f.rel);
      if (prior === undefined) todo.push(f);
      else if (prior === f.size) skippedFiles++;
      else throw new Error(`${f.rel} was landed before with ${prior} bytes and now has ${f.size}; lake files must not change once landed. Write new data to a new file, or delete its rows and its entry in ${schema}.${LANDED_FILES_TABLE} to land it again.`);
    }
    for (const files of batches(todo, opts.batchBytes ?? 64 * 1024 * 1024)) work.push({ topic, files });
  }
  // The next batch's files are scanned (lines counted, UTF-8 checked) while DuckDB lands this one.
  let next = work.length ? scanLakeFiles(work[0]!.files) : undefined;
  for (let i = 0; i < work.length; i++) {
    const { topic } = work[i]!;
    const batch = await next!;
    next = i + 1 < work.length ? scanLakeFiles(work[i + 1]!.files) : undefined;
    // Not awaited if this batch fails: its rejection (e.g. a file removed meanwhile) must not go unhandled.
    next?.catch(() => undefined);
    const r = await landBatch(conn, { schema, topic, lakeDir, landedTable: LANDED_FILES_TABLE, fastPath, threads }, batch);
    counts[topic] += r.rows;
    deadLetters += r.dead;
    carefulBatches += r.careful;
    opts.onBatch?.({ topic, files: batch.length, rows: r.rows, deadLetters: r.dead });
  }
  return { counts, deadLetters, skippedFiles, carefulBatches };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Files of one topic in path order, so landing order (and `_ingested_at` batches) are reproducible. */
function listFiles(lakeDir: string, topic: Topic): LakeFile[] {
  const root = join(lakeDir, topic);
  if (!isDir(root)) return [];
  const out: LakeFile[] = [];
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !LAKE_FILE.test(e.name)) continue;
    const abs = join(e.parentPath, e.name);
    const st = statSync(abs);
    out.push({ abs, rel: relative(lakeDir, abs).split(sep).join('/'), size: st.size, mtimeMs: st.mtimeMs });
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

function* batches(files: readonly LakeFile[], maxBytes: number): Generator<LakeFile[]> {
  let cur: LakeFile[] = [];
  let bytes = 0;
  for (const f of files) {
    if (cur.length && (bytes + f.size > maxBytes || cur.length >= 1000)) {
      yield cur;
      cur = [];
      bytes = 0;
    }
    cur.push(f);
    bytes += f.size;
  }
  if (cur.length) yield cur;
}

async function ensureTables(conn: Connection, schema: string, topics: readonly Topic[]): Promise<void> {
  const cols = (cs: readonly { name: string; type: string }[]) => cs.map((c) => `${q(c.name)} ${c.type}`).join(', ');
  await conn.execute(`create schema if not exists ${q(schema)}`);
  for (const t of topics) await conn.execute(`create table if not exists ${q(schema)}.${q(t)} (${cols(rawColumns(t))})`);
  await conn.execute(`create table if not exists ${q(schema)}.${q(DEAD_LETTER_TABLE)} (${cols(DEAD_LETTER_COLUMNS)})`);
  await conn.execute(
    `create table if not exists ${q(schema)}.${q(LANDED_FILES_TABLE)} (file varchar primary key, topic varchar not null, size bigint not null, last_modified timestamp, lines bigint not null, dead_letters bigint not null, landed_at timestamp not null)`,
  );
}

async function landedFiles(conn: Connection, schema: string): Promise<Map<string, number>> {
  const res = await conn.execute(`select file, size from ${q(schema)}.${q(LANDED_FILES_TABLE)}`);
  return new Map(res.rows.map((r) => [String(r.file), Number(r.size)]));
}
