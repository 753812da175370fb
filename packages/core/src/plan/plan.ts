/**
 * Pure: given a compiled node, what the warehouse holds now and the flags, the statements
 * that build it. The decision "full build or incremental" lives here once; adapters only
 * supply SQL text through their Dialect and say what they can do through Capabilities.
 */
import type { Capabilities, ColumnDef, Dialect, Relation, RelationInfo } from '../adapter.ts';
import type { ModelNode } from '../types.ts';
import { contractTable, type ContractTable } from './constraint-ddl.ts';
import { wantsFullRefresh } from './full-refresh.ts';
import { sql, type Plan, type Step } from './step.ts';

export interface PlanContext {
  dialect: Dialect;
  capabilities: Capabilities;
  fullRefresh: boolean;
}

export type IncrementalStrategy = 'append' | 'merge' | 'delete+insert' | 'microbatch';
export type OnSchemaChange = 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns';

export function tempRelation(rel: Relation, suffix: string): Relation {
  const tmp = { database: rel.database, schema: rel.schema, identifier: `${rel.identifier}__sm_${suffix}` };
  // Named as the relation is (the project's quoting): on Snowflake `"m_rel__sm_tmp"` renames to `"m_rel"`.
  return rel.quoted ? { ...tmp, quoted: rel.quoted } : tmp;
}

/**
 * True when the model will be built incrementally: it exists as a table and neither the flag
 * nor the model asks for a full refresh. A model's `full_refresh` config wins over the flag,
 * as in dbt (`full_refresh: false` protects a table that cannot be rebuilt).
 */
export function isIncrementalRun(node: ModelNode, existing: RelationInfo | undefined, ctx: Pick<PlanContext, 'fullRefresh'>): boolean {
  if (node.config.materialized !== 'incremental' || !existing || existing.kind !== 'table') return false;
  return !wantsFullRefresh(node, ctx.fullRefresh);
}

export function planView(node: Pick<ModelNode, 'relation'>, query: string, existing: RelationInfo | undefined, ctx: PlanContext): Plan {
  const d = ctx.dialect;
  const stmts: string[] = [];
  if (existing && existing.kind !== 'view') stmts.push(d.dropRelation(node.relation, existing.kind));
  stmts.push(d.createView(node.relation, query));
  return ctx.capabilities.supportsTransactionalDdl ? swap(stmts, ctx) : { steps: stmts.map((s) => sql(s)), transaction: false };
}

/**
 * The statements of a replace that must take effect together. A lone `create or replace`
 * where that statement is itself atomic needs no begin/commit around it: one round trip instead
 * of three, and on DuckDB an autocommit statement is cheaper than the same one in a transaction.
 */
function swap(stmts: string[], ctx: PlanContext): Plan {
  return { steps: stmts.map((s) => sql(s)), transaction: !(stmts.length === 1 && ctx.capabilities.supportsAtomicCreateOrReplace) };
}

/** A table replaced so that a failure at any point leaves yesterday's table in place. */
export function planTable(node: ModelNode, query: string, existing: RelationInfo | undefined, ctx: PlanContext): Plan {
  const d = ctx.dialect;
  const rel = node.relation;
  const opts = { adapterConfig: node.config };
  const contract = contractTable(node, d, (to) => node.foreignKeys?.[to] ?? to);
  if (contract) return planContractTable(node, query, existing, ctx, contract);
  if (ctx.capabilities.supportsTransactionalDdl) {
    const stmts: string[] = [];
    if (existing && existing.kind !== 'table') stmts.push(d.dropRelation(rel, existing.kind));
    stmts.push(d.createOrReplaceTableAs(rel, query, opts));
    return swap(stmts, ctx);
  }
  if (ctx.capabilities.supportsAtomicCreateOrReplace) {
    const steps: Step[] = [];
    // A view in the way cannot be replaced by a table in one statement; it is only a view.
    if (existing && existing.kind !== 'table') steps.push(sql(d.dropRelation(rel, existing.kind)));
    steps.push(sql(d.createOrReplaceTableAs(rel, query, opts)));
    return { steps, transaction: false };
  }
  return { steps: swapBeside(rel, existing, d, (tmp) => [sql(d.createTableAs(tmp, query, opts))]), transaction: false };
}

/**
 * A table whose model enforces a contract, created with the contract's columns and constraints
 * and then filled (dbt's create_table_as): in one transaction where DDL is transactional (a
 * breached constraint rolls back to yesterday's table), as one statement where that statement
 * replaces atomically, else built beside and renamed in.
 */
