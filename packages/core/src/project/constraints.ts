import { createHash } from 'node:crypto';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { ColumnInfo, GraphNode, ModelNode } from '../types.ts';
import { pythonRepr } from '../util/py-repr.ts';

/** dbt's ConstraintType values, in its order (its message lists them so). */
const TYPES = ['check', 'not_null', 'unique', 'primary_key', 'foreign_key', 'custom'];

/** A column constraint in the shape dbt 1.11 writes it: every key, null or empty where unset. */
export function dbtConstraint(c: Record<string, unknown>): Record<string, unknown> {
  return {
    type: c.type ?? null,
    name: c.name ?? null,
    expression: c.expression ?? null,
    warn_unenforced: c.warn_unenforced ?? true,
    warn_unsupported: c.warn_unsupported ?? true,
    to: c.to ?? null,
    to_columns: Array.isArray(c.to_columns) ? c.to_columns : [],
  };
}

/** A model-level constraint as dbt 1.11 writes it: a column constraint's keys, then `columns`. */
export function dbtModelConstraint(c: Record<string, unknown>): Record<string, unknown> {
  return { ...dbtConstraint(c), columns: Array.isArray(c.columns) ? c.columns : [] };
}

/** A foreign key's `to` as dbt's parse takes it: a `ref(...)` or `source(...)` call, nothing else. */
const REF_OR_SOURCE = /^\s*(ref|source)\s*\([\s\S]*\)\s*$/;

/** The `to` of each foreign key among a model's constraints (column and model level), once each. */
function foreignKeysOf(n: ModelNode): string[] {
  const all = [...Object.values(n.columns).flatMap((c: ColumnInfo) => c.constraints ?? []), ...(n.constraints ?? [])];
  return [...new Set(all.filter((c) => c.type === 'foreign_key' && typeof c.to === 'string' && c.to).map((c) => c.to as string))];
}

/**
 * Whether a model has a foreign key: its render is not cached (the cache's key does not cover the
 * YAML its `to` comes from). Asked of every model a warm render reuses, so it allocates nothing.
 */
export function hasForeignKeys(n: ModelNode): boolean {
  const isKey = (c: Record<string, unknown>) => c.type === 'foreign_key' && typeof c.to === 'string' && c.to !== '';
  if (n.constraints?.some(isKey)) return true;
  for (const col of Object.values(n.columns)) if (col.constraints?.some(isKey)) return true;
  return false;
}

/**
 * Each foreign key's `to` rendered after the model's SQL (`render` makes it one more of the model's
 * refs, after its SQL's, as dbt adds it to the model's refs or sources): the relation it names. Undefined when the model has none; a `to`
 * that is not a ref or source call is left as written (parse reports it).
 */
export function foreignKeyTargets(n: ModelNode, render: (to: string) => string): Record<string, string> | undefined {
  const tos = foreignKeysOf(n).filter((to) => REF_OR_SOURCE.test(to));
  return tos.length ? Object.fromEntries(tos.map((to) => [to, render(to)])) : undefined;
}

/**
 * A compiled node's manifest entry with each foreign key's `to` as it rendered (dbt's compile
 * writes `"db"."main"."x"` where its parse kept `ref('x')`); the node's own lists are left alone.
 */
export function withRenderedForeignKeys(e: Record<string, unknown>, rendered: Readonly<Record<string, string>>): void {
  const swap = (list: unknown) => (Array.isArray(list) ? list.map((c: Record<string, unknown>) => (c.type === 'foreign_key' && typeof c.to === 'string' && c.to in rendered ? { ...c, to: rendered[c.to] } : c)) : list);
  e.constraints = swap(e.constraints);
  const cols = e.columns as Record<string, Record<string, unknown>> | undefined;
  if (cols) e.columns = Object.fromEntries(Object.entries(cols).map(([k, c]) => [k, { ...c, constraints: swap(c.constraints) }]));
}

/** Whether the model's config enforces a contract (`contract: {enforced: true}`). */
export function contractEnforced(n: { readonly config: Readonly<Record<string, unknown>> }): boolean {
  const c = n.config.contract;
  return typeof c === 'object' && c !== null && (c as { enforced?: unknown }).enforced === true;
}

/** Whether the materialization creates its table with the contract's columns and constraints (dbt's materialization_enforces_constraints). */
export function enforcesConstraints(n: { readonly config: Readonly<Record<string, unknown>> }): boolean {
  return n.config.materialized === 'table' || n.config.materialized === 'incremental';
}

/**
 * A model's `contract.checksum` as dbt 1.11 computes it (build_contract_checksum): sha256 of each
 * column, by name, as `|<name><data_type><constraints>` with the constraints as Python prints
 * its list of constraint objects, then for a table or incremental model its materialization and
 * model-level constraints. Null when the contract is not enforced.
 */
export function contractChecksum(n: ModelNode): string | null {
  if (!contractEnforced(n)) return null;
  let state = '';
  const cols = Object.values(n.columns).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const c of cols) state += `|${c.name}${c.dataType ?? 'None'}${constraintsRepr('ColumnLevelConstraint', c.constraints ?? [])}`;
  if (enforcesConstraints(n)) state += `${String(n.config.materialized)}${constraintsRepr('ModelLevelConstraint', n.constraints ?? [])}`;
  return createHash('sha256').update(state, 'utf8').digest('hex');
}

