import type { Expr, SelectItem } from '../sql/ast.ts';
import type { InferCtx } from './infer-ctx.ts';
import { NotCheckable } from './infer-env.ts';
import { inferExpr } from './infer-expr.ts';
import { expandStar } from './expand-star.ts';
import { transformed, type Col, type Shape } from './shape.ts';

const SLOT = '__sm_columns__';

/**
 * DuckDB's COLUMNS(...) in a select item: `columns(*)`, `columns('regex')`, `columns(['a', 'b'])`,
 * alone or inside an expression (`min(columns(*))`): one output column per matched column.
 * COLUMNS with a lambda is not understood (its result depends on evaluating the lambda).
 */
export function expandColumns(item: SelectItem, x: InferCtx): Shape {
  const node = findColumns(item.expr)!;
  const matched = matchedColumns(node, x);
  const cols: Col[] = [];
  const saved = x.scope.lambdas;
  try {
    for (const c of matched.cols) {
      if (item.expr === node) {
        cols.push(c);
        continue;
      }
      x.scope.lambdas = new Map(saved ?? []).set(x.env.key(SLOT, true), { type: c.type, lineage: c.lineage, pass: true });
      const v = inferExpr(substitute(item.expr, node), x);
      const name = item.alias ? `${item.alias.name}` : `${describeCall(item.expr)}(${c.name})`;
      cols.push({ name, key: x.env.key(name, true), type: v.type, lineage: v.pass ? v.lineage : transformed(v.lineage) });
    }
  } finally {
    x.scope.lambdas = saved;
  }
  return { cols, open: matched.open };
}

function matchedColumns(node: Extract<Expr, { t: 'columns' }>, x: InferCtx): Shape {
  const a = node.arg;
  if (a.t === 'star') return expandStar(a.star, a.pos, x);
  const all = expandStar({ exclude: [], replace: [], rename: [] }, node.pos, x);
  if (a.t === 'lit' && a.kind === 'string') {
    let re: RegExp;
    try {
      re = new RegExp(a.value);
    } catch {
      throw new NotCheckable(`COLUMNS('${a.value}'): a regular expression JavaScript cannot read`, a.pos);
    }
    return { cols: all.cols.filter((c) => re.test(c.name)), open: all.open };
  }
  if (a.t === 'array' && a.items.every((i) => i.t === 'lit' && i.kind === 'string')) {
    const keys = a.items.map((i) => x.env.key((i as { value: string }).value, false));
    return { cols: all.cols.filter((c) => keys.includes(c.key)), open: all.open };
  }
  throw new NotCheckable('COLUMNS(...) with a lambda or an expression: which columns it selects is decided when it runs', node.pos);
}

function findColumns(e: Expr): Extract<Expr, { t: 'columns' }> | undefined {
  if (e.t === 'columns') return e;
  if (e.t === 'fn') for (const a of e.args) { const f = findColumns(a); if (f) return f; }
  if (e.t === 'cast' || e.t === 'unary') return findColumns(e.arg);
  if (e.t === 'bin') return findColumns(e.l) ?? findColumns(e.r);
  return undefined;
}

function substitute(e: Expr, node: Expr): Expr {
  if (e === node) return { t: 'col', parts: [{ name: SLOT, quoted: true, pos: node.pos }], pos: node.pos, end: node.pos };
  if (e.t === 'fn') return { ...e, args: e.args.map((a) => substitute(a, node)) };
  if (e.t === 'cast' || e.t === 'unary') return { ...e, arg: substitute(e.arg, node) };
  if (e.t === 'bin') return { ...e, l: substitute(e.l, node), r: substitute(e.r, node) };
  return e;
}

function describeCall(e: Expr): string {
  return e.t === 'fn' ? e.name : e.t === 'cast' ? 'cast' : 'expr';
}