function planContractTable(node: ModelNode, query: string, existing: RelationInfo | undefined, ctx: PlanContext, contract: ContractTable): Plan {
  const d = ctx.dialect;
  const rel = node.relation;
  const build = (r: Relation, replace: boolean) => d.createContractTable(r, contract.definitions, contract.names, query, { adapterConfig: node.config, replace });
  const inTheWay = existing && existing.kind !== 'table' ? [d.dropRelation(rel, existing.kind)] : [];
  if (ctx.capabilities.supportsTransactionalDdl) return { steps: [...inTheWay, ...build(rel, true)].map((s) => sql(s)), transaction: true };
  const once = build(rel, true);
  if (ctx.capabilities.supportsAtomicCreateOrReplace && once.length === 1) return { steps: [...inTheWay, ...once].map((s) => sql(s)), transaction: false };
  return { steps: swapBeside(rel, existing, d, (tmp) => build(tmp, false).map((s) => sql(s))), transaction: false };
}

/**
 * Without transactional DDL or an atomic replace: build beside under `<name>__sm_tmp`, move the
 * old relation aside, rename the new one in, drop the old. A failure before the renames leaves
 * the old relation untouched.
 */
export function swapBeside(rel: Relation, existing: RelationInfo | undefined, d: Dialect, build: (tmp: Relation) => Step[]): Step[] {
  const tmp = tempRelation(rel, 'tmp');
  const backup = tempRelation(rel, 'backup');
  const out = [sql(d.dropRelation(tmp, 'table')), ...build(tmp)];
  if (existing) {
    out.push(sql(d.dropRelation(backup, existing.kind)));
    out.push(sql(d.renameRelation(rel, existing.kind, backup.identifier)));
  }
  out.push(sql(d.renameRelation(tmp, 'table', rel.identifier)));
  if (existing) out.push(sql(d.dropRelation(backup, existing.kind)));
  return out;
}

