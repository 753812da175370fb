import { planView } from '../plan/plan.ts';
import { sql, type Plan } from '../plan/step.ts';
import type { GraphNode, ModelNode } from '../types.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';

/**
 * dbt's `clone`: the selected model, seed or snapshot made in the target from the state's
 * relation (`--state`), without running its SQL. A relation the target already has is left as
 * it is ("No-op") unless `--full-refresh`. Where the warehouse clones tables without copying
 * (Snowflake) a table is cloned; otherwise, and for a view, the target gets a view of the
 * state's relation (DuckDB). A node the state does not have is left alone, said in its message.
 */
export async function executeClone(node: GraphNode, x: NodeContext): Promise<ExecOutcome> {
  const m = node as ModelNode;
  const d = x.run.adapter.dialect;
  const state = x.run.flags.clone?.get(m.uniqueId);
  const relationName = d.relationName(m.relation);
  if (!state) return { status: 'success', message: 'No relation found in state manifest', relationName };
  const existing = await x.existing(m.relation);
  if (existing && !x.plan.fullRefresh) return { status: 'success', message: 'No-op', relationName };
  const same = (state.database ?? null) === (m.relation.database ?? null) && state.schema === m.relation.schema && state.identifier === m.relation.identifier;
  if (same) return { status: 'success', message: 'OK', relationName };
  await x.ensureSchema(m.relation);
  let plan: Plan;
  if (state.kind === 'table' && x.plan.capabilities.supportsZeroCopyClone && d.cloneTable) {
    const steps = existing && existing.kind !== 'table' ? [sql(d.dropRelation(m.relation, existing.kind))] : [];
    plan = { steps: [...steps, sql(d.cloneTable(state, m.relation, { adapterConfig: m.config }))], transaction: steps.length > 0 && x.plan.capabilities.supportsTransactionalDdl };
  } else {
    plan = planView(m, `select * from ${d.relationName(state)}`, existing, x.plan);
  }
  await x.runPlan(plan);
  await x.remember(m.relation, undefined);
  return { status: 'success', message: 'OK', relationName };
}
