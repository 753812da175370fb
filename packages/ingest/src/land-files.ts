import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Lander } from '@smsql/core';
import type { FileReport } from './file-report.ts';
import type { IngestTarget } from './ingest-target.ts';
import { ingestUsageError } from './ingest-target.ts';
import { landBatch } from './land-batch.ts';
import type { BatchContext } from './land-batch.ts';
import { ensureTables } from './raw-tables.ts';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, LANDED_FILES_COLUMNS, LANDED_FILES_TABLE, RAW_SCHEMA, TOPICS, landingTable, rawColumns } from './raw-schema.ts';
import type { Topic } from './raw-schema.ts';
import { scanLakeFiles } from './scan-lake-file.ts';
import { walkLake } from './walk-lake.ts';
import type { LakeFile } from './walk-lake.ts';

export interface LandFilesOptions {
  /** Lake root laid out as `<topic>/year=/month=/day=/hour=/*.json` (what `writeLake` writes). */
  readonly lakeDir: string;
  /** Schema of the raw tables, created if missing. Default `raw`. */
  readonly schema?: string;
  /** Topics to land. Default: all four. */
  readonly topics?: readonly Topic[];
  /** Upper bound of bytes read per transaction. Default 64 MiB (a single larger file is still one transaction). */
  readonly batchBytes?: number;
  /** Called after each batch has committed, e.g. for progress output. */
  readonly onBatch?: (batch: { topic: Topic; files: number; rows: number; deadLetters: number }) => void;
  /**
   * Abort to stop: the statement running is cancelled, the batch being written is rolled back,
   * and the call resolves with `interrupted: true`; what committed before stays.
   */
  readonly signal?: AbortSignal;
}

export interface LandFilesResult {
  /** Rows newly landed per topic by this call. */
  readonly counts: Record<Topic, number>;
  /** Lines newly sent to the dead-letter table. */
  readonly deadLetters: number;
  /** Files skipped because they were landed before. */
  readonly skippedFiles: number;
  /** Files that were checked line by line because the warehouse's reader could not take them whole. */
  readonly carefulBatches: number;
  /** Files and folders that did not land in this call, with the reason (see {@link FileReport}). */
  readonly reports: readonly FileReport[];
  /** The signal stopped the call; the batch being written was rolled back. */
  readonly interrupted: boolean;
  /** Why landing gave up before the end (files kept failing, none landing): the warehouse or its tables are the problem. What landed before stays. */
  readonly stopped?: string | undefined;
}

/** After this many files in a row fail and none lands, the warehouse itself is the problem: stop. */
const FAILURES_IN_A_ROW = 10;

/**
 * Lands Eventsim JSON-lines files from a lake into `<schema>.<topic>` raw tables through the
 * adapter's landing capability (on DuckDB: its own JSON reader, no row-by-row inserts).
 *
 * Idempotent per file: each batch of files commits its rows, its dead letters and its entries
 * in `<schema>._sm_landed_files` in one transaction, so a replay lands nothing twice and a
 * crash lands nothing of an unfinished batch. The lake is walked here (see `walkLake`: links,
 * loops) and every path reaches the warehouse literally. A file that looks still being written
 * is left for a later load, one that changed after it was landed is reported and not landed
 * again, one the warehouse refuses is reported; none of them stops the others (see `reports`).
 *
 * Every line becomes either a raw row (`_offset` = 0-based line number, `_file` = path
 * relative to the lake) or a dead letter with the raw line and the reason: empty, not JSON,
 * not an object, a required field missing or null, or a field the warehouse's JSON cast cannot
 * read as its column type, or not UTF-8.
 */
