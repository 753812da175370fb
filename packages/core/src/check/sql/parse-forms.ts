import type { Expr } from './ast.ts';
import type { Cursor } from './cursor.ts';

/** The binding powers forms read their parts up to (see parse-expr.ts). */
const UNARY = 10;
const CMP = 5;

/** `x [not] in (...)` after `in`. */
export function parseIn(c: Cursor, arg: Expr, not: boolean, pos: number): Expr {
  if (!c.isOp('(')) {
    // DuckDB: `x in some_list_column`.
    return { t: 'in', not, arg, list: [c.g.expr(c, CMP)], pos };
  }
  c.next();
  if (c.g.isQueryStart(c)) {
    const query = c.g.query(c);
    c.expectOp(')');
    return { t: 'in', not, arg, query, pos };
  }
  const list: Expr[] = [];
  if (!c.isOp(')')) {
    do list.push(c.g.expr(c));
    while (c.eatOp(','));
  }
  c.expectOp(')');
  return { t: 'in', not, arg, list, pos };
}

export function parseSubscript(c: Cursor, arg: Expr): Expr {
  const pos = arg.pos;
  c.expectOp('[');
  if (c.eatOp(':')) {
    const to = c.isOp(']') ? undefined : c.g.expr(c);
    c.expectOp(']');
    return { t: 'slice', arg, to, pos };
  }
  const index = c.g.expr(c);
  if (c.eatOp(':')) {
    const to = c.isOp(']') ? undefined : c.g.expr(c);
    c.expectOp(']');
    return { t: 'slice', arg, from: index, to, pos };
  }
  c.expectOp(']');
  return { t: 'index', arg, index, pos };
}

/** Snowflake's semi-structured path: `v:a.b[0]`, `v:"Quoted"`. */
export function parseVariantPath(c: Cursor, arg: Expr): Expr {
  c.expectOp(':');
  let path = c.ident().name;
  for (;;) {
    if (c.isOp('.') && (c.peek().kind === 'ident' || c.peek().kind === 'qident')) {
      c.next();
      path += `.${c.ident().name}`;
    } else if (c.isOp('[')) {
      c.next();
      path += `[${c.next().text}]`;
      c.expectOp(']');
    } else break;
  }
  return { t: 'path', arg, path, pos: arg.pos };
}

export function parseCase(c: Cursor): Expr {
  const pos = c.tok.start;
  c.expectKw('case');
  const operand = c.isKw('when') ? undefined : c.g.expr(c);
  const whens: [Expr, Expr][] = [];
  while (c.eatKw('when')) {
    const w = c.g.expr(c);
    c.expectKw('then');
    whens.push([w, c.g.expr(c)]);
  }
  if (!whens.length) throw c.error('CASE needs at least one WHEN');
  const other = c.eatKw('else') ? c.g.expr(c) : undefined;
  c.expectKw('end');
  return { t: 'case', operand, whens, else: other, pos };
}

const INTERVAL_UNITS = new Set(
  'year years month months week weeks day days hour hours minute minutes second seconds millisecond milliseconds microsecond microseconds quarter quarters decade decades century centuries millennium y mon d h m s ms us'.split(' '),
);

/** `interval '3 hours'`, `interval 1 hour`, `interval '3' day`, `interval (x) minute`. */
export function parseInterval(c: Cursor): Expr {
  const pos = c.tok.start;
  c.expectKw('interval');
  const value = c.g.expr(c, UNARY);
  let unit: string | undefined;
  if (c.tok.kind === 'ident' && INTERVAL_UNITS.has(c.tok.kw)) unit = c.next().kw;
  // `interval '1' day to second`.
  if (unit && c.isKw('to') && c.peek().kind === 'ident' && INTERVAL_UNITS.has(c.peek().kw)) {
    c.next();
    c.next();
  }
  return { t: 'interval', value, unit, pos };
}

/** `( expr )`, `(subquery)`, a row `(a, b)`. */
export function parseParen(c: Cursor): Expr {
  const pos = c.tok.start;
  c.expectOp('(');
  if (c.g.isQueryStart(c)) {
    const query = c.g.query(c);
    c.expectOp(')');
    return { t: 'subquery', query, pos };
  }
  const first = c.g.expr(c);
  if (c.eatOp(',')) {
    const items = [first];
    do items.push(c.g.expr(c));
    while (c.eatOp(','));
    c.expectOp(')');
    return { t: 'row', items, pos };
  }
  c.expectOp(')');
  return first;
}

/** `{'a': 1, b: 2}`: a DuckDB struct or a Snowflake object constant. */
export function parseStructLiteral(c: Cursor): Expr {
  const pos = c.tok.start;
  c.expectOp('{');
  const fields: { name: string; value: Expr }[] = [];
  if (!c.isOp('}')) {
    do {
      const k = c.tok.kind === 'string' ? c.next().text : c.ident().name;
      c.expectOp(':');
      fields.push({ name: k, value: c.g.expr(c) });
    } while (c.eatOp(','));
  }
  c.expectOp('}');
  return { t: 'struct', fields, pos };
}