export function uniqueKeyOf(node: ModelNode): string[] {
  const k = node.config.unique_key;
  if (Array.isArray(k)) return k.map(String).map((s) => s.trim()).filter(Boolean);
  if (typeof k === 'string' && k) return k.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

const STRATEGIES: readonly string[] = ['append', 'merge', 'delete+insert', 'microbatch'];
const SCHEMA_MODES: readonly string[] = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'];

/**
 * Config problems an incremental model can only show at run time (config() may set them), as a
 * message that names the model and the fix; undefined when the config is usable.
 */
export function incrementalConfigError(node: ModelNode): string | undefined {
  const c = node.config;
  const where = `${node.name} (${node.originalFilePath})`;
  // Set to none (`incremental_strategy=none`) is unset, as in dbt: the default strategy, on_schema_change ignore.
  if (c.incremental_strategy != null && !STRATEGIES.includes(String(c.incremental_strategy))) {
    return `${where}: incremental_strategy "${String(c.incremental_strategy)}" is not known. Use one of: ${STRATEGIES.join(', ')}.`;
  }
  if (c.on_schema_change != null && !SCHEMA_MODES.includes(String(c.on_schema_change))) {
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

/** The strategy used: the configured one, else with a key the warehouse's default (merge; delete+insert where merge is missing), else append. */
export function strategyOf(node: ModelNode, ctx: PlanContext): IncrementalStrategy {
  const s = node.config.incremental_strategy;
  const key = uniqueKeyOf(node);
  if (s === 'append') return 'append';
  if (s === 'delete+insert' || s === 'microbatch') return s;
  if (!key.length) return 'append';
  // The warehouse's dbt adapter's default with a key: dbt-duckdb deletes and inserts, dbt-snowflake merges.
  if (s !== 'merge' && ctx.dialect.defaultIncrementalStrategy === 'delete+insert') return 'delete+insert';
  return ctx.capabilities.supportsMerge ? 'merge' : 'delete+insert';
}

/**
 * The columns a merge updates on a matched row, as dbt's get_merge_update_columns picks them:
 * `merge_update_columns` as listed, or every column but those `merge_exclude_columns` names
 * (compared case-insensitively); undefined: every column but the key.
 */
export function mergeUpdateColumns(node: ModelNode, columns: readonly string[]): string[] | undefined {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
  const only = list(node.config.merge_update_columns);
  // dbt refuses both when the model merges (a compilation error of that node).
  if (only.length && list(node.config.merge_exclude_columns).length) {
    throw new Error(`${node.name} (${node.originalFilePath}): Model cannot specify merge_update_columns and merge_exclude_columns. Please update model to use only one config`);
  }
  if (only.length) return only;
  const excluded = new Set(list(node.config.merge_exclude_columns).map((c) => c.toLowerCase()));
  return excluded.size ? columns.filter((c) => !excluded.has(c.toLowerCase())) : undefined;
}

/** Predicates as written; dbt's aliases are accepted and mean the same as ours. */
export function predicatesOf(node: ModelNode): string[] {
  const p = node.config.incremental_predicates;
  const list = Array.isArray(p) ? p.map(String) : typeof p === 'string' && p ? [p] : [];
  return list.map((x) => x.replace(/\bDBT_INTERNAL_DEST\b/gi, 'sm_dest').replace(/\bDBT_INTERNAL_SOURCE\b/gi, 'sm_src'));
}

/**
 * An incremental run: stage the new rows, read the staged and current columns, apply
 * (`planIncrementalApply`), drop the stage. With transactional DDL all of it is one
 * transaction, so a failure anywhere leaves the table as it was and no stage behind; elsewhere
 * the stage is a session-scoped temporary table, dropped on the way out whatever happened.
 * `knownColumns`: the table's columns from the run's catalog (empty: read them when needed).
 */
export function planIncremental(
  node: ModelNode,
  query: string,
  knownColumns: readonly ColumnDef[],
  ctx: PlanContext,
  opts: { keepStage?: boolean; andThen?: (current: readonly ColumnDef[], incoming: readonly ColumnDef[]) => Step[]; window?: string } = {},
): Plan {
  const d = ctx.dialect;
  const tx = ctx.capabilities.supportsTransactionalDdl;
  const staged = tempRelation(node.relation, 'new');
  const dropStage = d.dropRelation(staged, 'table');
  // keepStage (an audit in the same transaction reads the stage): the caller drops it.
  // andThen: steps planned from both column lists, run after the apply (the audit's).
  const apply = (current: readonly ColumnDef[], incoming: readonly ColumnDef[]): Step[] => [
    ...planIncrementalApply(node, staged, current, incoming, ctx, opts.window).map((s) => sql(s.sql, s.countsRows)),
    ...(opts.keepStage ? [] : [sql(dropStage)]),
    ...(opts.andThen ? opts.andThen(current, incoming) : []),
  ];
  return {
    steps: [
      sql(dropStage),
      sql(d.createTableAs(staged, query, { temporary: !tx })),
      {
        kind: 'inspect',
        relation: staged,
        then: (incoming) => (knownColumns.length ? apply(knownColumns, incoming) : [{ kind: 'inspect', relation: node.relation, then: (current) => apply(current, incoming) }]),
      },
    ],
    transaction: tx,
    cleanup: tx ? undefined : [dropStage],
  };
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
  /** microbatch: the batch's rows (`ts >= '…' and ts < '…'`), replaced in the table by the staged rows of the same window. */
  window?: string,
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
  // A key column missing from the query or the table: said here, by name, not as the warehouse's binder error about sm's own aliases.
  const has = (list: readonly string[], k: string) => list.some((c) => c.toLowerCase() === k.toLowerCase());
  const missing = strategy === 'merge' || strategy === 'delete+insert' ? key.filter((k) => !has(columns, k)) : [];
  if (missing.length) {
    const where = has(incomingColumns.map((c) => c.name), missing[0]!) ? `the table ${d.relationName(rel)}` : "the model's query";
    throw new Error(`${node.name} (${node.originalFilePath}): unique_key ${missing.map((k) => `"${k}"`).join(', ')} is not a column of ${where} (its columns: ${(where === "the model's query" ? incomingColumns.map((c) => c.name) : existingColumns.map((c) => c.name)).join(', ')}). Fix unique_key in the model's config${where === "the model's query" ? '' : ', or run with --full-refresh to rebuild the table with it'}.`);
  }
  const predicates = predicatesOf(node);
  if (strategy === 'merge') {
    out.push({ sql: d.merge(rel, src, key, columns, predicates, mergeUpdateColumns(node, columns)), countsRows: true });
  } else if (strategy === 'microbatch') {
    if (!window) throw new Error(`internal: ${node.name} is a microbatch model planned without its batch`);
    const target = d.relationName(rel);
    const extra = predicates.map((p) => ` and (${p.replace(/\bsm_dest\b/g, target)})`).join('');
    out.push({ sql: d.deleteWhere(rel, `${window}${extra}`) });
    out.push({ sql: d.insertInto(rel, columns, `${src} where ${window}`), countsRows: true });
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
