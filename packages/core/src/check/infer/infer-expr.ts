import type { Expr, FnCall, Query, WindowSpec } from '../sql/ast.ts';
import { applyRule, elementOf } from '../functions/function-rules.ts';
import { DATE_PART_ARG } from '../functions/function-table.ts';
import { typeFromAst } from '../types/type-from-name.ts';
import { T, type SqlType } from '../types/sql-type.ts';
import { NotCheckable, identKey } from './infer-env.ts';
import type { InferCtx } from './infer-ctx.ts';
import { resolveColumn } from './resolve-column.ts';
import type { Value } from './scope.ts';
import { NO_LINEAGE, transformed, transformedAll, type Lineage, type Shape } from './shape.ts';
import { arithmetic, literalType } from './arithmetic.ts';
import { commonOf, compatible, expectCompatible } from './type-checks.ts';

const COMPARE = new Set(['=', '==', '<>', '!=', '<', '>', '<=', '>=', '<=>']);
const DATE_PARTS = new Set(
  'year years y yy yyyy month months mon mm quarter quarters q week weeks w wk weekiso day days d dd dayofweek dayofweekiso dayofyear hour hours h hh minute minutes m mi min second seconds s sec millisecond milliseconds ms microsecond microseconds us nanosecond nanoseconds ns epoch epoch_second epoch_millisecond'.split(' '),
);
const MIXING = new Set(['coalesce', 'greatest', 'least', 'ifnull', 'nvl', 'nullif', 'iff', 'if', 'nvl2', 'iif']);

/** A query nested in an expression: it sees the enclosing SELECT's columns (correlation), and its equalities are no join keys. */
function subquery(q: Query, x: InferCtx): Shape {
  return x.run.query(q, { ...x, joinOn: false });
}

/** A short text naming an expression in messages. */
export function labelOf(e: Expr): string | undefined {
  if (e.t === 'col') return e.parts.map((p) => p.name).join('.');
  if (e.t === 'lit') return e.kind === 'string' ? `'${e.value}'` : e.value;
  if (e.t === 'cast') return labelOf(e.arg);
  if (e.t === 'fn') return `${e.name}(...)`;
  return undefined;
}

/** A value of `type` computed from `from` (an IN list of thousands passes its array: no spread of arguments). */
const vOfAll = (type: SqlType, from: readonly Value[]): Value => ({ type, lineage: transformedAll(from.map((f) => f.lineage)) });
const v = (type: SqlType, ...from: Value[]): Value => vOfAll(type, from);