export async function landFiles(target: IngestTarget, opts: LandFilesOptions): Promise<LandFilesResult> {
  const schema = opts.schema ?? RAW_SCHEMA;
  const topics = opts.topics ?? TOPICS;
  for (const t of topics) if (!TOPICS.includes(t)) throw ingestUsageError(`unknown topic "${t}"; expected one of ${TOPICS.join(', ')}`);
  const lakeDir = checkLakeDir(opts.lakeDir);
  const landing = target.adapter.landing;
  if (!landing) {
    throw ingestUsageError(
      `a ${target.adapter.type} target cannot land lake files: its adapter cannot read files on this machine`,
      'Land the lake into a DuckDB target (sm ingest load --target <duckdb target>), or stream the events with sm ingest kafka, which lands on any target.',
    );
  }
  const options = landing.options(target.landingOptions);
  const wanted = new Map([
    ...topics.map((t) => [t, { columns: rawColumns(t) }] as const),
    [DEAD_LETTER_TABLE, { columns: DEAD_LETTER_COLUMNS }],
    [LANDED_FILES_TABLE, { columns: LANDED_FILES_COLUMNS, constraint: 'primary key (file)' }],
  ]);
  const { inOrder } = await ensureTables(target, schema, wanted);
  const landed = await landedSizes(target, schema);

  const counts = Object.fromEntries(TOPICS.map((t) => [t, 0])) as Record<Topic, number>;
  const reports: FileReport[] = [];
  let deadLetters = 0;
  let skippedFiles = 0;
  let carefulBatches = 0;
  const work: { topic: Topic; files: LakeFile[] }[] = [];
  for (const topic of topics) {
    const walked = walkLake(lakeDir, topic);
    reports.push(...walked.reports);
    const todo: LakeFile[] = [];
    for (const f of walked.files) {
      const prior = landed.get(f.rel);
      if (prior === undefined) todo.push(f);
      else if (prior.size === f.size) skippedFiles++;
      else reports.push(changedAfterLanding(f, prior, schema));
    }
    for (const files of batches(todo, opts.batchBytes ?? 64 * 1024 * 1024)) work.push({ topic, files });
  }

  const signal = opts.signal;
  const onAbort = () => void target.connection.cancel?.().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  const lander = await landing.open(target.connection, options);
  let interrupted = false;
  let failedInARow = 0;
  let stopped: string | undefined;
  try {
    // The next batch's files are scanned (lines counted, UTF-8 checked) while the warehouse lands this one.
    let next = work.length ? scanLakeFiles(work[0]!.files) : undefined;
    for (let i = 0; i < work.length; i++) {
      if (signal?.aborted) break;
      const { topic } = work[i]!;
      const scan = await next!;
      next = i + 1 < work.length ? scanLakeFiles(work[i + 1]!.files) : undefined;
      reports.push(...scan.reports);
      if (!scan.scanned.length) continue;
      const ctx: BatchContext = { target, lander, schema, topic, table: landingTable(schema, topic, new Date()), inOrder, signal };
      const r = await landBatch(ctx, scan.scanned).catch((e: unknown) => {
        if (signal?.aborted) return undefined;
        throw e;
      });
      if (!r) break;
      counts[topic] += r.rows;
      deadLetters += r.dead;
      carefulBatches += r.careful;
      reports.push(...r.reports);
      const failed = r.reports.filter((x) => x.kind === 'failed');
      failedInARow = r.landed ? 0 : failedInARow + failed.length;
      if (failedInARow >= FAILURES_IN_A_ROW) {
        stopped = `landing stopped: the last ${failedInARow} files failed and none landed, the last with: ${failed[failed.length - 1]!.reason}`;
        break;
      }
      if (r.landed) opts.onBatch?.({ topic, files: r.landed, rows: r.rows, deadLetters: r.dead });
    }
    interrupted = !!signal?.aborted;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await closeQuietly(lander);
  }
  return { counts, deadLetters, skippedFiles, carefulBatches, reports, interrupted, stopped };
}

/** The lake directory, resolved, or a usage error naming what is wrong with it. */
function checkLakeDir(dir: string): string {
  if (!dir || !dir.trim()) throw ingestUsageError('--lake names no directory', 'Pass the lake directory: sm ingest load --lake path/to/lake');
  const abs = resolve(dir);
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw ingestUsageError(`lake directory ${abs} does not exist`, `Generate one with \`sm ingest generate --out ${dir}\`, or pass the lake's path with --lake.`);
    }
    throw ingestUsageError(`cannot read lake directory ${abs} (${code ?? (e as Error).message})`, 'Check its permissions, or pass another path with --lake.');
  }
  if (!st.isDirectory()) throw ingestUsageError(`--lake ${abs} is a file, not a directory`, 'Pass the lake root, the folder that holds <topic>/year=/month=/day=/hour=/ folders.');
  return abs;
}

function changedAfterLanding(f: LakeFile, prior: { size: number; landedAt: string }, schema: string): FileReport {
  return {
    file: f.rel,
    kind: 'skipped',
    reason:
      `it changed after it was landed (${prior.size} bytes landed ${prior.landedAt}, ${f.size} now); lake files must not change once landed, so its new content is not landed. ` +
      `Write new data to new files; to land this one again, delete its rows (where _file = '${f.rel}') and its row in ${schema}.${LANDED_FILES_TABLE}.`,
  };
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

async function landedSizes(t: IngestTarget, schema: string): Promise<Map<string, { size: number; landedAt: string }>> {
  const d = t.adapter.dialect;
  const res = await t.connection.execute(`select file, size, landed_at from ${d.relationName({ schema, identifier: LANDED_FILES_TABLE })}`);
  return new Map(res.rows.map((r) => [String(r.file), { size: Number(r.size), landedAt: r.landed_at instanceof Date ? r.landed_at.toISOString() : String(r.landed_at) }]));
}

async function closeQuietly(lander: Lander): Promise<void> {
  await lander.close().catch(() => undefined);
}
