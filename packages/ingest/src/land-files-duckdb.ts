import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Connection } from '@sm/core';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, RAW_SCHEMA, TOPICS, TOPIC_FIELDS, rawColumns } from './raw-schema.ts';
import type { FieldMapping, Topic } from './raw-schema.ts';

export interface LandFilesOptions {
  /** Lake root laid out as `<topic>/year=/month=/day=/hour=/*.json` (what `writeLake` writes). */
  readonly lakeDir: string;
  /** Schema of the raw tables, created if missing. Default `raw`. */
  readonly schema?: string;
  /** Topics to land. Default: all four. */
  readonly topics?: readonly Topic[];
  /** Upper bound of bytes read per transaction; bounds memory. Default 64 MiB (a single larger file is still one transaction). */
  readonly batchBytes?: number;
}

export interface LandFilesResult {
  /** Rows newly landed per topic by this call. */
  readonly counts: Record<Topic, number>;
  /** Lines newly sent to the dead-letter table. */
  readonly deadLetters: number;
  /** Files skipped because they were landed before. */
  readonly skippedFiles: number;
}

/** Bookkeeping of landed files: its rows commit in the same transaction as the file's rows. */
export const LANDED_FILES_TABLE = '_sm_landed_files';

const LAKE_FILE = /\.(json|jsonl|ndjson)$/;
/** JSON value types each raw column type accepts (DuckDB's `json_type` names). */
const ACCEPTS: Record<FieldMapping['type'], readonly string[]> = {
  varchar: ['VARCHAR', 'UBIGINT', 'BIGINT', 'DOUBLE'],
  bigint: ['UBIGINT', 'BIGINT'],
  integer: ['UBIGINT', 'BIGINT'],
  double: ['UBIGINT', 'BIGINT', 'DOUBLE'],
  boolean: ['BOOLEAN'],
};

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
 * relative to the lake) or a dead letter with the raw line and the reason: not JSON, not an
 * object, a required field missing or null, or a field of the wrong type.
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
    }
  }
  return { counts, deadLetters, skippedFiles };
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

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function ensureTables(conn: Connection, schema: string, topics: readonly Topic[]): Promise<void> {
  const cols = (cs: readonly { name: string; type: string }[]) => cs.map((c) => `${q(c.name)} ${c.type}`).join(', ');
  await conn.execute(`create schema if not exists ${q(schema)}`);
  for (const t of topics) await conn.execute(`create table if not exists ${q(schema)}.${q(t)} (${cols(rawColumns(t))})`);
  await conn.execute(`create table if not exists ${q(schema)}.${q(DEAD_LETTER_TABLE)} (${cols(DEAD_LETTER_COLUMNS)})`);
  await conn.execute(
    `create table if not exists ${q(schema)}.${q(LANDED_FILES_TABLE)} (file varchar primary key, topic varchar not null, size bigint not null, md5 varchar not null, lines bigint not null, dead_letters bigint not null, landed_at timestamp not null)`,
  );
}

async function landedFiles(conn: Connection, schema: string): Promise<Map<string, number>> {
  const res = await conn.execute(`select file, size from ${q(schema)}.${q(LANDED_FILES_TABLE)}`);
  return new Map(res.rows.map((r) => [String(r.file), Number(r.size)]));
}

/** SQL for the reason a parsed line cannot land, '' when it can. */
function reasonSql(fields: readonly FieldMapping[]): string {
  const checks = fields.map((f, i) => {
    const jt = `jt[${i + 1}]`;
    const accepted = ACCEPTS[f.type].map(lit).join(', ');
    const bad = `when ${jt} not in (${accepted}) or j[${lit(f.field)}] is null then ${lit(`field ${f.field}: expected ${f.type}, got `)} || lower(${jt})`;
    return f.required
      ? `case when ${jt} is null then ${lit(`missing required field ${f.field}`)} when ${jt} = 'NULL' then ${lit(`required field ${f.field} is null`)} ${bad} end`
      : `case when ${jt} is null or ${jt} = 'NULL' then null ${bad} end`;
  });
  return `case when not json_valid(line) then 'not valid JSON' when doc_type <> 'OBJECT' then 'not a JSON object: ' || lower(doc_type) else concat_ws('; ', ${checks.join(', ')}) end`;
}

