import type { Expr, Select, SelectItem } from '../sql/ast.ts';
import { T } from '../types/sql-type.ts';
import type { InferCtx } from './infer-ctx.ts';
import { identKey } from './infer-env.ts';
import { inferExpr, labelOf } from './infer-expr.ts';
import { addFromItem } from './infer-from.ts';
import { Scope, type Value } from './scope.ts';
import { transformed, type Col, type Shape } from './shape.ts';
import { expandStar } from './expand-star.ts';
import { expandColumns } from './expand-columns.ts';

/** One SELECT: its FROM relations in a new scope, then its select list; WHERE and the rest are checked. */
export function inferSelect(s: Select, x: InferCtx): { shape: Shape; scope: Scope } {
  const scope = new Scope(x.scope);
  const ctx: InferCtx = { ...x, scope, joinOn: false };
  for (const f of s.from) addFromItem(f, ctx, x.scope);
  const cols: Col[] = [];
  let open = false;
  const origins = new Set<string | undefined>();
  scope.aliases = new Map();
  for (const item of s.items) {
    if (item.expr.t === 'star') {
      const r = expandStar(item.expr.star, item.expr.pos, ctx);
      cols.push(...r.cols);
      if (r.open) {
        open = true;
        origins.add(r.openOrigin);
      }
      continue;
    }
    if (hasColumns(item.expr)) {
      const r = expandColumns(item, ctx);
      cols.push(...r.cols);
      if (r.open) {
        open = true;
        origins.add(undefined);
      }
      continue;
    }
    const col = selectItem(item, ctx);
    cols.push(col);
    // Later items, WHERE, GROUP BY, HAVING and QUALIFY may use the alias (both warehouses allow it).
    if (!scope.aliases.has(col.key)) scope.aliases.set(col.key, { type: col.type, lineage: col.lineage, pass: true, str: col.str });
  }
  const check = (e: Expr | undefined) => {
    if (e && !(e.t === 'lit' && e.kind === 'int')) inferExpr(e, ctx);
  };
  for (const e of s.distinctOn) check(e);
  check(s.where);
  for (const e of s.groupBy?.exprs ?? []) check(e);
  check(s.having);
  for (const w of s.windows) {
    for (const e of w.spec.partitionBy) check(e);
    for (const o of w.spec.orderBy) check(o.expr);
  }
  check(s.qualify);
  const openOrigin = origins.size === 1 ? [...origins][0] : undefined;
  return { shape: { cols, open, openOrigin }, scope };
}

function selectItem(item: SelectItem, x: InferCtx): Col {
  const v: Value = inferExpr(item.expr, x);
  const name = item.alias?.name ?? outputName(item.expr, x);
  const key = item.alias ? identKey(x.env, item.alias) : x.env.key(name, item.expr.t !== 'col' || item.expr.parts[item.expr.parts.length - 1]!.quoted);
  return { name, key, type: v.str !== undefined ? T.varchar : v.type, lineage: v.pass ? v.lineage : transformed(v.lineage), str: v.str, pos: item.pos };
}

/** The name a column gets without an alias: a column's own name, else (roughly) the expression's text. */
export function outputName(e: Expr, x: InferCtx): string {
  if (e.t === 'col') {
    const last = e.parts[e.parts.length - 1]!;
    return last.name;
  }
  if (e.t === 'cast' && x.env.dialect === 'snowflake' && e.arg.t === 'col') return outputName(e.arg, x);
  if (e.t === 'fn') return e.star ? (x.env.dialect === 'duckdb' ? 'count_star()' : 'COUNT(*)') : `${e.name}(...)`;
  return labelOf(e) ?? '?column?';
}

function hasColumns(e: Expr): boolean {
  if (e.t === 'columns') return true;
  if (e.t === 'fn') return e.args.some(hasColumns);
  if (e.t === 'cast' || e.t === 'unary') return hasColumns(e.arg);
  if (e.t === 'bin') return hasColumns(e.l) || hasColumns(e.r);
  return false;
}