/** The type and lineage of an expression; reports unknown columns and clashes on the way. */
export function inferExpr(e: Expr, x: InferCtx): Value {
  switch (e.t) {
    case 'col':
      return resolveColumn(e, x.scope, x.env);
    case 'lit':
      return e.kind === 'string' ? { type: T.varchar, lineage: NO_LINEAGE, str: e.value } : { type: literalType(e.kind, e.value, x.env.dialect), lineage: NO_LINEAGE, num: e.kind === 'null' ? undefined : e.value };
    case 'typed':
      return { type: typeFromAst(e.type, x.env.dialect), lineage: NO_LINEAGE };
    case 'interval':
      return v(T.interval, inferExpr(e.value, x));
    case 'unary': {
      const a = inferExpr(e.arg, x);
      if (e.op === 'not') return v(T.boolean, a);
      return { ...v(a.type, a), num: a.num !== undefined ? `${e.op}${a.num}` : undefined };
    }
    case 'bin':
      return inferBinary(e, x);
    case 'like': {
      const parts = [inferExpr(e.l, x), inferExpr(e.r, x), ...(e.escape ? [inferExpr(e.escape, x)] : [])];
      return v(T.boolean, ...parts);
    }
    case 'between': {
      const a = inferExpr(e.arg, x);
      const lo = inferExpr(e.lo, x);
      const hi = inferExpr(e.hi, x);
      expectCompatible(x.env, 'SM_CHECK_TYPE_MISMATCH', 'BETWEEN', a, lo, [labelOf(e.arg), labelOf(e.lo)], e.pos);
      expectCompatible(x.env, 'SM_CHECK_TYPE_MISMATCH', 'BETWEEN', a, hi, [labelOf(e.arg), labelOf(e.hi)], e.pos);
      return v(T.boolean, a, lo, hi);
    }
    case 'in': {
      const a = inferExpr(e.arg, x);
      const parts: Value[] = [a];
      if (e.query) {
        const s = subquery(e.query, x);
        const first = s.cols[0];
        if (first && s.cols.length === 1) expectCompatible(x.env, 'SM_CHECK_TYPE_MISMATCH', 'IN (subquery)', a, { type: first.type, lineage: first.lineage }, [labelOf(e.arg), first.name], e.pos);
        parts.push(...s.cols.map((c) => ({ type: c.type, lineage: c.lineage })));
      } else {
        for (const item of e.list ?? []) {
          const b = inferExpr(item, x);
          // `x in list_column` (DuckDB): membership in a list.
          if (e.list!.length === 1 && b.type.k === 'list') expectCompatible(x.env, 'SM_CHECK_TYPE_MISMATCH', 'IN', a, { type: b.type.of, lineage: NO_LINEAGE }, [labelOf(e.arg), labelOf(item)], item.pos);
          else if (!expectCompatible(x.env, 'SM_CHECK_TYPE_MISMATCH', 'IN', a, b, [labelOf(e.arg), labelOf(item)], item.pos)) break;
          parts.push(b);
        }
      }
      return vOfAll(T.boolean, parts);
    }
    case 'is': {
      const a = inferExpr(e.arg, x);
      if (e.other) {
        const b = inferExpr(e.other, x);
        expectCompatible(x.env, 'SM_CHECK_TYPE_MISMATCH', 'IS DISTINCT FROM', a, b, [labelOf(e.arg), labelOf(e.other)], e.pos);
        return v(T.boolean, a, b);
      }
      return v(T.boolean, a);
    }
    case 'case':
      return inferCase(e, x);
    case 'cast': {
      const a = inferExpr(e.arg, x);
      return v(typeFromAst(e.type, x.env.dialect), a);
    }
    case 'fn':
      return inferCall(e, x);
    case 'subquery': {
      const s = subquery(e.query, x);
      const first = s.cols[0];
      return { type: s.cols.length === 1 && first ? first.type : T.unknown, lineage: transformed(...s.cols.map((c) => c.lineage)) };
    }
    case 'exists':
      subquery(e.query, x);
      return { type: T.boolean, lineage: NO_LINEAGE };
    case 'array': {
      const items = e.items.map((i) => inferExpr(i, x));
      let t: SqlType = T.null;
      for (let i = 0; i < items.length; i++) t = i === 0 ? items[0]!.type : commonOf({ type: t, lineage: NO_LINEAGE }, items[i]!);
      return v(T.list(items.length ? t : T.unknown), ...items);
    }
    case 'arrayQuery': {
      const s = subquery(e.query, x);
      return { type: T.list(s.cols[0]?.type ?? T.unknown), lineage: transformed(...s.cols.map((c) => c.lineage)) };
    }
    case 'struct': {
      const vals = e.fields.map((f) => inferExpr(f.value, x));
      const type: SqlType = x.env.dialect === 'snowflake' ? { k: 'variant', of: 'object' } : { k: 'struct', fields: e.fields.map((f, i) => [f.name, vals[i]!.type] as const) };
      return v(type, ...vals);
    }
    case 'row':
      return v(T.unknown, ...e.items.map((i) => inferExpr(i, x)));
    case 'index': {
      const a = inferExpr(e.arg, x);
      const i = inferExpr(e.index, x);
      return v(indexType(a.type, e.index), a, i);
    }
    case 'slice': {
      const a = inferExpr(e.arg, x);
      const rest = [e.from, e.to].filter((p): p is Expr => !!p).map((p) => inferExpr(p, x));
      return v(a.type, a, ...rest);
    }
    case 'field': {
      const a = inferExpr(e.arg, x);
      let t: SqlType = T.unknown;
      if (a.type.k === 'struct') t = a.type.fields.find(([n]) => x.env.key(n, false) === identKey(x.env, e.name))?.[1] ?? T.unknown;
      else if (a.type.k === 'variant' || a.type.k === 'json') t = a.type;
      return v(t, a);
    }
    case 'lambda':
      return { type: T.unknown, lineage: NO_LINEAGE };
    case 'columns':
      throw new NotCheckable('COLUMNS(...) is only understood as a whole select item or an aggregate of one', e.pos);
    case 'extract': {
      const a = inferExpr(e.arg, x);
      return v(e.field === 'epoch' && x.env.dialect === 'duckdb' ? T.double : x.env.dialect === 'snowflake' ? T.decimal(38, 0) : T.bigint, a);
    }
    case 'param':
      return { type: T.unknown, lineage: NO_LINEAGE };
    case 'path':
      return v(T.variant, inferExpr(e.arg, x));
    case 'named':
      return inferExpr(e.value, x);
    case 'collate': {
      const a = inferExpr(e.arg, x);
      return v(a.type, a);
    }
    case 'tz': {
      const a = inferExpr(e.arg, x);
      const z = inferExpr(e.zone, x);
      return v(a.type.k === 'timestamp' ? (a.type.tz ? T.timestamp : T.timestamptz) : T.unknown, a, z);
    }
    case 'star': {
      // `count(t.*)`, `struct_pack(t.*)`: every column of the relation(s), computed.
      const rels = e.star.qualifier ? x.scope.rels.filter((r) => r.aliasKey === identKey(x.env, e.star.qualifier![e.star.qualifier!.length - 1]!)) : x.scope.rels;
      return { type: T.unknown, lineage: transformed(...rels.flatMap((r) => r.shape.cols.map((c) => c.lineage))) };
    }
  }
}

