import type { ColumnDef, RelationInfo } from '../adapter.ts';
import type { SeedNode } from '../types.ts';
import { swapBeside, type PlanContext } from './plan.ts';
import { sql, type Plan, type Step } from './step.ts';

/**
 * Load a seed's rows so that a failure leaves the old table: with transactional DDL, drop and
 * reload in one transaction; elsewhere load beside and swap in, as a table is replaced.
 */
export function planSeed(seed: Pick<SeedNode, 'relation' | 'config'>, columns: readonly ColumnDef[], rows: Iterable<readonly unknown[]>, existing: RelationInfo | undefined, ctx: PlanContext): Plan {
  const d = ctx.dialect;
  const rel = seed.relation;
  // quote_columns: false (dbt-duckdb's and dbt-snowflake's create table then writes the header's names unquoted).
  const opts = { unquotedColumns: seed.config.quote_columns === false };
  const load = (target: typeof rel): Step[] => [sql(d.createTable(target, columns, opts)), { kind: 'append', relation: target, columns, rows }];
  if (ctx.capabilities.supportsTransactionalDdl) {
    return { steps: [...(existing ? [sql(d.dropRelation(rel, existing.kind))] : []), ...load(rel)], transaction: true };
  }
  return { steps: swapBeside(rel, existing, d, load), transaction: false };
}
