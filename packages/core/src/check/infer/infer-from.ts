import type { Alias, FnCall, FromItem, Ident } from '../sql/ast.ts';
import { applyRule, elementOf } from '../functions/function-rules.ts';
import { T, type SqlType } from '../types/sql-type.ts';
import type { InferCtx } from './infer-ctx.ts';
import { identKey } from './infer-env.ts';
import { inferExpr } from './infer-expr.ts';
import { renameCols, valuesShape } from './infer-values.ts';
import { pivotShape, unpivotShape } from './infer-pivot.ts';
import type { Ctes, Rel, Scope, Value } from './scope.ts';
import { closestNames } from '../../diagnostics.ts';
import { findCol, transformed, type Col, type Shape } from './shape.ts';
import { expectCompatible } from './type-checks.ts';
import { supertype } from '../types/sql-type.ts';

const FILE_READERS = /^(read_|parquet_scan|csv_scan|json_scan|iceberg_scan|delta_scan|sniff_csv|glob$|query_table)/;

/** Add the relations of one FROM item (and its joins) to `x.scope`; derived tables see `outer` and what is left of them. */
export function addFromItem(f: FromItem, x: InferCtx, outer: Scope | undefined): void {
  const env = x.env;
  switch (f.t) {
    case 'table': {
      const parts = f.name;
      const cte = parts.length === 1 ? x.ctes.get(identKey(env, parts[0]!)) : undefined;
      const ref = cte ? undefined : env.table(parts);
      if (!cte && !ref && parts.length === 1) unknownRelation(parts[0]!, x);
      const shape: Shape = cte ?? ref?.shape ?? { cols: [], open: true };
      const name = parts[parts.length - 1]!.name;
      push(x.scope, f.alias, name, renameCols(shape, f.alias?.columns, x), cte ? `CTE ${name}` : (ref?.label ?? parts.map((p) => p.name).join('.')), f.alias ? undefined : parts.map((p) => identKey(env, p)), x);
      return;
    }
    case 'derived': {
      // Both warehouses let a subquery in FROM see the relations before it (lateral), so it sees this scope.
      const shape = x.run.query(f.query, { ...x, joinOn: false });
      push(x.scope, f.alias, 'subquery', renameCols(shape, f.alias?.columns, x), 'a subquery', undefined, x);
      return;
    }
    case 'tfn': {
      const shape = tableFunction(f.fn, x);
      push(x.scope, f.alias, f.fn.name, renameCols(shape, f.alias?.columns, x), `${f.fn.name}(...)`, undefined, x);
      return;
    }
    case 'values': {
      const shape = valuesShape(f.rows, f.pos, x);
      push(x.scope, f.alias, 'values', renameCols(shape, f.alias?.columns, x), 'VALUES', undefined, x);
      return;
    }
    case 'join':
      addJoin(f, x, outer);
      return;
    case 'pivot':
    case 'unpivot': {
      const shape = f.t === 'pivot' ? pivotShape(f, x, outer) : unpivotShape(f, x, outer);
      push(x.scope, f.alias, f.t, renameCols(shape, f.alias?.columns, x), f.t.toUpperCase(), undefined, x);
      return;
    }
  }
}

/**
 * An unqualified name that is no CTE in reach and no relation of the project: a misspelt CTE,
 * or a table the project does not declare. A warning (the table may exist), its columns unknown.
 */
function unknownRelation(name: Ident, x: InferCtx): void {
  const ctes: string[] = [];
  for (let c: Ctes | undefined = x.ctes; c; c = c.parent) for (const s of c.names.values()) ctes.push(s);
  const close = closestNames(name.name, ctes);
  x.env.report({
    code: 'SM_CHECK_UNKNOWN_RELATION',
    message: `"${name.name}" is no CTE of this query and no model, seed, snapshot or source of the project; its columns are unknown`,
    pos: name.pos,
    hint: close.length ? `Did you mean the CTE ${close.map((c) => `"${c}"`).join(' or ')}?` : 'Declare it as a source (and read it with source()), or ref() the model that builds it.',
    severity: 'warning',
  });
}

function push(scope: Scope, alias: Alias | undefined, fallback: string, shape: Shape, label: string, nameKeys: string[] | undefined, x: InferCtx): void {
  const name = alias?.name.name ?? fallback;
  const aliasKey = alias ? identKey(x.env, alias.name) : x.env.key(fallback, false);
  scope.rels.push({ alias: name, aliasKey, nameKeys, shape, label, hidden: new Set() });
}

