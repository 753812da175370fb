import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import type { Connection } from '@sm/core';
import { carefulOutSql, fastInsertSql, filesSql, linesSql, lit, q, suspectFilesSql } from './landing-sql.ts';
import { DEAD_LETTER_TABLE, TOPIC_FIELDS } from './raw-schema.ts';
import type { Topic } from './raw-schema.ts';
import type { ScannedFile } from './scan-lake-file.ts';

/** A lake file to land. */
export interface LakeFile {
  readonly abs: string;
  /** Relative to the lake root with `/` separators: the `_file` value and the bookkeeping key. */
  readonly rel: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface BatchTarget {
  readonly schema: string;
  readonly topic: Topic;
  readonly lakeDir: string;
  /** Bookkeeping table of landed files. */
  readonly landedTable: string;
  /**
   * Whether the fast path may run. It numbers the reader's rows by position, which holds only
   * while DuckDB preserves insertion order (its default; `preserve_insertion_order = false`
   * would number rows wrongly, so the caller turns the fast path off then).
   */
  readonly fastPath: boolean;
  /** DuckDB's threads: the fast path reads the batch's files in that many parallel parts. */
  readonly threads: number;
}

export interface BatchResult {
  rows: number;
  dead: number;
  /** Files (or batches) that DuckDB's JSON reader could not take whole and that were checked line by line. */
  careful: number;
}

/** Same convention as Kafka landing: the bytes in base64, and the reason says so. */
const NOT_UTF8 = 'line is not valid UTF-8 (raw_value holds the bytes in base64)';

/**
 * Lands one batch of files of one topic in one transaction: rows, dead letters and
 * bookkeeping. DuckDB's JSON reader is several times faster than per-line JSON functions but
 * stops at the first bad line and does not number lines, so it is tried first (see
 * `fastInsertSql`). A batch it cannot take whole is rolled back and split: the files with bad
 * lines (see `suspectFilesSql`) are landed line by line, the others through the reader again.
 * Files that are not UTF-8 (DuckDB's readers refuse them; `scanLakeFiles` found them) are split
 * off and landed one by one from lines read here, their undecodable lines becoming dead letters.
 */
export async function landBatch(conn: Connection, t: BatchTarget, files: readonly ScannedFile[], mode: 'auto' | 'careful' = 'auto'): Promise<BatchResult> {
  const fields = TOPIC_FIELDS[t.topic];
  const abs = files.map((f) => f.abs);
  const prefixLen = t.lakeDir.length + 2; // 1-based, past the separator
  const now = `${lit(new Date().toISOString().replace('T', ' ').replace('Z', ''))}::timestamp`;
  const notUtf8 = files.filter((f) => !f.utf8);
  if (notUtf8.length) {
    if (!conn.append) throw batchError(t, notUtf8, new Error('not valid UTF-8, and this connection cannot bulk-append the lines read here'));
    const rest = files.filter((f) => f.utf8);
    return await sum([...(rest.length ? [() => landBatch(conn, t, rest, mode)] : []), ...notUtf8.map((f) => () => landNonUtf8File(conn, t, f, now))]);
  }
  const tx = transaction(conn);
  try {
    await conn.execute(filesSql(files));
    if (mode === 'auto' && t.fastPath) {
      await tx.begin();
      try {
        const ins = await conn.execute(fastInsertSql(`${q(t.schema)}.${q(t.topic)}`, files, t.threads, fields, t.topic, now));
        await conn.execute(bookkeeping(t, now, 'f.n, 0'));
        await tx.commit();
        return { rows: ins.rowsAffected ?? 0, dead: 0, careful: 0 };
      } catch {
        await tx.rollback();
      }
      if (files.length > 1) {
        const suspects = new Set((await conn.execute(suspectFilesSql(abs, prefixLen, fields)).catch(() => ({ rows: [] }))).rows.map((r) => String(r.file)));
        const bad = files.filter((f) => suspects.has(f.rel));
        const good = files.filter((f) => !suspects.has(f.rel));
        // Nothing suspect although the batch failed: find the culprit file by file.
        if (!bad.length) return await sum(files.map((f) => () => landBatch(conn, t, [f])));
        if (good.length) return await sum([() => landBatch(conn, t, good), () => landBatch(conn, t, bad, 'careful')]);
      }
    }
    return await landCheckedLines(conn, t, now, tx, linesSql(abs, prefixLen));
  } catch (e) {
    await tx.rollback().catch(() => undefined);
    throw batchError(t, files, e);
  } finally {
    for (const name of ['_sm_land_files', '_sm_land_lines', '_sm_land_out']) await conn.execute(`drop table if exists ${name}`).catch(() => undefined);
  }
}

/** The careful path from `lines` (see `carefulOutSql`) and `_sm_land_files`, in one transaction. */
async function landCheckedLines(conn: Connection, t: BatchTarget, now: string, tx: Transaction, lines: string): Promise<BatchResult> {
  const fields = TOPIC_FIELDS[t.topic];
  await conn.execute(carefulOutSql(fields, lines));
  const columns = [...fields.map((f) => q(f.column)), '_topic', '_partition', '_offset', '_file', '_ingested_at'];
  const values = [...fields.map((f) => q(f.field)), lit(t.topic), 'null', 'off', 'file', now];
  await tx.begin();
  const ins = await conn.execute(`insert into ${q(t.schema)}.${q(t.topic)} (${columns.join(', ')}) select ${values.join(', ')} from _sm_land_out where reason = ''`);
  const dl = await conn.execute(
    `insert into ${q(t.schema)}.${q(DEAD_LETTER_TABLE)} (_topic, _partition, _offset, _file, raw_value, reason, _ingested_at)
     select ${lit(t.topic)}, null, off, file, line, reason, ${now} from _sm_land_out where reason <> ''`,
  );
  await conn.execute(
    bookkeeping(t, now, `(select count(*) from _sm_land_out o where o.file = f.file), (select count(*) from _sm_land_out o where o.file = f.file and o.reason <> '')`),
  );
  await tx.commit();
  return { rows: ins.rowsAffected ?? 0, dead: dl.rowsAffected ?? 0, careful: 1 };
}

/** Runs parts one after the other (they share the session's temporary tables) and adds up their results. */
async function sum(parts: readonly (() => Promise<BatchResult>)[]): Promise<BatchResult> {
  const total: BatchResult = { rows: 0, dead: 0, careful: 0 };
  for (const part of parts) {
    const r = await part();
    total.rows += r.rows;
    total.dead += r.dead;
    total.careful += r.careful;
  }
  return total;
}

/** One file DuckDB cannot read as text: lines split and checked for UTF-8 here, then bulk-appended and checked as usual. */
async function landNonUtf8File(conn: Connection, t: BatchTarget, f: LakeFile, now: string): Promise<BatchResult> {
  const tx = transaction(conn);
  const buf = readFileSync(f.abs);
  const rows: [string, number, string, boolean, string | null][] = [];
  for (let start = 0, off = 0; start < buf.length; off++) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    const line = buf.subarray(start, end > start && buf[end - 1] === 13 ? end - 1 : end);
    if (isUtf8(line)) {
      const s = line.toString('utf8');
      rows.push([f.rel, off, s, s.trim() === '', null]);
    } else rows.push([f.rel, off, line.toString('base64'), false, NOT_UTF8]);
    start = end + 1;
  }
  try {
    await conn.execute(
      `create or replace temp table _sm_land_files as select ${lit(f.rel)} as file, ${f.size}::bigint as size, make_timestamp(${Math.round(f.mtimeMs * 1000)}::bigint) as last_modified, ${rows.length}::bigint as n`,
    );
    await conn.execute(`create or replace temp table _sm_land_lines (file varchar, off bigint, line varchar, blank boolean, pre_reason varchar)`);
    await conn.append!({ database: 'temp', schema: 'main', identifier: '_sm_land_lines' }, [
      { name: 'file', type: 'varchar' },
      { name: 'off', type: 'bigint' },
      { name: 'line', type: 'varchar' },
      { name: 'blank', type: 'boolean' },
      { name: 'pre_reason', type: 'varchar' },
    ], rows);
    return await landCheckedLines(conn, t, now, tx, 'select * from _sm_land_lines');
  } catch (e) {
    await tx.rollback().catch(() => undefined);
    throw batchError(t, [f], e);
  } finally {
    for (const name of ['_sm_land_files', '_sm_land_lines', '_sm_land_out']) await conn.execute(`drop table if exists ${name}`).catch(() => undefined);
  }
}

