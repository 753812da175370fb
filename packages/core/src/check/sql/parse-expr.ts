import type { Expr, FnCall, Ident, OrderItem, WindowSpec } from './ast.ts';
import type { Cursor } from './cursor.ts';
import { parseType } from './parse-type.ts';

// Binding powers, lowest first (PostgreSQL's order, which DuckDB and Snowflake follow).
const BP = { or: 1, and: 2, not: 3, is: 4, cmp: 5, other: 6, add: 7, mul: 8, exp: 9, unary: 10, tz: 11, post: 12 } as const;

const COMPARE = new Set(['=', '==', '<>', '!=', '<', '>', '<=', '>=', '<=>']);
const OTHER = new Set(['||', '->>', '->', '@>', '<@', '^@', '~', '!~', '~~', '!~~', '~~*', '!~~*', '<<', '>>', '&', '|', '#', '&&']);
const NILADIC = new Set(['current_date', 'current_timestamp', 'current_time', 'localtimestamp', 'localtime', 'current_user', 'current_role', 'current_schema', 'current_database', 'current_warehouse', 'sysdate']);

/** An expression. */
export function parseExpr(c: Cursor, minBp = 0): Expr {
  let left = parsePrefix(c);
  for (;;) {
    const t = c.tok;
    const pos = left.pos;
    if (t.kind === 'op') {
      const op = t.text;
      if (op === '::' && minBp < BP.post) {
        c.next();
        left = { t: 'cast', arg: left, type: parseType(c), mode: 'op', pos };
        continue;
      }
      if (op === '[' && minBp < BP.post) {
        left = parseSubscript(c, left);
        continue;
      }
      if (op === '.' && minBp < BP.post && (c.peek().kind === 'ident' || c.peek().kind === 'qident')) {
        c.next();
        const name = c.ident();
        left = left.t === 'col' ? { t: 'col', parts: [...left.parts, name], pos, end: c.tokens[c.i - 1]!.end } : { t: 'field', arg: left, name, pos };
        continue;
      }
      if (op === '.' && minBp < BP.post && c.isOpAt(1, '*') && left.t === 'col') {
        // `t.*` inside an expression (e.g. `count(t.*)`, `struct_pack(t.*)`): a qualified star.
        c.next();
        c.next();
        left = { t: 'star', star: { qualifier: left.parts, ...c.g.starModifiers(c) }, pos };
        continue;
      }
      if (op === ':' && c.dialect === 'snowflake' && minBp < BP.post) {
        left = parseVariantPath(c, left);
        continue;
      }
      if (COMPARE.has(op) && minBp < BP.cmp) {
        c.next();
        // `= any (subquery)` / `= all (...)`: compared with each element.
        if (c.isKw('any', 'all', 'some') && c.isOpAt(1, '(')) {
          c.next();
          c.expectOp('(');
          const r = c.g.isQueryStart(c) ? ({ t: 'subquery', query: c.g.query(c), pos: c.tok.start } as Expr) : parseExpr(c);
          c.expectOp(')');
          left = { t: 'bin', op, l: left, r, pos };
          continue;
        }
        left = { t: 'bin', op, l: left, r: parseExpr(c, BP.cmp), pos };
        continue;
      }
      if (OTHER.has(op) && minBp < BP.other) {
        c.next();
        left = { t: 'bin', op, l: left, r: parseExpr(c, BP.other), pos };
        continue;
      }
      if ((op === '+' || op === '-') && minBp < BP.add) {
        c.next();
        left = { t: 'bin', op, l: left, r: parseExpr(c, BP.add), pos };
        continue;
      }
      if ((op === '*' || op === '/' || op === '%' || op === '//') && minBp < BP.mul) {
        c.next();
        left = { t: 'bin', op, l: left, r: parseExpr(c, BP.mul), pos };
        continue;
      }
      if ((op === '^' || op === '**') && minBp < BP.exp) {
        c.next();
        left = { t: 'bin', op, l: left, r: parseExpr(c, BP.exp), pos };
        continue;
      }
      break;
    }
    if (t.kind !== 'ident') break;
    const kw = t.kw;
    if (kw === 'or' && minBp < BP.or) {
      c.next();
      left = { t: 'bin', op: 'or', l: left, r: parseExpr(c, BP.or), pos };
      continue;
    }
    if (kw === 'and' && minBp < BP.and) {
      c.next();
      left = { t: 'bin', op: 'and', l: left, r: parseExpr(c, BP.and), pos };
      continue;
    }
    if (kw === 'is' && minBp < BP.is) {
      c.next();
      const not = c.eatKw('not');
      if (c.eatKw('null')) left = { t: 'is', not, arg: left, what: 'null', pos };
      else if (c.eatKw('true')) left = { t: 'is', not, arg: left, what: 'true', pos };
      else if (c.eatKw('false')) left = { t: 'is', not, arg: left, what: 'false', pos };
      else if (c.eatKw('unknown')) left = { t: 'is', not, arg: left, what: 'unknown', pos };
      else if (c.eatKws('distinct', 'from')) left = { t: 'is', not, arg: left, what: 'distinct', other: parseExpr(c, BP.is), pos };
      else throw c.error('Expected NULL, TRUE, FALSE or DISTINCT FROM after IS');
      continue;
    }
    if ((kw === 'isnull' || kw === 'notnull') && minBp < BP.is) {
      c.next();
      left = { t: 'is', not: kw === 'notnull', arg: left, what: 'null', pos };
      continue;
    }
    // `not` here is the infix negation of in / like / between.
    const not = kw === 'not' && c.isKwAt(1, 'in', 'like', 'ilike', 'between', 'similar', 'glob', 'rlike', 'regexp');
    const k = not ? c.peek().kw : kw;
    if (minBp < BP.cmp && (k === 'in' || k === 'like' || k === 'ilike' || k === 'between' || k === 'similar' || k === 'glob' || k === 'rlike' || k === 'regexp')) {
      if (not) c.next();
      c.next();
      if (k === 'in') left = parseIn(c, left, not, pos);
      else if (k === 'between') {
        c.eatKw('symmetric');
        const lo = parseExpr(c, BP.cmp);
        c.expectKw('and');
        left = { t: 'between', not, arg: left, lo, hi: parseExpr(c, BP.cmp), pos };
      } else {
        if (k === 'similar') c.expectKw('to');
        // `like any ('a%', 'b%')` (Snowflake): a list on the right.
        let r: Expr;
        if (c.isKw('any', 'all') && c.isOpAt(1, '(')) {
          c.next();
          c.next();
          const items = [parseExpr(c)];
          while (c.eatOp(',')) items.push(parseExpr(c));
          c.expectOp(')');
          r = { t: 'row', items, pos: items[0]!.pos };
        } else r = parseExpr(c, BP.cmp);
        const escape = c.eatKw('escape') ? parseExpr(c, BP.cmp) : undefined;
        left = { t: 'like', op: k, not, l: left, r, escape, pos };
      }
      continue;
    }
    if (kw === 'at' && c.isKwAt(1, 'time') && minBp < BP.tz) {
      c.next();
      c.next();
      c.expectKw('zone');
      left = { t: 'tz', arg: left, zone: parseExpr(c, BP.tz), pos };
      continue;
    }
    if (kw === 'collate' && minBp < BP.tz) {
      c.next();
      const t2 = c.next();
      left = { t: 'collate', arg: left, collation: t2.text, pos };
      continue;
    }
    break;
  }
  return left;
}