function indexType(t: SqlType, index: Expr): SqlType {
  if (t.k === 'list') return t.of;
  if (t.k === 'map') return t.value;
  if (t.k === 'varchar') return T.varchar;
  if (t.k === 'variant' || t.k === 'json') return t;
  if (t.k === 'struct' && index.t === 'lit' && index.kind === 'string') return t.fields.find(([n]) => n.toLowerCase() === index.value.toLowerCase())?.[1] ?? T.unknown;
  return T.unknown;
}

function inferBinary(e: Extract<Expr, { t: 'bin' }>, x: InferCtx): Value {
  const op = e.op;
  if (op === 'and' || op === 'or') {
    // Equalities directly under a join's ON are join keys; under OR they are only conditions.
    const inner = op === 'or' ? { ...x, joinOn: false } : x;
    // `a or b or c ...` parses left-deep: its operands are read in a loop, not by recursion (generated filters have thousands).
    const operands: Expr[] = [e.r];
    let left: Expr = e.l;
    while (left.t === 'bin' && left.op === op) {
      operands.push(left.r);
      left = left.l;
    }
    operands.push(left);
    return vOfAll(T.boolean, operands.reverse().map((o) => inferExpr(o, inner)));
  }
  const a = inferExpr(e.l, x);
  const b = inferExpr(e.r, x);
  if (COMPARE.has(op)) {
    const join = x.joinOn && op === '=' && e.l.t === 'col' && e.r.t === 'col';
    expectCompatible(x.env, join ? 'SM_CHECK_JOIN_KEY_TYPE' : 'SM_CHECK_TYPE_MISMATCH', join ? 'Join keys' : `Comparison ${op}`, a, b, [labelOf(e.l), labelOf(e.r)], e.pos);
    return v(T.boolean, a, b);
  }
  switch (op) {
    case '||':
      return v(a.type.k === 'list' && b.type.k === 'list' ? a.type : a.type.k === 'unknown' && b.type.k === 'unknown' ? T.unknown : T.varchar, a, b);
    case '->':
      return v(x.env.dialect === 'duckdb' ? T.json : T.unknown, a, b);
    case '->>':
      return v(T.varchar, a, b);
    case '@>':
    case '<@':
    case '&&':
    case '^@':
    case '~':
    case '!~':
    case '~~':
    case '!~~':
    case '~~*':
    case '!~~*':
      return v(T.boolean, a, b);
    case '<<':
    case '>>':
    case '&':
    case '|':
    case '#':
      return v(a.type, a, b);
  }
  return v(arithmetic(op, a, b, x.env.dialect), a, b);
}

function inferCase(e: Extract<Expr, { t: 'case' }>, x: InferCtx): Value {
  const operand = e.operand ? inferExpr(e.operand, x) : undefined;
  const parts: Value[] = operand ? [operand] : [];
  let result: Value | undefined;
  const branch = (r: Value, rExpr: Expr) => {
    parts.push(r);
    if (!result) {
      result = r;
      return;
    }
    if (!compatible(result, r)) {
      expectCompatible(x.env, 'SM_CHECK_TYPE_MISMATCH', 'CASE branches', result, r, [undefined, labelOf(rExpr)], rExpr.pos);
      result = { type: T.unknown, lineage: NO_LINEAGE };
    } else result = { type: commonOf(result, r), lineage: NO_LINEAGE, str: result.str !== undefined && r.str !== undefined ? result.str : undefined };
  };
  for (const [w, t] of e.whens) {
    const wv = inferExpr(w, x);
    parts.push(wv);
    if (operand && e.operand) expectCompatible(x.env, 'SM_CHECK_TYPE_MISMATCH', 'CASE value', operand, wv, [labelOf(e.operand), labelOf(w)], w.pos);
    branch(inferExpr(t, x), t);
  }
  if (e.else) branch(inferExpr(e.else, x), e.else);
  const type = result ? (result.str !== undefined ? T.varchar : result.type) : T.unknown;
  return v(type, ...parts);
}