function bookkeeping(t: BatchTarget, now: string, counts: string): string {
  return `insert into ${q(t.schema)}.${q(t.landedTable)} (file, topic, size, last_modified, lines, dead_letters, landed_at)
    select f.file, ${lit(t.topic)}, f.size, f.last_modified, ${counts}, ${now} from _sm_land_files f`;
}

interface Transaction {
  begin(): Promise<void>;
  commit(): Promise<void>;
  /** Rolls back if a transaction is open; a no-op otherwise. */
  rollback(): Promise<void>;
}

function transaction(conn: Connection): Transaction {
  let open = false;
  return {
    async begin() {
      await conn.execute('begin transaction');
      open = true;
    },
    async commit() {
      await conn.execute('commit');
      open = false;
    },
    async rollback() {
      if (!open) return;
      open = false;
      await conn.execute('rollback');
    },
  };
}

function batchError(t: BatchTarget, files: readonly LakeFile[], e: unknown): Error {
  if (e instanceof Error && e.message.startsWith('landing ')) return e;
  const names = files.length === 1 ? files[0]!.rel : `${files[0]!.rel} .. ${files[files.length - 1]!.rel} (${files.length} files)`;
  const msg = e instanceof Error ? e.message : String(e);
  return new Error(`landing ${names} into ${t.schema}.${t.topic} failed, nothing of it landed: ${msg}`, { cause: e });
}