/** `str()` of a list of dbt's constraint dataclasses. */
function constraintsRepr(cls: string, list: readonly Record<string, unknown>[]): string {
  const one = (c: Record<string, unknown>) => {
    const type = String(c.type);
    const fields = [
      `type=<ConstraintType.${type}: ${pythonRepr(type)}>`,
      `name=${pythonRepr(c.name ?? null)}`,
      `expression=${pythonRepr(c.expression ?? null)}`,
      `warn_unenforced=${pythonRepr(c.warn_unenforced ?? true)}`,
      `warn_unsupported=${pythonRepr(c.warn_unsupported ?? true)}`,
      `to=${pythonRepr(c.to ?? null)}`,
      `to_columns=${pythonRepr(c.to_columns ?? [])}`,
    ];
    if (cls === 'ModelLevelConstraint') fields.push(`columns=${pythonRepr(c.columns ?? [])}`);
    return `${cls}(${fields.join(', ')})`;
  };
  return `[${list.map(one).join(', ')}]`;
}

/**
 * What dbt 1.11's parse says of a model's constraints and contract (its patch_constraints and
 * model config validation): a primary key on several columns or at both levels, an enforced
 * contract without YAML columns, on a Python model or with an unknown constraint type are
 * errors; constraints on a materialization that does not create them a warning
 * (UnsupportedConstraintMaterialization); an incremental model with an enforced contract must
 * say what to do when its columns change. `warn`: whether to give the warning (a node parsed
 * again, not one reused from the last parse).
 */
export function constraintProblems(n: GraphNode, warn: boolean): Diagnostic[] {
  if (n.resourceType !== 'model') return [];
  const out: Diagnostic[] = [];
  const where = { file: n.originalFilePath };
  const patch = n.patchPath ? { file: n.patchPath } : where;
  if (contractEnforced(n) && n.config.materialized === 'incremental' && !['append_new_columns', 'fail'].includes(String(n.config.on_schema_change ?? 'ignore'))) {
    out.push(
      diag('SM_CONTRACT_INVALID', `Invalid value for on_schema_change: ${String(n.config.on_schema_change ?? 'ignore')}. Models materialized as incremental with contracts enabled must set on_schema_change to 'append_new_columns' or 'fail'`, where, {
        hint: `Model ${n.name}: set on_schema_change='fail' (or 'append_new_columns') in its config, or stop enforcing its contract.`,
      }),
    );
  }
  if (!n.patchPath) return out;
  for (const to of foreignKeysOf(n)) {
    if (!REF_OR_SOURCE.test(to)) out.push(diag('SM_CONTRACT_INVALID', `Invalid 'ref' or 'source' syntax on foreign key constraint 'to' on model ${n.name}: ${to}.`, patch, { hint: "Write the foreign key's `to:` as ref('model') or source('source', 'table')." }));
  }
  const modelLevel = n.constraints ?? [];
  const columnLevel = Object.values(n.columns).flatMap((c: ColumnInfo) => c.constraints ?? []);
  if (contractEnforced(n)) {
    if (warn && [...columnLevel, ...modelLevel].some((c) => c.warn_unsupported !== false) && !enforcesConstraints(n)) {
      out.push(
        diag('SM_CONSTRAINT_IGNORED', `Constraint types are not supported for ${String(n.config.materialized)} materializations and will be ignored.  Set 'warn_unsupported: false' on this constraint to ignore this warning.`, patch, {
          severity: 'warning',
          event: 'UnsupportedConstraintMaterialization',
          eventData: { materialized: String(n.config.materialized) },
          hint: `Model ${n.name}: constraints are created only with a table or incremental model.`,
        }),
      );
    }
    const errors: string[] = [];
    if (!Object.keys(n.columns).length) errors.push('Constraints must be defined in a `yml` schema configuration file like `schema.yml`.');
    if (n.pythonCode !== undefined) errors.push("Language Error: Expected 'sql' but found 'python'");
    if (errors.length) out.push(diag('SM_CONTRACT_INVALID', `Contract enforcement failed for: (${n.originalFilePath})\n${errors.join('\n')}`, patch, { hint: `Model ${n.name}: list its columns with their data_type under columns: in ${n.patchPath}.` }));
    if (modelLevel.some((c) => !TYPES.includes(String(c.type)))) {
      out.push(diag('SM_CONTRACT_INVALID', `Invalid constraint type on model ${n.name}: Type must be one of ${pythonRepr(TYPES)}`, patch, { hint: 'Correct the `type:` of the model-level constraint.' }));
    }
  }
  const pkColumns = Object.values(n.columns).filter((c) => (c.constraints ?? []).some((x) => x.type === 'primary_key')).map((c) => c.name);
  const pkErrors: string[] = [];
  if (pkColumns.length > 1) pkErrors.push(`Found ${pkColumns.length} columns (${pythonRepr(pkColumns)}) with primary key constraints defined. Primary keys for multiple columns must be defined as a model level constraint.`);
  if (pkColumns.length && modelLevel.some((c) => c.type === 'primary_key')) {
    pkErrors.push('Primary key constraints defined at the model level and the columns level. Primary keys can be defined at the model level or the column level, not both.');
  }
  const pkAt = Object.values(n.columns).find((c) => c.name === pkColumns[0])?.declaredAt ?? patch;
  if (pkErrors.length) out.push(diag('SM_CONTRACT_INVALID', `Primary key constraint error: (${n.originalFilePath})\n${pkErrors.join('\n')}`, pkAt, { hint: `Model ${n.name}: declare one primary key, on one column or as a model-level constraint listing its columns.` }));
  return out;
}
