/**
 * Pure: given a compiled node, what the warehouse holds now and the flags, the statements
 * that build it. The decision "full build or incremental" lives here once; adapters only
 * supply SQL text through their Dialect and say what they can do through Capabilities.
 */
import type { Capabilities, ColumnDef, Dialect, Relation, RelationInfo } from '../adapter.ts';
import type { ModelNode } from '../types.ts';

export interface PlanContext {
  dialect: Dialect;
  capabilities: Capabilities;
  fullRefresh: boolean;
}

/** A step the runner executes in order; `transaction` steps are wrapped in begin/commit with rollback on failure. */
export type Step =
  | { kind: 'sql'; sql: string }
  | { kind: 'transaction'; statements: string[] };

export type IncrementalStrategy = 'append' | 'merge' | 'delete+insert';
export type OnSchemaChange = 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns';

export function tempRelation(rel: Relation, suffix: string): Relation {
  return { database: rel.database, schema: rel.schema, identifier: `${rel.identifier}__sm_${suffix}` };
}

/** True when the model will be built incrementally (exists as a table, not --full-refresh). */
export function isIncrementalRun(node: ModelNode, existing: RelationInfo | undefined, ctx: PlanContext): boolean {
  return node.config.materialized === 'incremental' && !!existing && existing.kind === 'table' && !ctx.fullRefresh && node.config.full_refresh !== true;
}

export function planView(node: ModelNode, sql: string, existing: RelationInfo | undefined, ctx: PlanContext): Step[] {
  const d = ctx.dialect;
  const stmts: string[] = [];
  if (existing && existing.kind !== 'view') stmts.push(d.dropRelation(node.relation, existing.kind));
  stmts.push(d.createView(node.relation, sql));
  return ctx.capabilities.supportsTransactionalDdl ? [{ kind: 'transaction', statements: stmts }] : stmts.map((s) => ({ kind: 'sql', sql: s }));
}

/** A table replaced so that a failure at any point leaves yesterday's table in place. */
export function planTable(node: ModelNode, sql: string, existing: RelationInfo | undefined, ctx: PlanContext): Step[] {
  const d = ctx.dialect;
  const rel = node.relation;
  const opts = { adapterConfig: node.config };
  if (ctx.capabilities.supportsTransactionalDdl) {
    const stmts: string[] = [];
    if (existing && existing.kind !== 'table') stmts.push(d.dropRelation(rel, existing.kind));
    stmts.push(d.createOrReplaceTableAs(rel, sql, opts));
    return [{ kind: 'transaction', statements: stmts }];
  }
  if (ctx.capabilities.supportsAtomicCreateOrReplace) {
    const steps: Step[] = [];
    // A view in the way cannot be replaced by a table in one statement; it is only a view.
    if (existing && existing.kind !== 'table') steps.push({ kind: 'sql', sql: d.dropRelation(rel, existing.kind) });
    steps.push({ kind: 'sql', sql: d.createOrReplaceTableAs(rel, sql, opts) });
    return steps;
  }
  const tmp = tempRelation(rel, 'tmp');
  const backup = tempRelation(rel, 'backup');
  const steps: Step[] = [
    { kind: 'sql', sql: d.dropRelation(tmp, 'table') },
    { kind: 'sql', sql: d.createTableAs(tmp, sql, opts) },
  ];
  if (existing) {
    steps.push({ kind: 'sql', sql: d.dropRelation(backup, existing.kind) });
    steps.push({ kind: 'sql', sql: d.renameRelation(rel, existing.kind, backup.identifier) });
  }
  steps.push({ kind: 'sql', sql: d.renameRelation(tmp, 'table', rel.identifier) });
  if (existing) steps.push({ kind: 'sql', sql: d.dropRelation(backup, existing.kind) });
  return steps;
}