function parseIn(c: Cursor, arg: Expr, not: boolean, pos: number): Expr {
  if (!c.isOp('(')) {
    // DuckDB: `x in some_list_column`.
    return { t: 'in', not, arg, list: [parseExpr(c, BP.cmp)], pos };
  }
  c.next();
  if (c.g.isQueryStart(c)) {
    const query = c.g.query(c);
    c.expectOp(')');
    return { t: 'in', not, arg, query, pos };
  }
  const list: Expr[] = [];
  if (!c.isOp(')')) {
    do list.push(parseExpr(c));
    while (c.eatOp(','));
  }
  c.expectOp(')');
  return { t: 'in', not, arg, list, pos };
}

function parseSubscript(c: Cursor, arg: Expr): Expr {
  const pos = arg.pos;
  c.expectOp('[');
  if (c.eatOp(':')) {
    const to = c.isOp(']') ? undefined : parseExpr(c);
    c.expectOp(']');
    return { t: 'slice', arg, to, pos };
  }
  const index = parseExpr(c);
  if (c.eatOp(':')) {
    const to = c.isOp(']') ? undefined : parseExpr(c);
    c.expectOp(']');
    return { t: 'slice', arg, from: index, to, pos };
  }
  c.expectOp(']');
  return { t: 'index', arg, index, pos };
}

