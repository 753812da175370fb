import type { ColumnDef, Connection, Relation } from '../adapter.ts';
import { incrementalConfigError, isIncrementalRun, planIncrementalApply, planIncrementalStage, planTable, planView } from '../plan/plan.ts';
import type { GraphNode, ModelNode } from '../types.ts';
import { writeCompiled, writeRunSql } from './compiled-files.ts';
import { executeExternal } from './execute-external.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';

/** Views, tables, incremental, external and ephemeral models. */
export async function executeModel(node: GraphNode, x: NodeContext): Promise<ExecOutcome> {
  const m = node as ModelNode;
  const { o, plan } = x;
  const mat = String(m.config.materialized);
  if (mat === 'ephemeral') return { status: 'success', message: 'ephemeral: inlined where referenced' };
  if (mat === 'external') return executeExternal(m, x);
  await x.ensureSchema(m.relation);
  const existing = (await x.describe(m.relation)).get(m.relation.identifier.toLowerCase());
  let sql = m.compiledCode ?? '';
  // Decided once, here, from the catalog and the flags; the SQL is rendered again to match it.
  const incremental = isIncrementalRun(m, existing, plan);
  if (mat === 'incremental') {
    const bad = incrementalConfigError(m);
    if (bad) throw new Error(bad);
  }
  if (incremental) sql = o.renderer.renderModelSql(m, true);
  const path = writeCompiled(o, m, sql);
  let rows: number | undefined;
  const rel = m.relation;
  if (mat === 'view') {
    await x.runSteps(planView(m, sql, existing, plan));
    await x.remember(rel, { schema: rel.schema, identifier: rel.identifier, kind: 'view', columns: [] });
  } else if (mat === 'table' || (mat === 'incremental' && !incremental)) {
    await x.runSteps(planTable(m, sql, existing, plan));
    await x.remember(rel, undefined);
  } else if (mat === 'incremental') {
    rows = await applyIncremental(m, sql, existing!.columns, x);
    await x.remember(rel, undefined);
  } else {
    throw new Error(`Unknown materialization "${mat}" on ${m.name} (${m.originalFilePath}). Use view, table, incremental, external or ephemeral.`);
  }
  writeRunSql(o, m, x.executed);
  return {
    status: 'success',
    message: rows !== undefined ? `+${rows} rows` : mat === 'view' ? 'CREATE VIEW' : 'CREATE TABLE',
    relationName: o.adapter.dialect.relationName(rel),
    compiledPath: path,
    compiledCode: sql,
    rowsAffected: rows,
  };
}

/**
 * Stage the new rows, compare columns, apply, drop the stage. With transactional DDL all of it
 * is one transaction, so a failure anywhere leaves the table as it was and no stage behind;
 * elsewhere the stage is dropped on the way out whatever happened.
 */
async function applyIncremental(m: ModelNode, sql: string, knownColumns: readonly ColumnDef[], x: NodeContext): Promise<number> {
  const d = x.o.adapter.dialect;
  const tx = x.plan.capabilities.supportsTransactionalDdl;
  const stage = planIncrementalStage(m, sql, x.plan);
  let rows = 0;
  if (tx) await x.exec(d.beginTransaction());
  try {
    for (const s of stage.statements) await x.exec(s);
    const incoming = await columnsOf(x.conn, x, stage.staged);
    const current = knownColumns.length ? knownColumns : await columnsOf(x.conn, x, m.relation);
    for (const s of planIncrementalApply(m, stage.staged, current, incoming, x.plan)) {
      const r = await x.exec(s.sql);
      if (s.countsRows) rows += r.rowsAffected ?? 0;
    }
    await x.exec(d.dropRelation(stage.staged, 'table'));
    if (tx) await x.exec(d.commit());
  } catch (e) {
    if (tx) await x.conn.execute(d.rollback()).catch(() => undefined);
    else await x.conn.execute(d.dropRelation(stage.staged, 'table')).catch(() => undefined);
    throw e;
  }
  return rows;
}

export async function columnsOf(conn: Connection, x: Pick<NodeContext, 'o'>, rel: Relation): Promise<readonly ColumnDef[]> {
  const list = await conn.describe(rel.schema, rel.database);
  const found = list.find((r) => r.identifier.toLowerCase() === rel.identifier.toLowerCase());
  if (!found) throw new Error(`Relation ${x.o.adapter.dialect.relationName(rel)} not found after it was created`);
  return found.columns;
}
