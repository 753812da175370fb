import type { Dialect } from '../adapter.ts';
import type { ModelNode } from '../types.ts';
import { contractEnforced, enforcesConstraints } from '../project/constraints.ts';

/** How a warehouse's dbt adapter treats a constraint type (dbt's ConstraintSupport). */
export type ConstraintSupport = 'enforced' | 'not_enforced' | 'not_supported';

/** dbt-core's base adapter: what an adapter that says nothing else supports. */
export const BASE_CONSTRAINT_SUPPORT: Readonly<Record<string, ConstraintSupport>> = {
  check: 'not_supported',
  not_null: 'enforced',
  unique: 'not_enforced',
  primary_key: 'not_enforced',
  foreign_key: 'enforced',
};

/** A constraint as the YAML gives it (dbt's ColumnLevelConstraint / ModelLevelConstraint). */
interface Constraint {
  readonly type?: unknown;
  readonly name?: unknown;
  readonly expression?: unknown;
  readonly warn_unenforced?: unknown;
  readonly warn_unsupported?: unknown;
  readonly to?: unknown;
  readonly to_columns?: unknown;
  readonly columns?: unknown;
}

/** What creating a contracted table takes: its column definitions and constraints, the names to insert, and dbt's warnings. */
export interface ContractTable {
  /** `name type constraint...` per YAML column, then the model-level constraints (dbt's table_columns_and_constraints). */
  readonly definitions: readonly string[];
  /** The YAML's columns in order, as the insert and the select list name them. */
  readonly names: readonly string[];
  /** ConstraintNotSupported / ConstraintNotEnforced, as dbt words them. */
  readonly warnings: readonly { readonly event: string; readonly message: string }[];
}

/**
 * The DDL of a table whose model enforces a contract, as dbt renders it: each YAML column with
 * its data type and constraints, then the model's constraints. A constraint type the adapter does
 * not support is left out (with dbt's warning unless `warn_unsupported: false`); one it does not
 * enforce is written with a warning unless `warn_unenforced: false`. Undefined when the model
 * enforces no contract or its materialization creates no table with it.
 */
export function contractTable(m: ModelNode, d: Dialect, rendered: (to: string) => string = (to) => to): ContractTable | undefined {
  if (!contractEnforced(m) || !enforcesConstraints(m) || m.pythonCode !== undefined) return undefined;
  const support = d.constraintSupport ?? BASE_CONSTRAINT_SUPPORT;
  const adapter = d.name;
  const warnings: { event: string; message: string }[] = [];
  const allowed = (c: Constraint): boolean => {
    const type = String(c.type);
    if (type === 'custom') return true;
    const s = support[type] ?? 'not_supported';
    if (s === 'not_supported' && c.warn_unsupported !== false) {
      warnings.push({ event: 'ConstraintNotSupported', message: `The constraint type ${type} is not supported by ${adapter}, and will be ignored. Set 'warn_unsupported: false' on this constraint to ignore this warning.` });
    }
    if (s === 'not_enforced' && c.warn_unenforced !== false) {
      warnings.push({ event: 'ConstraintNotEnforced', message: `The constraint type ${type} is not enforced by ${adapter}. The constraint will be included in this model's DDL statement, but it will not guarantee anything about the underlying data. Set 'warn_unenforced: false' on this constraint to ignore this warning.` });
    }
    return s !== 'not_supported';
  };
  const target = (to: unknown) => (d.foreignKeyTarget ? d.foreignKeyTarget(rendered(String(to))) : rendered(String(to)));
  const definitions: string[] = [];
  const names: string[] = [];
  for (const col of Object.values(m.columns)) {
    const name = col.quote ? d.quoteIdentifier(col.name) : col.name;
    names.push(name);
    const parts = [`${name} ${col.dataType ?? 'None'}`];
    for (const c of (col.constraints ?? []) as Constraint[]) {
      if (!allowed(c)) continue;
      const text = columnConstraint(c, target);
      if (text) parts.push(text);
    }
    definitions.push(parts.join(' '));
  }
  for (const c of (m.constraints ?? []) as Constraint[]) {
    if (!allowed(c)) continue;
    const text = modelConstraint(c, target);
    if (text) definitions.push(text);
  }
  return { definitions, names, warnings };
}

const text = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v));
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** One column's constraint as dbt's render_column_constraint writes it (trimmed), or undefined. */
function columnConstraint(c: Constraint, target: (to: unknown) => string): string | undefined {
  const expr = text(c.expression);
  let out: string | undefined;
  switch (c.type) {
    case 'check':
      out = expr ? `check (${expr})` : undefined;
      break;
    case 'not_null':
      out = `not null ${expr}`;
      break;
    case 'unique':
      out = `unique ${expr}`;
      break;
    case 'primary_key':
      out = `primary key ${expr}`;
      break;
    case 'foreign_key':
      if (c.to && list(c.to_columns).length) out = `references ${target(c.to)} (${list(c.to_columns).join(', ')})`;
      else if (expr) out = `references ${expr}`;
      break;
    case 'custom':
      out = expr || undefined;
      break;
  }
  return out?.trim();
}

/** A model-level constraint as dbt's render_model_constraint writes it, or undefined. */
function modelConstraint(c: Constraint, target: (to: unknown) => string): string | undefined {
  const prefix = c.name ? `constraint ${text(c.name)} ` : '';
  const cols = list(c.columns).join(', ');
  const expr = text(c.expression);
  switch (c.type) {
    case 'check':
      return expr ? `${prefix}check (${expr})` : undefined;
    case 'unique':
      return `${prefix}unique${expr ? ` ${expr}` : ''} (${cols})`;
    case 'primary_key':
      return `${prefix}primary key${expr ? ` ${expr}` : ''} (${cols})`;
    case 'foreign_key':
      if (c.to && list(c.to_columns).length) return `${prefix}foreign key (${cols}) references ${target(c.to)} (${list(c.to_columns).join(', ')})`;
      return expr ? `${prefix}foreign key (${cols}) references ${expr}` : undefined;
    case 'custom':
      return expr ? `${prefix}${expr}` : undefined;
  }
  return undefined;
}