/** Snowflake's semi-structured path: `v:a.b[0]`, `v:"Quoted"`. */
function parseVariantPath(c: Cursor, arg: Expr): Expr {
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

function parsePrefix(c: Cursor): Expr {
  const t = c.tok;
  const pos = t.start;
  if (t.kind === 'number') {
    c.next();
    const kind = /[eE]/.test(t.text) ? 'float' : t.text.includes('.') ? 'dec' : 'int';
    return { t: 'lit', kind, value: t.text, pos };
  }
  if (t.kind === 'string') {
    c.next();
    return { t: 'lit', kind: 'string', value: t.text, pos };
  }
  if (t.kind === 'param') {
    c.next();
    return { t: 'param', name: t.text, pos };
  }
  if (t.kind === 'op') {
    switch (t.text) {
      case '(':
        return parseParen(c);
      case '-':
      case '+':
      case '~':
        c.next();
        return { t: 'unary', op: t.text, arg: parseExpr(c, BP.unary), pos };
      case '!':
        c.next();
        return { t: 'unary', op: 'not', arg: parseExpr(c, BP.unary), pos };
      case '*': {
        c.next();
        return { t: 'star', star: c.g.starModifiers(c), pos };
      }
      case '[': {
        c.next();
        const items: Expr[] = [];
        if (!c.isOp(']')) {
          do items.push(parseExpr(c));
          while (c.eatOp(',') && !c.isOp(']'));
        }
        c.expectOp(']');
        return { t: 'array', items, pos };
      }
      case '{':
        return parseStructLiteral(c);
      case '?':
        c.next();
        return { t: 'param', name: '?', pos };
    }
    throw c.error('Expected an expression');
  }
  if (t.kind === 'qident') return parseNameOrCall(c);
  if (t.kind !== 'ident') throw c.error('Expected an expression');
  switch (t.kw) {
    case 'null':
      c.next();
      return { t: 'lit', kind: 'null', value: 'null', pos };
    case 'true':
    case 'false':
      c.next();
      return { t: 'lit', kind: 'bool', value: t.kw, pos };
    case 'not':
      c.next();
      return { t: 'unary', op: 'not', arg: parseExpr(c, BP.not), pos };
    case 'case':
      return parseCase(c);
    case 'exists':
      if (c.isOpAt(1, '(')) {
        c.next();
        c.next();
        const query = c.g.query(c);
        c.expectOp(')');
        return { t: 'exists', query, pos };
      }
      break;
    case 'cast':
    case 'try_cast':
      if (c.isOpAt(1, '(')) {
        c.next();
        c.next();
        const arg = parseExpr(c);
        c.expectKw('as');
        const type = parseType(c);
        c.expectOp(')');
        return { t: 'cast', arg, type, mode: t.kw === 'cast' ? 'cast' : 'try', pos };
      }
      break;
    case 'interval':
      return parseInterval(c);
    case 'extract':
      if (c.isOpAt(1, '(')) {
        c.next();
        c.next();
        const field = c.next();
        c.expectKw('from');
        const arg = parseExpr(c);
        c.expectOp(')');
        return { t: 'extract', field: field.kind === 'string' ? field.text.toLowerCase() : field.kw || field.text.toLowerCase(), arg, pos };
      }
      break;
    case 'date':
    case 'timestamp':
    case 'time':
    case 'timestamptz':
    case 'timestamp_ntz':
    case 'timestamp_ltz':
    case 'timestamp_tz':
    case 'datetime':
      if (c.peek().kind === 'string') {
        c.next();
        return { t: 'typed', type: { name: t.kw, params: [], arrayDims: 0, pos }, value: c.next().text, pos };
      }
      break;
    case 'array':
      if (c.isOpAt(1, '[')) {
        c.next();
        return parsePrefix(c);
      }
      if (c.isOpAt(1, '(') && (c.isKwAt(2, 'select', 'with', 'values', 'from'))) {
        c.next();
        c.next();
        const query = c.g.query(c);
        c.expectOp(')');
        return { t: 'arrayQuery', query, pos };
      }
      break;
    case 'map':
      // DuckDB's map literal: map {'k': v}.
      if (c.isOpAt(1, '{')) {
        c.next();
        const s = parseStructLiteral(c);
        return { t: 'fn', name: 'map', args: s.t === 'struct' ? s.fields.map((f) => f.value) : [], distinct: false, star: false, orderBy: [], withinGroup: [], pos } as FnCall;
      }
      break;
    case 'columns':
      if (c.isOpAt(1, '(')) {
        c.next();
        c.next();
        const arg = parseExpr(c);
        c.expectOp(')');
        return { t: 'columns', arg, pos };
      }
      break;
    case 'lambda': {
      // DuckDB 1.3+: lambda x, y: body.
      if (c.peek().kind === 'ident' || c.peek().kind === 'qident') {
        c.next();
        const params = [c.ident()];
        while (c.eatOp(',')) params.push(c.ident());
        c.expectOp(':');
        return { t: 'lambda', params, body: parseExpr(c), pos };
      }
      break;
    }
  }
  if (NILADIC.has(t.kw) && !c.isOpAt(1, '(')) {
    c.next();
    return call(t.kw, [], pos);
  }
  return parseNameOrCall(c);
}

function call(name: string, args: Expr[], pos: number): FnCall {
  return { t: 'fn', name, args, distinct: false, star: false, orderBy: [], withinGroup: [], pos };
}

function parseNameOrCall(c: Cursor): Expr {
  const pos = c.tok.start;
  const first = c.ident();
  // A lambda's single parameter: `x -> x + 1`.
  if (c.isOp('->') && !first.quoted && c.dialect === 'duckdb' && lambdaAllowed(c)) {
    c.next();
    return { t: 'lambda', params: [first], body: parseExpr(c), pos };
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
    filter = parseExpr(c);
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
    return { t: 'named', name, value: parseExpr(c), pos };
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
          return { t: 'lambda', params, body: parseExpr(c), pos };
        }
        break;
      }
      k += 2;
    }
  }
  return parseExpr(c);
}

