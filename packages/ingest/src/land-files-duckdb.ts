import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Connection } from '@sm/core';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, RAW_SCHEMA, TOPICS, TOPIC_FIELDS, rawColumns } from './raw-schema.ts';
import type { Topic } from './raw-schema.ts';
import { carefulOutSql, fastInsertSql, filesSql, linesSql, lit, q } from './landing-sql.ts';

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
  /** Batches that DuckDB's JSON reader could not take whole and that were checked line by line. */
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
 * into an integer column). Files must be UTF-8; a file that is not fails its batch, naming it.
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
  for (const topic of topics) {
    const todo: LakeFile[] = [];
    for (const f of listFiles(lakeDir, topic)) {
      const prior = landed.get(f.rel);
      if (!prior) todo.push(f);
      else if (prior === f.size) skippedFiles++;
      else throw new Error(`${f.rel} was landed before with ${prior} bytes and now has ${f.size}; lake files must not change once landed. Write new data to a new file, or delete its rows and its entry in ${schema}.${LANDED_FILES_TABLE} to land it again.`);
    }
    for (const batch of batches(todo, opts.batchBytes ?? 64 * 1024 * 1024)) {
      const r = await landBatch(conn, schema, topic, lakeDir, batch);
      counts[topic] += r.rows;
      deadLetters += r.dead;
      if (!r.fast) carefulBatches++;
      opts.onBatch?.({ topic, files: batch.length, rows: r.rows, deadLetters: r.dead });
    }
  }
  return { counts, deadLetters, skippedFiles, carefulBatches };
}

interface LakeFile {
  readonly abs: string;
  /** Relative to the lake root with `/` separators: the `_file` value and the bookkeeping key. */
  readonly rel: string;
  readonly size: number;
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
    out.push({ abs, rel: relative(lakeDir, abs).split(sep).join('/'), size: statSync(abs).size });
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

/**
 * Lands one batch in one transaction: rows, dead letters and bookkeeping. DuckDB's JSON
 * reader is several times faster than per-line JSON functions but stops at the first bad line
 * and does not number lines, so it is tried first (see `fastInsertSql`); a batch it cannot
 * take whole is rolled back and landed line by line instead.
 */
async function landBatch(conn: Connection, schema: string, topic: Topic, lakeDir: string, files: readonly LakeFile[]): Promise<{ rows: number; dead: number; fast: boolean }> {
  const fields = TOPIC_FIELDS[topic];
  const abs = files.map((f) => f.abs);
  const prefixLen = lakeDir.length + 2; // 1-based, past the separator
  const now = `${lit(new Date().toISOString().replace('T', ' ').replace('Z', ''))}::timestamp`;
  const names = files.length === 1 ? files[0]!.rel : `${files[0]!.rel} .. ${files[files.length - 1]!.rel} (${files.length} files)`;
  const bookkeeping = (counts: string) =>
    `insert into ${q(schema)}.${q(LANDED_FILES_TABLE)} (file, topic, size, last_modified, lines, dead_letters, landed_at)
     select f.file, ${lit(topic)}, f.size, f.last_modified, ${counts}, ${now} from _sm_land_files f`;
  let inTransaction = false;
  const begin = async () => {
    await conn.execute('begin transaction');
    inTransaction = true;
  };
  const rollback = async () => {
    inTransaction = false;
    await conn.execute('rollback');
  };
  try {
    await conn.execute(filesSql(abs, prefixLen));
    await begin();
    try {
      const ins = await conn.execute(fastInsertSql(`${q(schema)}.${q(topic)}`, abs, prefixLen, fields, topic, now));
      await conn.execute(bookkeeping('f.n, 0'));
      await conn.execute('commit');
      inTransaction = false;
      return { rows: ins.rowsAffected ?? 0, dead: 0, fast: true };
    } catch {
      if (inTransaction) await rollback();
    }

    await conn.execute(linesSql(abs, prefixLen));
    await conn.execute(carefulOutSql(fields));
    const columns = [...fields.map((f) => q(f.column)), '_topic', '_partition', '_offset', '_file', '_ingested_at'];
    const values = [...fields.map((f) => q(f.field)), lit(topic), 'null', 'off', 'file', now];
    await begin();
    const ins = await conn.execute(`insert into ${q(schema)}.${q(topic)} (${columns.join(', ')}) select ${values.join(', ')} from _sm_land_out where reason = ''`);
    const dl = await conn.execute(
      `insert into ${q(schema)}.${q(DEAD_LETTER_TABLE)} (_topic, _partition, _offset, _file, raw_value, reason, _ingested_at)
       select ${lit(topic)}, null, off, file, line, reason, ${now} from _sm_land_out where reason <> ''`,
    );
    await conn.execute(
      bookkeeping(`(select count(*) from _sm_land_out o where o.file = f.file), (select count(*) from _sm_land_out o where o.file = f.file and o.reason <> '')`),
    );
    await conn.execute('commit');
    inTransaction = false;
    return { rows: ins.rowsAffected ?? 0, dead: dl.rowsAffected ?? 0, fast: false };
  } catch (e) {
    if (inTransaction) await rollback().catch(() => undefined);
    const msg = e instanceof Error ? e.message : String(e);
    const hint = /UTF-8/.test(msg) ? ' Lake files must be UTF-8 text: re-encode the file or move it out of the lake, then load again.' : '';
    throw new Error(`landing ${names} into ${schema}.${topic} failed, nothing of it landed: ${msg}${hint}`, { cause: e });
  } finally {
    for (const t of ['_sm_land_files', '_sm_land_lines', '_sm_land_out']) await conn.execute(`drop table if exists ${t}`).catch(() => undefined);
  }
}
