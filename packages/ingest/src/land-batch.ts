import { statSync } from 'node:fs';
import type { Lander, LandingTable } from '@smsql/core';
import { bulkInsert } from './bulk-insert.ts';
import type { FileReport } from './file-report.ts';
import type { IngestTarget } from './ingest-target.ts';
import { transaction } from './ingest-target.ts';
import { LineLanding } from './land-lines.ts';
import type { RejectedLine } from './land-lines.ts';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, LANDED_FILES_COLUMNS, LANDED_FILES_TABLE } from './raw-schema.ts';
import type { Topic } from './raw-schema.ts';
import type { ScannedFile } from './scan-lake-file.ts';

/** What one load's batches share. */
export interface BatchContext {
  readonly target: IngestTarget;
  readonly lander: Lander;
  readonly schema: string;
  readonly topic: Topic;
  readonly table: LandingTable;
  /** Whether each bookkeeping table's columns are in declared order (see `ensureTables`). */
  readonly inOrder: ReadonlyMap<string, boolean>;
  readonly signal?: AbortSignal | undefined;
}

export interface BatchOutcome {
  rows: number;
  dead: number;
  /** Files checked line by line because the reader could not take them whole. */
  careful: number;
  /** Files landed (with their bookkeeping). */
  landed: number;
  readonly reports: FileReport[];
}

/** A file that changed between its scan and the end of its landing: rolled back and left for a later load. */
class FileChanged extends Error {}

/**
 * Lands one batch of files of one topic, each file whole or not at all, its rows, dead letters
 * and bookkeeping in one transaction. The warehouse's reader takes the batch whole when every
 * line reads (see `Lander.insertFiles`); otherwise the batch is rolled back and split: files the
 * reader would refuse (see `Lander.suspectFiles`), and files that are not UTF-8, go line by line,
 * each in its own transaction; the others through the reader again. Before each commit the files
 * are looked at again: one that changed since its scan is rolled back and reported `deferred`.
 * A file the warehouse refuses is reported `failed` and the others go on. Only an interruption
 * (the signal) rejects.
 */
export async function landBatch(ctx: BatchContext, files: readonly ScannedFile[]): Promise<BatchOutcome> {
  const out = empty();
  const whole = ctx.lander.wholeFiles ? files.filter((f) => f.utf8) : [];
  if (whole.length) add(out, await landWhole(ctx, whole));
  const rest = files.filter((f) => !whole.includes(f));
  if (rest.length && !ctx.signal?.aborted) add(out, await landByLines(ctx, rest));
  return out;
}

async function landWhole(ctx: BatchContext, files: readonly ScannedFile[]): Promise<BatchOutcome> {
  const tx = transaction(ctx.target);
  const now = ctx.table.loadedAt;
  try {
    await tx.begin();
    const rows = await ctx.lander.insertFiles(ctx.table, ctx.topic, files.map((f) => ({ path: f.abs, name: f.rel, lines: f.lines })));
    await bookkeep(ctx, files.map((f) => [f, 0]), now);
    const changed = files.filter(changedSinceScan);
    if (changed.length) {
      await tx.rollback();
      const out = await landBatch(ctx, files.filter((f) => !changed.includes(f)));
      out.reports.push(...changed.map(deferred));
      return out;
    }
    await tx.commit();
    return { rows, dead: 0, careful: 0, landed: files.length, reports: [] };
  } catch (e) {
    await tx.rollback().catch(() => undefined);
    if (ctx.signal?.aborted) throw e;
  }
  if (files.length === 1) return landByLines(ctx, files);
  const suspects = await ctx.lander.suspectFiles(ctx.table, files.map((f) => ({ path: f.abs, name: f.rel, lines: f.lines }))).catch(() => new Set<number>());
  const out = empty();
  // Nothing suspect although the batch failed: find the culprit file by file.
  if (!suspects.size) {
    for (const f of files) if (!ctx.signal?.aborted) add(out, await landWhole(ctx, [f]));
    return out;
  }
  const good = files.filter((_, i) => !suspects.has(i));
  if (good.length) add(out, await landWhole(ctx, good));
  if (!ctx.signal?.aborted) add(out, await landByLines(ctx, files.filter((_, i) => suspects.has(i))));
  return out;
}

/**
 * Files line by line, together in one transaction. When that fails, each file is tried in a
 * transaction of its own, so that the one the warehouse refuses is named and the others land.
 */
async function landByLines(ctx: BatchContext, files: readonly ScannedFile[]): Promise<BatchOutcome> {
  const tx = transaction(ctx.target);
  const now = ctx.table.loadedAt;
  const rel = { schema: ctx.schema, identifier: DEAD_LETTER_TABLE };
  try {
    await tx.begin();
    const lines = new LineLanding(ctx.lander, ctx.table, ctx.topic, async (rejected: readonly RejectedLine[]) => {
      const rows = rejected.map((l) => [ctx.topic, null, l.offset, l.file, l.raw, l.reason, now]);
      await bulkInsert(ctx.target, rel, DEAD_LETTER_COLUMNS, rows, ctx.inOrder.get(DEAD_LETTER_TABLE));
    });
    for (const f of files) await lines.addFile(f);
    const rows = await lines.finish();
    await bookkeep(ctx, files.map((f) => [f, lines.rejected.get(f.rel) ?? 0]), now);
    const changed = files.filter(changedSinceScan);
    if (changed.length) throw new FileChanged();
    await tx.commit();
    const dead = [...lines.rejected.values()].reduce((a, b) => a + b, 0);
    return { rows, dead, careful: files.length, landed: files.length, reports: [] };
  } catch (e) {
    await tx.rollback().catch(() => undefined);
    if (ctx.signal?.aborted) throw e;
    if (files.length > 1) {
      const out = empty();
      for (const f of files) if (!ctx.signal?.aborted) add(out, await landByLines(ctx, [f]));
      return out;
    }
    const f = files[0]!;
    if (e instanceof FileChanged || /changed while being landed|shorter than when it was scanned/.test((e as Error).message)) return { ...empty(), reports: [deferred(f)] };
    const msg = ((e as Error).message ?? String(e)).split('\n')[0];
    return { ...empty(), reports: [{ file: f.rel, kind: 'failed', reason: `the warehouse refused it, nothing of it landed: ${msg}` }] };
  }
}

async function bookkeep(ctx: BatchContext, files: readonly (readonly [ScannedFile, number])[], now: Date): Promise<void> {
  const rows = files.map(([f, dead]) => [f.rel, ctx.topic, f.size, new Date(f.mtimeMs), f.lines, dead, now]);
  await bulkInsert(ctx.target, { schema: ctx.schema, identifier: LANDED_FILES_TABLE }, LANDED_FILES_COLUMNS, rows, ctx.inOrder.get(LANDED_FILES_TABLE));
}

function changedSinceScan(f: ScannedFile): boolean {
  try {
    const st = statSync(f.abs);
    return st.size !== f.size || st.mtimeMs !== f.mtimeMs;
  } catch {
    return true;
  }
}

function deferred(f: ScannedFile): FileReport {
  return { file: f.rel, kind: 'deferred', reason: 'it changed while being landed, so it is still being written; nothing of it landed, it lands in a later load' };
}

function empty(): BatchOutcome {
  return { rows: 0, dead: 0, careful: 0, landed: 0, reports: [] };
}

function add(to: BatchOutcome, r: BatchOutcome): void {
  to.rows += r.rows;
  to.dead += r.dead;
  to.careful += r.careful;
  to.landed += r.landed;
  to.reports.push(...r.reports);
}