export function parseWindowSpec(c: Cursor): WindowSpec {
  c.expectOp('(');
  let base: string | undefined;
  if (c.isIdent() && !c.isKw('partition', 'order', 'rows', 'range', 'groups')) base = c.ident().name;
  const partitionBy: Expr[] = [];
  let orderBy: OrderItem[] = [];
  const frameExprs: Expr[] = [];
  if (c.eatKws('partition', 'by')) {
    do partitionBy.push(parseExpr(c));
    while (c.eatOp(','));
  }
  if (c.eatKws('order', 'by')) orderBy = c.g.orderBy(c);
  if (c.eatKw('rows', 'range', 'groups')) {
    const bound = () => {
      if (c.eatKw('unbounded')) c.next();
      else if (c.eatKws('current', 'row')) {
        /* nothing */
      } else {
        frameExprs.push(parseExpr(c, BP.add));
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

function parseCase(c: Cursor): Expr {
  const pos = c.tok.start;
  c.expectKw('case');
  const operand = c.isKw('when') ? undefined : parseExpr(c);
  const whens: [Expr, Expr][] = [];
  while (c.eatKw('when')) {
    const w = parseExpr(c);
    c.expectKw('then');
    whens.push([w, parseExpr(c)]);
  }
  if (!whens.length) throw c.error('CASE needs at least one WHEN');
  const other = c.eatKw('else') ? parseExpr(c) : undefined;
  c.expectKw('end');
  return { t: 'case', operand, whens, else: other, pos };
}

const INTERVAL_UNITS = new Set(
  'year years month months week weeks day days hour hours minute minutes second seconds millisecond milliseconds microsecond microseconds quarter quarters decade decades century centuries millennium y mon d h m s ms us'.split(' '),
);

/** `interval '3 hours'`, `interval 1 hour`, `interval '3' day`, `interval (x) minute`. */
function parseInterval(c: Cursor): Expr {
  const pos = c.tok.start;
  c.expectKw('interval');
  const value = parseExpr(c, BP.unary);
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
function parseParen(c: Cursor): Expr {
  const pos = c.tok.start;
  c.expectOp('(');
  if (c.g.isQueryStart(c)) {
    const query = c.g.query(c);
    c.expectOp(')');
    return { t: 'subquery', query, pos };
  }
  const first = parseExpr(c);
  if (c.eatOp(',')) {
    const items = [first];
    do items.push(parseExpr(c));
    while (c.eatOp(','));
    c.expectOp(')');
    return { t: 'row', items, pos };
  }
  c.expectOp(')');
  return first;
}

/** `{'a': 1, b: 2}`: a DuckDB struct or a Snowflake object constant. */
function parseStructLiteral(c: Cursor): Expr {
  const pos = c.tok.start;
  c.expectOp('{');
  const fields: { name: string; value: Expr }[] = [];
  if (!c.isOp('}')) {
    do {
      const k = c.tok.kind === 'string' ? c.next().text : c.ident().name;
      c.expectOp(':');
      fields.push({ name: k, value: parseExpr(c) });
    } while (c.eatOp(','));
  }
  c.expectOp('}');
  return { t: 'struct', fields, pos };
}