export function uniqueKeyOf(node: ModelNode): string[] {
  const k = node.config.unique_key;
  if (Array.isArray(k)) return k.map(String);
  if (typeof k === 'string' && k) return k.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

export function strategyOf(node: ModelNode, ctx: PlanContext): IncrementalStrategy {
  const s = node.config.incremental_strategy;
  if (s === 'append' || s === 'merge' || s === 'delete+insert') return s === 'merge' && !ctx.capabilities.supportsMerge ? 'delete+insert' : s;
  const key = uniqueKeyOf(node);
  if (!key.length) return 'append';
  return ctx.capabilities.supportsMerge ? 'merge' : 'delete+insert';
}

/** First step of an incremental run: stage the new rows where their columns can be read. */
export function planIncrementalStage(node: ModelNode, sql: string, ctx: PlanContext): { staged: Relation; steps: Step[] } {
  const staged = tempRelation(node.relation, 'new');
  return {
    staged,
    steps: [
      { kind: 'sql', sql: ctx.dialect.dropRelation(staged, 'table') },
      { kind: 'sql', sql: ctx.dialect.createTableAs(staged, sql) },
    ],
  };
}

export interface SchemaChange {
  added: ColumnDef[];
  removed: ColumnDef[];
}

export function diffColumns(existing: readonly ColumnDef[], incoming: readonly ColumnDef[]): SchemaChange {
  const has = (list: readonly ColumnDef[], c: ColumnDef) => list.some((x) => x.name.toLowerCase() === c.name.toLowerCase());
  return { added: incoming.filter((c) => !has(existing, c)), removed: existing.filter((c) => !has(incoming, c)) };
}

/**
 * Second step: apply the staged rows. Throws (a model error, not a crash) when
 * `on_schema_change: fail` meets a changed schema.
 */
export function planIncrementalApply(
  node: ModelNode,
  staged: Relation,
  existingColumns: readonly ColumnDef[],
  incomingColumns: readonly ColumnDef[],
  ctx: PlanContext,
): Step[] {
  const d = ctx.dialect;
  const rel = node.relation;
  const osc = (node.config.on_schema_change ?? 'ignore') as OnSchemaChange;
  const change = diffColumns(existingColumns, incomingColumns);
  const stmts: string[] = [];
  let columns = existingColumns.filter((c) => incomingColumns.some((i) => i.name.toLowerCase() === c.name.toLowerCase())).map((c) => c.name);
  if (change.added.length || change.removed.length) {
    if (osc === 'fail') {
      throw new Error(
        `The schema of ${node.name} changed (added: ${change.added.map((c) => c.name).join(', ') || 'none'}; removed: ${change.removed.map((c) => c.name).join(', ') || 'none'}) and on_schema_change is 'fail'. Run with --full-refresh, or set on_schema_change to append_new_columns or sync_all_columns.`,
      );
    }
    if (osc === 'append_new_columns' || osc === 'sync_all_columns') {
      for (const c of change.added) stmts.push(d.addColumn(rel, c));
      columns = [...columns, ...change.added.map((c) => c.name)];
    }
    if (osc === 'sync_all_columns') for (const c of change.removed) stmts.push(d.dropColumn(rel, c.name));
  }
  const src = `select * from ${d.relationName(staged)}`;
  const strategy = strategyOf(node, ctx);
  const key = uniqueKeyOf(node);
  const predicates = Array.isArray(node.config.incremental_predicates) ? (node.config.incremental_predicates as string[]) : [];
  if (strategy === 'merge' && key.length) {
    stmts.push(d.merge(rel, src, key, columns));
  } else if (strategy === 'delete+insert' && key.length) {
    const q = (c: string) => d.quoteIdentifier(c);
    const keyTuple = key.length === 1 ? q(key[0]!) : `(${key.map(q).join(', ')})`;
    const extra = predicates.length ? ` and ${predicates.join(' and ')}` : '';
    stmts.push(d.deleteWhere(rel, `${keyTuple} in (select ${key.map(q).join(', ')} from ${d.relationName(staged)})${extra}`));
    stmts.push(d.insertInto(rel, columns, src));
  } else {
    stmts.push(d.insertInto(rel, columns, src));
  }
  const drop = d.dropRelation(staged, 'table');
  if (ctx.capabilities.supportsTransactionalDdl) return [{ kind: 'transaction', statements: stmts }, { kind: 'sql', sql: drop }];
  return [...stmts.map((s) => ({ kind: 'sql' as const, sql: s })), { kind: 'sql', sql: drop }];
}
