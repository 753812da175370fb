import type { ColumnDef, Connection, Relation } from '../adapter.ts';
import { isIncrementalRun, planIncrementalApply, planIncrementalStage, planTable, planView } from '../plan/plan.ts';
import type { GraphNode, ModelNode } from '../types.ts';
import { writeCompiled, writeRunSql } from './compiled-files.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';

/** Views, tables, incremental and ephemeral models. */
export async function executeModel(node: GraphNode, x: NodeContext): Promise<ExecOutcome> {
  const m = node as ModelNode;
  const { o, plan } = x;
  const mat = String(m.config.materialized);
  if (mat === 'ephemeral') return { status: 'success', message: 'ephemeral: inlined where referenced' };
  await x.ensureSchema(m.relation);
  const existing = (await x.describe(m.relation)).get(m.relation.identifier.toLowerCase());
  let sql = m.compiledCode ?? '';
  const incremental = isIncrementalRun(m, existing, plan);
  if (incremental) sql = o.renderer.renderModelSql(m);
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
    const stage = planIncrementalStage(m, sql, plan);
    await x.runSteps(stage.steps);
    const incoming = await columnsOf(x.conn, x, stage.staged);
    const current = existing!.columns.length ? existing!.columns : await columnsOf(x.conn, x, rel);
    const before = await countRows(x, rel);
    await x.runSteps(planIncrementalApply(m, stage.staged, current, incoming, plan));
    rows = (await countRows(x, rel)) - before;
    await x.remember(rel, undefined);
  } else {
    throw new Error(`Unknown materialization "${mat}" on ${m.name}. Use view, table, incremental or ephemeral.`);
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

export async function columnsOf(conn: Connection, x: Pick<NodeContext, 'o'>, rel: Relation): Promise<readonly ColumnDef[]> {
  const list = await conn.describe(rel.schema, rel.database);
  const found = list.find((r) => r.identifier.toLowerCase() === rel.identifier.toLowerCase());
  if (!found) throw new Error(`Relation ${x.o.adapter.dialect.relationName(rel)} not found after it was created`);
  return found.columns;
}

export async function countRows(x: NodeContext, rel: Relation): Promise<number> {
  const r = await x.conn.execute(`select count(*) as n from ${x.o.adapter.dialect.relationName(rel)}`);
  return Number(r.rows[0]?.n ?? 0);
}
