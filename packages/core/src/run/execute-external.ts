import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { externalConfigError, externalLocation, isIncrementalExternal, planExternal } from '../plan/external-plan.ts';
import type { ModelNode } from '../types.ts';
import { incrementalSqlOf } from '../plan/incremental-sql.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';
import { nodeHooks, withHooks } from '../plan/hooks.ts';
import { swapFolderFiles } from './swap-files.ts';

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
  await x.runPlan(withHooks({ steps: [], transaction: false }, { ...hooks, post: [] }, caps));
  rmSync(plan.staging, { recursive: true, force: true });
  mkdirSync(plan.staging, { recursive: true });
  let rows = 0;
  let partitions = 0;
  try {
    rows = (await x.exec(plan.copy)).rowsAffected ?? 0;
    if (incremental) partitions = replacePartitions(plan.staging, plan.location, plan.partitionBy.length);
    else swapFolderFiles(plan.staging, plan.location);
  } finally {
    rmSync(plan.staging, { recursive: true, force: true });
  }
  if (!hasParquet(location)) {
    throw new Error(`${m.name}: the query returned no rows, so ${location} holds no Parquet file and no view can be made over it. Run again once there are rows.`);
  }
  await x.runPlan(withHooks(plan.view, { ...hooks, pre: [] }, caps));
  await x.remember(m.relation, undefined);
  return {
    status: 'success',
    message: incremental ? `${rows} rows in ${partitions} partitions` : `${rows} rows to ${location}`,
    relationName: d.relationName(m.relation),
    compiledPath: path,
    compiledCode: sql,
    rowsAffected: rows,
  };
}

function hasParquet(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.parquet'));
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
