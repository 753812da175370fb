import { readSeed, seedReadOptions } from '../plan/seed-csv.ts';
import { planSeed } from '../plan/plan-seed.ts';
import type { GraphNode, SeedNode } from '../types.ts';
import { applyGrants } from './grants.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';
import { nodeHooks, withHooks } from '../plan/hooks.ts';
import { wantsFullRefresh } from '../plan/full-refresh.ts';
import { printedRelationName } from '../render/relation.ts';

/**
 * CSV seeds as dbt-duckdb loads them: checked and typed in one pass over the file (`column_types`
 * win over inference), then streamed to the warehouse as text that it casts to the column types,
 * swapped in atomically. Column names keep the header's spelling on DuckDB either way; with
 * `quote_columns: false` they are written unquoted, as dbt writes them, so a reserved word
 * (`default`) fails as it fails there. The Snowflake dialect folds every name to upper case.
 */
export async function executeSeed(node: GraphNode, x: NodeContext): Promise<ExecOutcome> {
  const s = node as SeedNode;
  const seed = readSeed(s.seedPath, s.originalFilePath, seedReadOptions(s));
  await x.ensureSchema(s.relation);
  const existing = await x.existing(s.relation);
  let rows: number;
  try {
    ({ rows } = await x.runPlan(withHooks(planSeed(s, seed.columns, seed.rows, existing, x.plan), nodeHooks(s), x.plan.capabilities)));
  } catch (e) {
    // A value the warehouse could not cast: say where it is in the file.
    if (seed.lastLine > 0 && e instanceof Error && !e.message.startsWith(s.originalFilePath)) e.message = `${s.originalFilePath} line ${seed.lastLine}: ${e.message}`;
    else if (s.config.quote_columns === false && e instanceof Error && x.run.adapter.dialect.isParseError?.(e.message)) {
      e.message += `\n  (quote_columns is false, so the header's names are written unquoted, as dbt writes them: rename the column, or set quote_columns: true)`;
    }
    throw e;
  }
  await x.remember(s.relation, undefined);
  const full = wantsFullRefresh(s, x.plan.fullRefresh);
  // Refilled in place, the table kept its grants; recreated, only where the warehouse copies them.
  await applyGrants(s.config, s.relation, x, !!existing && (!full || x.run.adapter.dialect.copiesGrants(s.config)));
  // dbt's seed materialization says CREATE under a full refresh, else INSERT (dbt-core 1.11.16: `dbt seed --full-refresh` wrote "CREATE 3").
  const code = full ? 'CREATE' : 'INSERT';
  return { status: 'success', message: `${code} ${rows}`, rowsAffected: rows, relationName: printedRelationName(s.relation, x.run.adapter.dialect, x.run.project.target) };
}
