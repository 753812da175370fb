import { planSnapshot } from '../snapshot/plan-snapshot.ts';
import { snapshotSpec } from '../snapshot/snapshot-spec.ts';
import type { GraphNode, ModelNode } from '../types.ts';
import { applyGrants } from './grants.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';
import { nodeHooks, withHooks } from '../plan/hooks.ts';
import { printedRelationName } from '../render/relation.ts';

/** Type-2 history of a source or model: one plan (snapshot/plan-snapshot.ts), run by the plan executor. */
export async function executeSnapshot(node: GraphNode, x: NodeContext): Promise<ExecOutcome> {
  const m = node as ModelNode;
  const d = x.run.adapter.dialect;
  const spec = snapshotSpec(m);
  if (typeof spec === 'string') throw new Error(spec);
  await x.ensureSchema(m.relation);
  const existing = await x.existing(m.relation);
  if (existing && existing.kind !== 'table') {
    throw new Error(`Snapshot ${m.name}: ${d.relationName(m.relation)} exists as a ${existing.kind}, not a table. Drop it or give the snapshot another alias; history is never replaced silently.`);
  }
  const sql = m.needsWarehouse ? await x.renderLive({ node: m }) : (m.compiledCode ?? '');
  // dbt 1.11.16 writes a snapshot's statements to target/run only: no compiled file, no compiled path on failure.
  const { rows } = await x.runPlan(withHooks(planSnapshot(m, sql, spec, existing, x.plan, new Date()), nodeHooks(m), x.plan.capabilities));
  await x.remember(m.relation, undefined);
  // An existing snapshot is updated in place: its grants are compared with the config (dbt's should_revoke).
  await applyGrants(m.config, m.relation, x, !!existing);
  return {
    status: 'success',
    message: existing ? `${rows} versions written` : `CREATE SNAPSHOT ${rows} rows`,
    relationName: printedRelationName(m.relation, d, x.run.project.target),
    compiledCode: sql,
    rowsAffected: rows,
  };
}
