import type { Expr, FnCall, Ident, OrderItem, WindowSpec } from './ast.ts';
import type { Cursor } from './cursor.ts';

/** The binding power of + and -: a window frame's `n preceding` is read up to it. */
const ADD = 7;

export function call(name: string, args: Expr[], pos: number): FnCall {
  return { t: 'fn', name, args, distinct: false, star: false, orderBy: [], withinGroup: [], pos };
}

export function parseNameOrCall(c: Cursor): Expr {
  const pos = c.tok.start;
  const first = c.ident();
  // A lambda's single parameter: `x -> x + 1`.
  if (c.isOp('->') && !first.quoted && c.dialect === 'duckdb' && lambdaAllowed(c)) {
    c.next();
    return { t: 'lambda', params: [first], body: c.g.expr(c), pos };
  }
  const parts: Ident[] = [first];
  while (c.isOp('.') && (c.peek().kind === 'ident' || c.peek().kind === 'qident')) {
    c.next();
    parts.push(c.ident());
  }
  if (c.isOp('(')) return parseCall(c, parts, pos);
  return { t: 'col', parts, pos, end: c.tokens[c.i - 1]!.end };
}

/** Lambdas appear as function arguments; elsewhere `a -> 'k'` is DuckDB's JSON extraction. */
function lambdaAllowed(c: Cursor): boolean {
  const prev = c.tokens[c.i - 2];
  return !!prev && prev.kind === 'op' && (prev.text === '(' || prev.text === ',');
}

function parseCall(c: Cursor, parts: Ident[], pos: number): FnCall {
  const last = parts[parts.length - 1]!;
  const name = last.quoted ? last.name : last.name.toLowerCase();
  const schema = parts.length > 1 ? parts.slice(0, -1).map((p) => p.name).join('.') : undefined;
  c.expectOp('(');
  let distinct = false;
  let star = false;
  const args: Expr[] = [];
  let orderBy: OrderItem[] = [];
  if (c.eatKw('distinct')) distinct = true;
  else c.eatKw('all');
  if (c.isOp('*') && c.isOpAt(1, ')')) {
    c.next();
    star = true;
  } else if (!c.isOp(')')) {
    do {
      if (c.isKw('order') && c.isKwAt(1, 'by')) break;
      args.push(parseArg(c));
    } while (c.eatOp(','));
  }
  if (c.isKw('order') && c.isKwAt(1, 'by')) {
    c.next();
    c.next();
    orderBy = c.g.orderBy(c);
  }
  // `first_value(x ignore nulls)`, `string_agg(x, ',' limit 3)` rarely: skip what follows inside.
  if (c.eatKws('ignore', 'nulls') || c.eatKws('respect', 'nulls')) {
    /* no type effect */
  }
  c.expectOp(')');
  let withinGroup: OrderItem[] = [];
  if (c.eatKws('within', 'group')) {
    c.expectOp('(');
    c.expectKw('order');
    c.expectKw('by');
    withinGroup = c.g.orderBy(c);
    c.expectOp(')');
  }
  let filter: Expr | undefined;
  if (c.isKw('filter') && c.isOpAt(1, '(')) {
    c.next();
    c.next();
    c.eatKw('where');
    filter = c.g.expr(c);
    c.expectOp(')');
  }
  if (c.eatKws('ignore', 'nulls') || c.eatKws('respect', 'nulls')) {
    /* Snowflake puts it after the call */
  }
  let over: WindowSpec | string | undefined;
  if (c.eatKw('over')) over = c.isOp('(') ? parseWindowSpec(c) : c.ident().name;
  return { t: 'fn', name, schema, args, distinct, star, orderBy, filter, over, withinGroup, pos };
}

/** One call argument: an expression, a lambda `(a, b) -> ...`, or a named argument `name => v` / `name := v`. */
function parseArg(c: Cursor): Expr {
  const pos = c.tok.start;
  if ((c.tok.kind === 'ident' || c.tok.kind === 'qident') && (c.isOpAt(1, '=>') || c.isOpAt(1, ':='))) {
    const name = c.ident().name;
    c.next();
    return { t: 'named', name, value: c.g.expr(c), pos };
  }
  // (a, b) -> body
  if (c.isOp('(') && c.dialect === 'duckdb') {
    let k = 1;
    while (c.peek(k).kind === 'ident' && (c.isOpAt(k + 1, ',') || c.isOpAt(k + 1, ')'))) {
      if (c.isOpAt(k + 1, ')')) {
        if (c.isOpAt(k + 2, '->')) {
          c.next();
          const params = [c.ident()];
          while (c.eatOp(',')) params.push(c.ident());
          c.expectOp(')');
          c.expectOp('->');
          return { t: 'lambda', params, body: c.g.expr(c), pos };
        }
        break;
      }
      k += 2;
    }
  }
  return c.g.expr(c);
}

export function parseWindowSpec(c: Cursor): WindowSpec {
  c.expectOp('(');
  let base: string | undefined;
  if (c.isIdent() && !c.isKw('partition', 'order', 'rows', 'range', 'groups')) base = c.ident().name;
  const partitionBy: Expr[] = [];
  let orderBy: OrderItem[] = [];
  const frameExprs: Expr[] = [];
  if (c.eatKws('partition', 'by')) {
    do partitionBy.push(c.g.expr(c));
    while (c.eatOp(','));
  }
  if (c.eatKws('order', 'by')) orderBy = c.g.orderBy(c);
  if (c.eatKw('rows', 'range', 'groups')) {
    const bound = () => {
      if (c.eatKw('unbounded')) c.next();
      else if (c.eatKws('current', 'row')) {
        /* nothing */
      } else {
        frameExprs.push(c.g.expr(c, ADD));
        c.next(); // preceding | following
      }
    };
    if (c.eatKw('between')) {
      bound();
      c.expectKw('and');
      bound();
    } else bound();
    if (c.eatKw('exclude')) {
      if (c.eatKws('current', 'row') || c.eatKw('group', 'ties')) {
        /* nothing */
      } else c.eatKws('no', 'others');
    }
  }
  c.expectOp(')');
  return { base, partitionBy, orderBy, frameExprs };
}

