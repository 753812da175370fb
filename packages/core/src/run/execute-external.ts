import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { externalConfigError, externalLocation, isIncrementalExternal, partitionColumns, planExternal, viewStands } from '../plan/external-plan.ts';
import type { Plan } from '../plan/step.ts';
import type { ModelNode } from '../types.ts';
import { incrementalSqlOf } from '../plan/incremental-sql.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';
import { nodeHooks, withHooks } from '../plan/hooks.ts';
import { describedColumns } from './described-columns.ts';
import { swapFolderFiles } from './swap-files.ts';
import { makeDirs } from '../util/make-dirs.ts';
import { printedRelationName } from '../render/relation.ts';

/**
 * External Parquet models (DuckDB). Files are written beside their final place and moved in
 * by rename, so a failed write leaves the old files; each file is replaced by one rename, so
 * readers in other processes never find a file missing (swap-files.ts).
 */
export async function executeExternal(m: ModelNode, x: NodeContext): Promise<ExecOutcome> {
  const bad = externalConfigError(m);
  if (bad) throw new Error(bad);
  const d = x.run.adapter.dialect;
  if (!d.copyToParquet || !d.readParquet) throw new Error(`${m.name}: materialized='external' needs a target that writes Parquet (DuckDB).`);
  await x.ensureSchema(m.relation);
  const existing = await x.existing(m.relation);
  const location = externalLocation(m, x.run.project.dir, x.run.project.config.targetPath);
  const incremental = isIncrementalExternal(m, existing, hasParquet(location), x.plan);
  const sql = m.needsWarehouse ? await x.renderLive({ node: m, incremental }) : incremental ? incrementalSqlOf(m) : (m.compiledCode ?? '');
  const path = x.compiled(sql);
  const plan = planExternal(m, sql, location, existing, incremental, x.plan);
  // The copy is not a plan step (it writes files): pre-hooks run before it, post-hooks with the view.
  const caps = x.plan.capabilities;
  const hooks = nodeHooks(m);
  await x.runPlan(withHooks({ steps: [], transaction: false }, { ...hooks, post: [] }, caps), incremental);
  rmSync(plan.staging, { recursive: true, force: true });
  makeDirs(plan.staging);
  let rows = 0;
  let partitions = 0;
  let view: Plan | undefined;
  try {
    rows = (await x.exec(plan.copy)).rowsAffected ?? 0;
    if (incremental) {
      // Only new partitions: the view stands unless their columns differ from it (viewStands);
      // made again, it keeps the partition columns' types it had.
      const written = hasParquet(plan.staging) ? describedColumns(await x.exec(plan.describeStaged)) : undefined;
      const viewColumns = existing?.columns ?? [];
      view = !written || viewStands(viewColumns, written, plan.partitionBy) ? undefined : plan.mixedView(partitionColumns(viewColumns, plan.partitionBy));
      partitions = replacePartitions(plan.staging, plan.location, plan.partitionBy.length);
    } else {
      view = plan.view(plan.describeCopied ? partitionColumns(describedColumns(await x.exec(plan.describeCopied)), plan.partitionBy) : []);
      swapFolderFiles(plan.staging, plan.location);
    }
  } finally {
    rmSync(plan.staging, { recursive: true, force: true });
  }
  // An incremental write only adds or replaces partitions of a folder that had files.
  if (!incremental && !hasParquet(location)) {
    throw new Error(`${m.name}: the query returned no rows, so ${location} holds no Parquet file and no view can be made over it. Run again once there are rows.`);
  }
  await x.runPlan(withHooks(view ?? { steps: [], transaction: false }, { ...hooks, pre: [] }, caps), incremental);
  await x.remember(m.relation, undefined);
  return {
    status: 'success',
    message: incremental ? `${rows} rows in ${partitions} partitions` : `${rows} rows to ${location}`,
    relationName: printedRelationName(m.relation, d, x.run.project.target),
    compiledPath: path,
    compiledCode: sql,
    rowsAffected: rows,
  };
}

/** Whether any Parquet file lies below `dir`; stops at the first (a month of hourly partitions is hundreds of folders). */
function hasParquet(dir: string): boolean {
  if (!existsSync(dir)) return false;
  const walk = (d: string): boolean => {
    const entries = readdirSync(d, { withFileTypes: true });
    return entries.some((e) => e.isFile() && e.name.endsWith('.parquet')) || entries.some((e) => e.isDirectory() && walk(join(d, e.name)));
  };
  return walk(dir);
}

/** Replace each `col=value/...` leaf folder written under `staging`; returns how many. */
function replacePartitions(staging: string, location: string, depth: number): number {
  let n = 0;
  const walk = (rel: string, level: number) => {
    for (const e of readdirSync(join(staging, rel), { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const next = rel ? join(rel, e.name) : e.name;
      if (level + 1 < depth) walk(next, level + 1);
      else {
        swapFolderFiles(join(staging, next), join(location, next));
        n++;
      }
    }
  };
  walk('', 0);
  return n;
}
