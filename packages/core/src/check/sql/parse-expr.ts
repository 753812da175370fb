import type { Expr, FnCall } from './ast.ts';
import type { Cursor } from './cursor.ts';
import { parseType } from './parse-type.ts';
import { call, parseNameOrCall } from './parse-call.ts';
import { parseCase, parseIn, parseInterval, parseParen, parseStructLiteral, parseSubscript, parseVariantPath } from './parse-forms.ts';

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

