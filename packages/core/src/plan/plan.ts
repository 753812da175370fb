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

/**
 * True when the model will be built incrementally: it exists as a table and neither the flag
 * nor the model asks for a full refresh. A model's `full_refresh` config wins over the flag,
 * as in dbt (`full_refresh: false` protects a table that cannot be rebuilt).
 */
export function isIncrementalRun(node: ModelNode, existing: RelationInfo | undefined, ctx: PlanContext): boolean {
  if (node.config.materialized !== 'incremental' || !existing || existing.kind !== 'table') return false;
  const fr = typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : ctx.fullRefresh;
  return !fr;
}

export function planView(node: ModelNode, sql: string, existing: RelationInfo | undefined, ctx: PlanContext): Step[] {
  const d = ctx.dialect;
  const stmts: string[] = [];
  if (existing && existing.kind !== 'view') stmts.push(d.dropRelation(node.relation, existing.kind));
  stmts.push(d.createView(node.relation, sql));
  return ctx.capabilities.supportsTransactionalDdl ? swapSteps(stmts, ctx) : stmts.map((s) => ({ kind: 'sql', sql: s }));
}

/**
 * The statements of a replace that must take effect together. A lone `create or replace`
 * where that statement is itself atomic needs no begin/commit around it: one round trip instead
 * of three, and on DuckDB an autocommit statement is cheaper than the same one in a transaction.
 */