function addJoin(f: Extract<FromItem, { t: 'join' }>, x: InferCtx, outer: Scope | undefined): void {
  const scope = x.scope;
  const start = scope.rels.length;
  addFromItem(f.left, x, outer);
  const mid = scope.rels.length;
  addFromItem(f.right, x, outer);
  const left = scope.rels.slice(start, mid);
  const right = scope.rels.slice(mid);
  if (f.on) inferExpr(f.on, { ...x, joinOn: true });
  let using: { key: string; id: Ident | undefined; name: string }[] = (f.using ?? []).map((u) => ({ key: identKey(x.env, u), id: u, name: u.name }));
  if (f.natural) {
    const rightKeys = new Set(right.flatMap((r) => r.shape.cols.filter((c) => !r.hidden.has(c.key)).map((c) => c.key)));
    using = visible(left, scope).filter((c) => rightKeys.has(c.key)).map((c) => ({ key: c.key, id: undefined, name: c.name }));
  }
  for (const u of using) {
    const l = lookup(left, scope, u.key);
    const r = lookup(right, scope, u.key);
    const pos = u.id?.pos ?? f.pos;
    for (const [side, found, rels] of [['left', l, left], ['right', r, right]] as const) {
      if (!found && !rels.some((rel) => rel.shape.open)) {
        x.env.report({ code: 'SM_CHECK_UNKNOWN_COLUMN', message: `USING (${u.name}): the ${side} side of the join (${rels.map((rel) => rel.alias).join(', ')}) has no column "${u.name}"`, pos });
      }
    }
    if (!l || !r) continue;
    const lv: Value = { type: l.type, lineage: l.lineage };
    const rv: Value = { type: r.type, lineage: r.lineage };
    expectCompatible(x.env, 'SM_CHECK_JOIN_KEY_TYPE', `Join keys USING (${u.name})`, lv, rv, [`left ${u.name}`, `right ${u.name}`], pos);
    const type: SqlType = supertype(l.type, r.type) ?? T.unknown;
    const lineage = f.kind === 'full' ? transformed(l.lineage, r.lineage) : f.kind === 'right' ? r.lineage : l.lineage;
    for (const rel of right) rel.hidden.add(u.key);
    scope.merged.set(u.key, { name: l.name, key: u.key, type, lineage });
  }
}

function visible(rels: readonly Rel[], scope: Scope): Col[] {
  return rels.flatMap((r) => r.shape.cols.filter((c) => !r.hidden.has(c.key)).map((c) => scope.merged.get(c.key) ?? c));
}

function lookup(rels: readonly Rel[], scope: Scope, key: string): Col | undefined {
  const m = scope.merged.get(key);
  if (m && rels.some((r) => findCol(r.shape, key))) return m;
  for (const r of rels) {
    if (r.hidden.has(key)) continue;
    const c = findCol(r.shape, key);
    if (c) return c;
  }
  return undefined;
}

/** Columns of a table function: DuckDB's unnest and series, Snowflake's flatten and generator; file readers are open. */
function tableFunction(fn: FnCall, x: InferCtx): Shape {
  const args = fn.args.map((a) => (a.t === 'lambda' ? { type: T.unknown, lineage: new Map() } : inferExpr(a, x)));
  const from = transformed(...args.map((a) => a.lineage));
  const col = (name: string, type: SqlType, lineage = from): Col => ({ name, key: x.env.key(name, false), type, lineage });
  const name = fn.name;
  if (x.env.dialect === 'snowflake') {
    if (name === 'generator') return { cols: [], open: false };
    if (name === 'flatten') {
      const n = T.decimal(38, 0);
      return { cols: [col('SEQ', n, new Map()), col('KEY', T.varchar), col('PATH', T.varchar), col('INDEX', n, new Map()), col('VALUE', T.variant), col('THIS', T.variant)], open: false };
    }
    if (name === 'split_to_table') return { cols: [col('SEQ', T.decimal(38, 0), new Map()), col('INDEX', T.decimal(38, 0), new Map()), col('VALUE', T.varchar)], open: false };
    return { cols: [], open: true };
  }
  if (name === 'unnest') return { cols: [col('unnest', elementOf(args[0]?.type))], open: false };
  if (name === 'generate_series' || name === 'range') {
    const t = applyRule(x.env.functions[name]!, { args: args.map((a) => a.type), literals: [], dialect: x.env.dialect, named: [] });
    return { cols: [col(name, elementOf(t))], open: false };
  }
  if (FILE_READERS.test(name)) return { cols: [], open: true };
  return { cols: [], open: true };
}
