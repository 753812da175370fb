import { readSeed } from '../plan/seed-csv.ts';
import { planSeed } from '../plan/plan-seed.ts';
import type { GraphNode, SeedNode } from '../types.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';

/** CSV seeds: parsed in core, typed by `column_types` or inference, bulk-appended, swapped in atomically. */
export async function executeSeed(node: GraphNode, x: NodeContext): Promise<ExecOutcome> {
  const s = node as SeedNode;
  const types = (s.config.column_types ?? {}) as Record<string, string>;
  const seed = readSeed(s.seedPath, s.originalFilePath, types);
  await x.ensureSchema(s.relation);
  const existing = await x.existing(s.relation);
  const { rows } = await x.runPlan(planSeed(s, seed.columns, seed.rows, existing, x.plan));
  await x.remember(s.relation, undefined);
  return { status: 'success', message: `INSERT ${rows}`, rowsAffected: rows, relationName: x.run.adapter.dialect.relationName(s.relation) };
}
