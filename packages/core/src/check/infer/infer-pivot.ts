import type { Expr, FromItem } from '../sql/ast.ts';
import { T } from '../types/sql-type.ts';
import type { InferCtx } from './infer-ctx.ts';
import { identKey } from './infer-env.ts';
import { inferExpr } from './infer-expr.ts';
import { Scope, type Value } from './scope.ts';
import { transformed, type Col, type Shape } from './shape.ts';
import { commonOf, compatible } from './type-checks.ts';

type Pivot = Extract<FromItem, { t: 'pivot' }>;
type Unpivot = Extract<FromItem, { t: 'unpivot' }>;

/** The source of a PIVOT/UNPIVOT, in a scope of its own. */
function sourceScope(source: FromItem, x: InferCtx, outer: Scope | undefined): { scope: Scope; cols: Col[]; open: boolean } {
  const scope = new Scope(x.scope);
  x.run.fromItem(source, { ...x, scope }, outer);
  const cols = scope.rels.flatMap((r) => r.shape.cols.filter((c) => !r.hidden.has(c.key)).map((c) => scope.merged.get(c.key) ?? c));
  return { scope, cols, open: scope.rels.some((r) => r.shape.open) };
}

/** Column names an expression mentions, unqualified keys. */
function mentioned(e: Expr, x: InferCtx, out: Set<string>): void {
  if (e.t === 'col') out.add(identKey(x.env, e.parts[e.parts.length - 1]!));
  else if (e.t === 'fn') for (const a of e.args) mentioned(a, x, out);
  else if (e.t === 'cast' || e.t === 'unary') mentioned(e.arg, x, out);
  else if (e.t === 'bin') {
    mentioned(e.l, x, out);
    mentioned(e.r, x, out);
  } else if (e.t === 'case') {
    for (const [w, t] of e.whens) {
      mentioned(w, x, out);
      mentioned(t, x, out);
    }
    if (e.else) mentioned(e.else, x, out);
  }
}

/**
 * `pivot (agg(v) [as a], ... for col in (v1 [as n1], ...))`: the columns not pivoted nor
 * aggregated stay (as groups), then one column per value (and aggregate). Values given by
 * `any` or a subquery are known only when the query runs: the shape is then open.
 */
export function pivotShape(f: Pivot, x: InferCtx, outer: Scope | undefined): Shape {
  const src = sourceScope(f.source, x, outer);
  const ctx: InferCtx = { ...x, scope: src.scope };
  const aggs = f.aggregates.map((a) => ({ item: a, v: inferExpr(a.expr, ctx) }));
  const used = new Set<string>();
  for (const a of f.aggregates) mentioned(a.expr, x, used);
  const ons = f.on.map((o) => ({ o, v: inferExpr(o.expr, ctx) }));
  for (const o of f.on) mentioned(o.expr, x, used);
  const groupKeys = f.groupBy.length ? new Set(f.groupBy.map((g) => (g.t === 'col' ? identKey(x.env, g.parts[g.parts.length - 1]!) : ''))) : undefined;
  const cols: Col[] = src.cols.filter((c) => (groupKeys ? groupKeys.has(c.key) : !used.has(c.key)));
  if (ons.some((o) => !o.o.values)) return { cols, open: true };
  // The cartesian product of the IN lists.
  let combos: { names: string[]; lineage: Value[] }[] = [{ names: [], lineage: [] }];
  for (const { o, v } of ons) {
    const next: typeof combos = [];
    for (const c of combos) for (const val of o.values!) next.push({ names: [...c.names, valueName(val.expr, val.alias?.name, x)], lineage: [...c.lineage, v] });
    combos = next;
  }
  for (const c of combos) {
    for (const { item, v } of aggs) {
      const base = c.names.join('_');
      const name = aggs.length > 1 || (item.alias && x.env.dialect === 'duckdb') ? `${base}_${item.alias?.name ?? fnName(item.expr)}` : base;
      cols.push({ name, key: x.env.key(name, true), type: v.type, lineage: transformed(v.lineage, ...c.lineage.map((l) => l.lineage)) });
    }
  }
  return { cols, open: src.open && !groupKeys };
}

function fnName(e: Expr): string {
  return e.t === 'fn' ? e.name : 'value';
}

/** How a pivoted value names its column: its alias; DuckDB the value's text; Snowflake a string value in quotes. */
function valueName(e: Expr, alias: string | undefined, x: InferCtx): string {
  if (alias) return alias;
  if (e.t === 'lit') return e.kind === 'string' && x.env.dialect === 'snowflake' ? `'${e.value}'` : e.value;
  if (e.t === 'col') return e.parts[e.parts.length - 1]!.name;
  return '?';
}

/** `unpivot (value for name in (c1, c2))`: the listed columns become rows of (name, value). */
export function unpivotShape(f: Unpivot, x: InferCtx, outer: Scope | undefined): Shape {
  const src = sourceScope(f.source, x, outer);
  const ctx: InferCtx = { ...x, scope: src.scope };
  const listed = new Set<string>();
  let acc: Value | undefined;
  for (const c of f.columns) {
    mentioned(c, x, listed);
    const v = inferExpr(c, ctx);
    if (!acc) acc = v;
    else if (!compatible(acc, v)) {
      x.env.report({ code: 'SM_CHECK_UNION_TYPE', message: `UNPIVOT: the columns put into "${f.valueNames[0]!.name}" have types that cannot be combined`, pos: c.pos });
      acc = { type: T.unknown, lineage: transformed(acc.lineage, v.lineage) };
    } else acc = { type: commonOf(acc, v), lineage: transformed(acc.lineage, v.lineage) };
  }
  const cols: Col[] = src.cols.filter((c) => !listed.has(c.key));
  cols.push({ name: f.nameColumn.name, key: identKey(x.env, f.nameColumn), type: T.varchar, lineage: new Map() });
  for (const v of f.valueNames) cols.push({ name: v.name, key: identKey(x.env, v), type: acc?.type ?? T.unknown, lineage: acc ? transformed(acc.lineage) : new Map() });
  return { cols, open: src.open };
}