async function landBatch(conn: Connection, schema: string, topic: Topic, lakeDir: string, files: readonly LakeFile[]): Promise<{ rows: number; dead: number }> {
  const fields = TOPIC_FIELDS[topic];
  const struct = `{${fields.map((f) => `${JSON.stringify(f.field)}: ${JSON.stringify(f.type.toUpperCase())}`).join(', ')}}`;
  const paths = `[${fields.map((f) => lit(`$."${f.field}"`)).join(', ')}]`;
  const prefixLen = lakeDir.length + 2; // 1-based, past the separator
  const now = lit(new Date().toISOString().replace('T', ' ').replace('Z', ''));
  const raw = `${q(schema)}.${q(topic)}`;
  const columns = [...fields.map((f) => q(f.column)), '_topic', '_partition', '_offset', '_file', '_ingested_at'];
  const values = [...fields.map((f) => `j[${lit(f.field)}]`), lit(topic), 'null', 'off', 'file', `${now}::timestamp`];
  await conn.execute('begin transaction');
  try {
    await conn.execute(
      `create or replace temp table _sm_land_files as
       select replace(substr(filename, ${prefixLen}), '\\', '/') as file, size, md5(content) as md5, string_split(content, chr(10)) as lines
       from read_text([${files.map((f) => lit(f.abs)).join(', ')}])`,
    );
    await conn.execute(
      `create or replace temp table _sm_land_lines as
       with l as (
         select file, len(lines) as n, unnest(lines) as l0, generate_subscripts(lines, 1) - 1 as off from _sm_land_files
       ), t as (
         select file, off, if(ends_with(l0, chr(13)), l0[:-2], l0) as line from l
         -- the empty string after the final newline is not a line
         where not (off = n - 1 and l0 = '')
       ), p as (
         select file, off, line, if(json_valid(line), json_type(line), null) as doc_type from t
       ), v as (
         select file, off, line, doc_type,
           if(doc_type = 'OBJECT', from_json(line, ${lit(struct)}), null) as j,
           if(doc_type = 'OBJECT', json_type(line, ${paths}), null) as jt
         from p
       )
       select file, off, line, j, ${reasonSql(fields)} as reason from v`,
    );
    const ins = await conn.execute(`insert into ${raw} (${columns.join(', ')}) select ${values.join(', ')} from _sm_land_lines where reason = ''`);
    const dl = await conn.execute(
      `insert into ${q(schema)}.${q(DEAD_LETTER_TABLE)} (_topic, _partition, _offset, _file, raw_value, reason, _ingested_at)
       select ${lit(topic)}, null, off, file, line, reason, ${now}::timestamp from _sm_land_lines where reason <> ''`,
    );
    await conn.execute(
      `insert into ${q(schema)}.${q(LANDED_FILES_TABLE)}
       select f.file, ${lit(topic)}, f.size, f.md5, coalesce(s.lines, 0), coalesce(s.dead, 0), ${now}::timestamp
       from _sm_land_files f left join (select file, count(*) as lines, count(*) filter (where reason <> '') as dead from _sm_land_lines group by file) s using (file)`,
    );
    await conn.execute('drop table _sm_land_lines');
    await conn.execute('drop table _sm_land_files');
    await conn.execute('commit');
    return { rows: ins.rowsAffected ?? 0, dead: dl.rowsAffected ?? 0 };
  } catch (e) {
    await conn.execute('rollback').catch(() => undefined);
    const names = files.length === 1 ? files[0]!.rel : `${files[0]!.rel} .. ${files[files.length - 1]!.rel} (${files.length} files)`;
    throw new Error(`landing ${names} into ${schema}.${topic} failed, nothing of it landed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