function inferCall(e: FnCall, x: InferCtx): Value {
  const partAt = DATE_PART_ARG[e.name];
  const args: Value[] = [];
  const literals: (string | undefined)[] = [];
  const named: (readonly [string, SqlType])[] = [];
  let lambda: SqlType | undefined;
  for (let i = 0; i < e.args.length; i++) {
    const a = e.args[i]!;
    // Snowflake's bare date parts: dateadd(hour, 1, ts) names no column.
    if (i === partAt && a.t === 'col' && a.parts.length === 1 && !a.parts[0]!.quoted && DATE_PARTS.has(a.parts[0]!.name.toLowerCase())) {
      args.push({ type: T.varchar, lineage: NO_LINEAGE, str: a.parts[0]!.name });
      literals.push(a.parts[0]!.name);
      continue;
    }
    if (a.t === 'lambda') {
      lambda = inferLambda(a, elementOf(args[0]?.type), x).type;
      args.push({ type: T.unknown, lineage: NO_LINEAGE });
      literals.push(undefined);
      continue;
    }
    const val = inferExpr(a, x);
    if (a.t === 'named') named.push([a.name, val.type]);
    args.push(val);
    literals.push(val.str ?? val.num);
  }
  const extra: Value[] = [];
  for (const o of e.orderBy) extra.push(inferExpr(o.expr, x));
  for (const o of e.withinGroup) extra.push(inferExpr(o.expr, x));
  if (e.filter) extra.push(inferExpr(e.filter, x));
  if (e.over && typeof e.over !== 'string') extra.push(...windowValues(e.over, x));
  if (MIXING.has(e.name) && !e.schema) checkMix(e, args, x);
  const rule = e.schema ? undefined : x.env.functions[e.name];
  let type: SqlType = T.unknown;
  if (rule !== undefined) {
    type = applyRule(rule, { args: args.map((a) => a.type), literals, dialect: x.env.dialect, named, lambda });
    // A string literal among common-typed arguments takes the others' type.
    if ((rule === 'common' || rule === 'common12') && args.some((a) => a.str !== undefined)) type = mixedType(e.name === 'iff' || e.name === 'if' || e.name === 'nvl2' || e.name === 'iif' ? args.slice(1, 3) : args);
  }
  return v(type, ...args, ...extra);
}

function mixedType(vals: Value[]): SqlType {
  let acc: Value | undefined;
  for (const a of vals) acc = acc ? { type: commonOf(acc, a), lineage: NO_LINEAGE, str: acc.str !== undefined && a.str !== undefined ? acc.str : undefined } : a;
  return acc ? (acc.str !== undefined ? T.varchar : acc.type) : T.unknown;
}

/** coalesce(a, b), greatest(...), iff(c, a, b): the values must meet. */
function checkMix(e: FnCall, args: Value[], x: InferCtx): void {
  const vals = e.name === 'iff' || e.name === 'if' || e.name === 'iif' || e.name === 'nvl2' ? args.slice(1, 3) : args;
  const exprs = e.name === 'iff' || e.name === 'if' || e.name === 'iif' || e.name === 'nvl2' ? e.args.slice(1, 3) : e.args;
  for (let i = 1; i < vals.length; i++) {
    if (!expectCompatible(x.env, 'SM_CHECK_TYPE_MISMATCH', `${e.name.toUpperCase()} arguments`, vals[0]!, vals[i]!, [labelOf(exprs[0]!), labelOf(exprs[i]!)], exprs[i]!.pos)) return;
  }
}

function windowValues(w: WindowSpec, x: InferCtx): Value[] {
  return [...w.partitionBy.map((p) => inferExpr(p, x)), ...w.orderBy.map((o) => inferExpr(o.expr, x)), ...w.frameExprs.map((f) => inferExpr(f, x))];
}

function inferLambda(l: Extract<Expr, { t: 'lambda' }>, param: SqlType, x: InferCtx): Value {
  const saved = x.scope.lambdas;
  const lambdas = new Map(saved ?? []);
  for (const p of l.params) lambdas.set(identKey(x.env, p), { type: param, lineage: NO_LINEAGE });
  x.scope.lambdas = lambdas;
  try {
    return inferExpr(l.body, x);
  } finally {
    x.scope.lambdas = saved;
  }
}

/** Lineage of several values together, computed (used by select-level code). */
export function lineageOf(vals: readonly Value[]): Lineage {
  return transformed(...vals.map((a) => a.lineage));
}

