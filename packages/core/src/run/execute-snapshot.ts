import { planSnapshotCreate, planSnapshotUpdate, snapshotStages } from '../snapshot/plan-snapshot.ts';
import { snapshotSpec, type SnapshotSpec } from '../snapshot/snapshot-spec.ts';
import type { ColumnDef, Relation } from '../adapter.ts';
import type { GraphNode, ModelNode } from '../types.ts';
import { writeCompiled, writeRunSql } from './compiled-files.ts';
import { columnsOf } from './execute-model.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';

/**
 * Type-2 history of a source or model. With transactional DDL the whole run (stage, compare,
 * close, insert, drop the stages) is one transaction: a failure leaves yesterday's history.
 */
export async function executeSnapshot(node: GraphNode, x: NodeContext): Promise<ExecOutcome> {
  const m = node as ModelNode;
  const d = x.o.adapter.dialect;
  const spec = snapshotSpec(m);
  if (typeof spec === 'string') throw new Error(spec);
  await x.ensureSchema(m.relation);
  const existing = (await x.describe(m.relation)).get(m.relation.identifier.toLowerCase());
  if (existing && existing.kind !== 'table') {
    throw new Error(`Snapshot ${m.name}: ${d.relationName(m.relation)} exists as a ${existing.kind}, not a table. Drop it or give the snapshot another alias; history is never replaced silently.`);
  }
  const sql = m.compiledCode ?? '';
  const path = writeCompiled(x.o, m, sql);
  const at = new Date();
  const tx = x.plan.capabilities.supportsTransactionalDdl;
  const st = snapshotStages(m.relation);
  let rows = 0;
  if (tx) await x.exec(d.beginTransaction());
  try {
    if (!existing) {
      const r = await x.exec(planSnapshotCreate(m.relation, sql, spec, d, at));
      // `create table as` reports its rows as a result row on some warehouses, not as changed rows.
      rows = r.rowsAffected || Number(r.rows[0]?.Count ?? r.rows[0]?.count ?? 0);
      await checkUnique(m, spec, m.relation, x);
    } else {
      await x.exec(d.dropRelation(st.source, 'table'));
      await x.exec(d.createTableAs(st.source, sql, { temporary: !tx }));
      const source = await columnsOf(x.conn, x, st.source);
      checkColumns(m, spec, source);
      await checkUnique(m, spec, st.source, x);
      const current = existing.columns.length ? existing.columns : await columnsOf(x.conn, x, m.relation);
      for (const s of planSnapshotUpdate(m.relation, spec, source, current, d, at, !tx)) {
        const r = await x.exec(s.sql);
        if (s.countsRows) rows += r.rowsAffected ?? 0;
      }
      await x.exec(d.dropRelation(st.source, 'table'));
    }
    if (tx) await x.exec(d.commit());
  } catch (e) {
    if (tx) await x.conn.execute(d.rollback()).catch(() => undefined);
    else for (const r of Object.values(st)) await x.conn.execute(d.dropRelation(r, 'table')).catch(() => undefined);
    throw e;
  }
  await x.remember(m.relation, undefined);
  writeRunSql(x.o, m, x.executed);
  return {
    status: 'success',
    message: existing ? `${rows} versions written` : `CREATE SNAPSHOT ${rows} rows`,
    relationName: d.relationName(m.relation),
    compiledPath: path,
    compiledCode: sql,
    rowsAffected: rows,
  };
}

/** Two source rows with one key would give the key two current versions: refuse, naming an example. */
async function checkUnique(m: ModelNode, spec: SnapshotSpec, rel: Relation, x: NodeContext): Promise<void> {
  const d = x.o.adapter.dialect;
  const key = spec.uniqueKey.map((k) => d.quoteIdentifier(k)).join(', ');
  const r = await x.exec(`select ${key}, count(*) as sm_n from ${d.relationName(rel)} group by ${key} having count(*) > 1 limit 1`);
  const row = r.rows[0];
  if (!row) return;
  const example = spec.uniqueKey.map((k) => `${k}=${String(Object.entries(row).find(([c]) => c.toLowerCase() === k.toLowerCase())?.[1])}`).join(', ');
  throw new Error(`Snapshot ${m.name} (${m.originalFilePath}): unique_key (${spec.uniqueKey.join(', ')}) is not unique in the source query (e.g. ${example} appears ${String(row.sm_n ?? row.SM_N)} times). Deduplicate the query or widen unique_key; history was left as it was.`);
}

/** Name the missing column rather than let the warehouse fail on a generated statement. */
function checkColumns(m: ModelNode, spec: SnapshotSpec, source: readonly ColumnDef[]): void {
  const names = new Set(source.map((c) => c.name.toLowerCase()));
  const wanted = [...spec.uniqueKey, ...(spec.updatedAt && /^\w+$/.test(spec.updatedAt) ? [spec.updatedAt] : []), ...(spec.checkCols === 'all' ? [] : spec.checkCols)];
  const missing = wanted.filter((c) => !names.has(c.toLowerCase()));
  if (missing.length) {
    throw new Error(`Snapshot ${m.name} (${m.originalFilePath}): the source query has no column ${missing.join(', ')} (it has ${source.map((c) => c.name).join(', ')}). Fix unique_key/updated_at/check_cols or the query.`);
  }
}
