import type { Expr, Query, SetExpr } from '../sql/ast.ts';
import { T, type SqlType } from '../types/sql-type.ts';
import type { InferCtx } from './infer-ctx.ts';
import { identKey } from './infer-env.ts';
import { inferExpr } from './infer-expr.ts';
import { inferSelect } from './infer-select.ts';
import { renameCols, valuesShape } from './infer-values.ts';
import { Ctes, Scope, type Value } from './scope.ts';
import { merged, type Col, type Shape } from './shape.ts';
import { commonOf, compatible, typePhrase } from './type-checks.ts';

/** The output shape of a query in its context (CTEs in reach, the enclosing scope for correlated names). */
export function inferQuery(q: Query, x: InferCtx): Shape {
  const ctes = q.with ? new Ctes(x.ctes) : x.ctes;
  if (q.with) {
    for (const cte of q.with.ctes) {
      const key = identKey(x.env, cte.name);
      let shape: Shape;
      if (q.with.recursive && cte.query.body.t === 'setop') {
        // The anchor (left of the union) gives the columns the recursive part refers to.
        const anchor = inferSetExpr(cte.query.body.left, { ...x, ctes });
        ctes.map.set(key, renameCols(anchor, cte.columns, x));
      }
      shape = inferQuery(cte.query, { ...x, ctes });
      ctes.map.set(key, renameCols(shape, cte.columns, x));
      ctes.names.set(key, cte.name.name);
    }
  }
  const inner = { ...x, ctes };
  const { shape, scope } = inferSetExprScoped(q.body, inner);
  if (q.orderBy.length) {
    // ORDER BY sees the output columns first, then (for a plain SELECT) its FROM.
    const s = scope ?? scopeOver(shape, x);
    const saved = { aliases: s.aliases, first: s.aliasFirst };
    s.aliases = new Map(shape.cols.map((c) => [c.key, { type: c.type, lineage: c.lineage, pass: true } satisfies Value]));
    s.aliasFirst = true;
    try {
      for (const o of q.orderBy) if (!isOrdinal(o.expr)) inferExpr(o.expr, { ...inner, scope: s });
    } finally {
      s.aliases = saved.aliases;
      s.aliasFirst = saved.first;
    }
  }
  if (q.limit) inferExpr(q.limit, inner);
  if (q.offset) inferExpr(q.offset, inner);
  return shape;
}

function isOrdinal(e: Expr): boolean {
  return e.t === 'lit' && e.kind === 'int';
}

function scopeOver(shape: Shape, x: InferCtx): Scope {
  const s = new Scope(x.scope);
  s.rels.push({ alias: '', aliasKey: '', shape, label: 'the query', hidden: new Set() });
  return s;
}

export function inferSetExpr(e: SetExpr, x: InferCtx): Shape {
  return inferSetExprScoped(e, x).shape;
}

function inferSetExprScoped(e: SetExpr, x: InferCtx): { shape: Shape; scope?: Scope | undefined } {
  switch (e.t) {
    case 'select':
      return inferSelect(e, x);
    case 'query':
      return { shape: inferQuery(e, x) };
    case 'values':
      return { shape: valuesShape(e.rows, e.pos, x) };
    case 'setop': {
      // `a union all b union all c ...` parses left-deep: folded in a loop, not by recursion (a union of thousands of relations is generated SQL).
      const chain: Extract<SetExpr, { t: 'setop' }>[] = [];
      let left: SetExpr = e;
      while (left.t === 'setop') {
        chain.push(left);
        left = left.left;
      }
      let shape = inferSetExpr(left, x);
      for (let i = chain.length - 1; i >= 0; i--) {
        const op = chain[i]!;
        shape = setOpShape(op.op, op.byName, shape, inferSetExpr(op.right, x), op.pos, x);
      }
      return { shape };
    }
  }
}

/** A union's columns: the left side's names, each position's common type; a clash or a different column count is reported. */
function setOpShape(op: 'union' | 'intersect' | 'except', byName: boolean, l: Shape, r: Shape, pos: number, x: InferCtx): Shape {
  const what = op.toUpperCase();
  const pairs: [Col | undefined, Col | undefined][] = [];
  if (byName) {
    const seen = new Set<string>();
    for (const c of l.cols) {
      seen.add(c.key);
      pairs.push([c, r.cols.find((d) => d.key === c.key)]);
    }
    for (const d of r.cols) if (!seen.has(d.key)) pairs.push([undefined, d]);
  } else {
    if (!l.open && !r.open && l.cols.length !== r.cols.length) {
      x.env.report({
        code: 'SM_CHECK_UNION_COLUMNS',
        message: `${what}: the first query has ${l.cols.length} columns, the second ${r.cols.length}`,
        pos,
        hint: `Select the same columns in the same order on both sides (first: ${l.cols.map((c) => c.name).join(', ')}).`,
      });
    }
    const n = l.open || r.open ? Math.min(l.cols.length, r.cols.length) : Math.max(l.cols.length, r.cols.length);
    for (let i = 0; i < n; i++) pairs.push([l.cols[i], r.cols[i]]);
  }
  const cols: Col[] = [];
  for (const [a, b] of pairs) {
    if (!a || !b) {
      const c = (a ?? b)!;
      cols.push(byName ? c : { ...c, type: T.unknown });
      continue;
    }
    const va: Value = { type: a.type, lineage: a.lineage, str: a.str };
    const vb: Value = { type: b.type, lineage: b.lineage, str: b.str };
    let type: SqlType;
    if (compatible(va, vb)) type = commonOf(va, vb);
    else {
      x.env.report({
        code: 'SM_CHECK_UNION_TYPE',
        message: `${what}: column ${cols.length + 1} ("${a.name}") is ${typePhrase(va, x)} in the first query and ${typePhrase(vb, x)} in the second; they cannot be ${op === 'union' ? 'unioned' : 'compared'}`,
        pos: b.pos ?? pos,
        hint: `Cast both sides to one type (e.g. cast(... as ${a.type.k === 'varchar' || b.type.k === 'varchar' ? 'varchar' : '...'})) or fix the column that differs.`,
      });
      type = T.unknown;
    }
    const lineage = op === 'union' ? merged(a.lineage, b.lineage) : a.lineage;
    cols.push({ name: a.name, key: a.key, type, lineage, str: a.str !== undefined && b.str !== undefined ? a.str : undefined, pos: a.pos });
  }
  const open = l.open || r.open;
  return { cols, open, openOrigin: open && l.openOrigin === r.openOrigin ? l.openOrigin : undefined };
}