function swapSteps(stmts: string[], ctx: PlanContext): Step[] {
  if (stmts.length === 1 && ctx.capabilities.supportsAtomicCreateOrReplace) return [{ kind: 'sql', sql: stmts[0]! }];
  return [{ kind: 'transaction', statements: stmts }];
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
    return swapSteps(stmts, ctx);
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
  if (Array.isArray(k)) return k.map(String).map((s) => s.trim()).filter(Boolean);
  if (typeof k === 'string' && k) return k.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

const STRATEGIES: readonly string[] = ['append', 'merge', 'delete+insert'];
const SCHEMA_MODES: readonly string[] = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'];

/**
 * Config problems an incremental model can only show at run time (config() may set them), as a
 * message that names the model and the fix; undefined when the config is usable.
 */
export function incrementalConfigError(node: ModelNode): string | undefined {
  const c = node.config;
  const where = `${node.name} (${node.originalFilePath})`;
  if (c.incremental_strategy !== undefined && !STRATEGIES.includes(String(c.incremental_strategy))) {
    return `${where}: incremental_strategy "${String(c.incremental_strategy)}" is not known. Use one of: ${STRATEGIES.join(', ')}.`;
  }
  if (c.on_schema_change !== undefined && !SCHEMA_MODES.includes(String(c.on_schema_change))) {
    return `${where}: on_schema_change "${String(c.on_schema_change)}" is not known. Use one of: ${SCHEMA_MODES.join(', ')}.`;
  }
  if (c.incremental_strategy === 'delete+insert' && !uniqueKeyOf(node).length) {
    return `${where}: incremental_strategy 'delete+insert' needs a unique_key (one column or a list) to know which rows to replace.`;
  }
  const p = c.incremental_predicates;
  if (p !== undefined && !(Array.isArray(p) && p.every((x) => typeof x === 'string')) && typeof p !== 'string') {
    return `${where}: incremental_predicates must be a list of SQL conditions, e.g. ["sm_dest.ts > now() - interval 3 day"].`;
  }
  return undefined;
}

/** The strategy used: the configured one, else merge with a key (delete+insert where merge is missing), else append. */
export function strategyOf(node: ModelNode, ctx: PlanContext): IncrementalStrategy {
  const s = node.config.incremental_strategy;
  const key = uniqueKeyOf(node);
  if (s === 'append') return 'append';
  if (s === 'delete+insert') return s;
  if (!key.length) return 'append';
  return ctx.capabilities.supportsMerge ? 'merge' : 'delete+insert';
}

/** Predicates as written; dbt's aliases are accepted and mean the same as ours. */
export function predicatesOf(node: ModelNode): string[] {
  const p = node.config.incremental_predicates;
  const list = Array.isArray(p) ? p.map(String) : typeof p === 'string' && p ? [p] : [];
  return list.map((x) => x.replace(/\bDBT_INTERNAL_DEST\b/gi, 'sm_dest').replace(/\bDBT_INTERNAL_SOURCE\b/gi, 'sm_src'));
}

/** First step of an incremental run: stage the new rows where their columns can be read. */
export function planIncrementalStage(node: ModelNode, sql: string, ctx: PlanContext): { staged: Relation; statements: string[] } {
  const staged = tempRelation(node.relation, 'new');
  // Without transactional DDL a session-scoped temporary table keeps the stage out of sight and
  // lets the warehouse drop it should the run die; with it, the transaction hides the stage.
  const opts = { temporary: !ctx.capabilities.supportsTransactionalDdl };
  return { staged, statements: [ctx.dialect.dropRelation(staged, 'table'), ctx.dialect.createTableAs(staged, sql, opts)] };
}

export interface SchemaChange {
  added: ColumnDef[];
  removed: ColumnDef[];
  /** Columns in both whose type differs: the incoming definition. */
  retyped: ColumnDef[];
}

export function diffColumns(existing: readonly ColumnDef[], incoming: readonly ColumnDef[]): SchemaChange {
  const find = (list: readonly ColumnDef[], c: ColumnDef) => list.find((x) => x.name.toLowerCase() === c.name.toLowerCase());
  const norm = (t: string) => t.replace(/\s+/g, ' ').trim().toUpperCase();
  return {
    added: incoming.filter((c) => !find(existing, c)),
    removed: existing.filter((c) => !find(incoming, c)),
    retyped: incoming.filter((c) => {
      const e = find(existing, c);
      return !!e && norm(e.type) !== norm(c.type);
    }),
  };
}

/** A statement of an incremental apply; `countsRows` marks the ones whose affected rows are the model's rows. */
export interface Statement {
  sql: string;
  countsRows?: boolean;
}

/**
 * Second step: apply the staged rows to the existing table. Throws (a model error, not a
 * crash) when `on_schema_change: fail` meets a changed schema. The caller runs the stage,
 * these statements and the drop of the staged relation in one transaction where the
 * warehouse allows it, so the staged relation is never left visible.
 */
export function planIncrementalApply(
  node: ModelNode,
  staged: Relation,
  existingColumns: readonly ColumnDef[],
  incomingColumns: readonly ColumnDef[],
  ctx: PlanContext,
): Statement[] {
  const d = ctx.dialect;
  const rel = node.relation;
  const osc = (node.config.on_schema_change ?? 'ignore') as OnSchemaChange;
  const change = diffColumns(existingColumns, incomingColumns);
  const out: Statement[] = [];
  let columns = existingColumns.filter((c) => incomingColumns.some((i) => i.name.toLowerCase() === c.name.toLowerCase())).map((c) => c.name);
  if (change.added.length || change.removed.length || change.retyped.length) {
    if (osc === 'fail') {
      const retyped = change.retyped.length ? `; retyped: ${change.retyped.map((c) => `${c.name} to ${c.type}`).join(', ')}` : '';
      throw new Error(
        `The schema of ${node.name} changed (added: ${change.added.map((c) => c.name).join(', ') || 'none'}; removed: ${change.removed.map((c) => c.name).join(', ') || 'none'}${retyped}) and on_schema_change is 'fail'. Run with --full-refresh, or set on_schema_change to append_new_columns or sync_all_columns.`,
      );
    }
    if (osc === 'append_new_columns' || osc === 'sync_all_columns') {
      for (const c of change.added) out.push({ sql: d.addColumn(rel, c) });
      columns = [...columns, ...change.added.map((c) => c.name)];
    }
    if (osc === 'sync_all_columns') {
      for (const c of change.removed) out.push({ sql: d.dropColumn(rel, c.name) });
      for (const c of change.retyped) {
        if (!d.alterColumnType) throw new Error(`${node.name}: column ${c.name} is now ${c.type}, and the ${d.name} dialect cannot change a column's type. Run with --full-refresh.`);
        out.push({ sql: d.alterColumnType(rel, c) });
      }
    }
  }
  const src = `select * from ${d.relationName(staged)}`;
  const strategy = strategyOf(node, ctx);
  const key = uniqueKeyOf(node);
  const predicates = predicatesOf(node);
  if (strategy === 'merge') {
    out.push({ sql: d.merge(rel, src, key, columns, predicates), countsRows: true });
  } else if (strategy === 'delete+insert') {
    const q = (c: string) => d.quoteIdentifier(c);
    const keyTuple = key.length === 1 ? q(key[0]!) : `(${key.map(q).join(', ')})`;
    // The delete has no alias in every dialect: predicates name the target by its full name.
    const target = d.relationName(rel);
    const extra = predicates.map((p) => ` and (${p.replace(/\bsm_dest\b/g, target)})`).join('');
    out.push({ sql: d.deleteWhere(rel, `${keyTuple} in (select ${key.map(q).join(', ')} from ${d.relationName(staged)})${extra}`) });
    out.push({ sql: d.insertInto(rel, columns, src), countsRows: true });
  } else {
    out.push({ sql: d.insertInto(rel, columns, src), countsRows: true });
  }
  return out;
}
