import type { Alias, Expr, FnCall, FromItem, Ident, JoinKind, SelectItem } from './ast.ts';
import type { Cursor } from './cursor.ts';
import { parseExpr } from './parse-expr.ts';

/** `a, b join c on ...`: comma-separated items, each with its joins. */
export function parseFromList(c: Cursor): FromItem[] {
  const out = [parseJoined(c)];
  while (c.eatOp(',')) out.push(parseJoined(c));
  return out;
}

function parseJoined(c: Cursor): FromItem {
  let left = parseFromPrimary(c);
  for (;;) {
    const pos = c.tok.start;
    const natural = c.eatKw('natural');
    const kind = joinKind(c);
    if (!kind) {
      if (natural) throw c.error('Expected JOIN after NATURAL');
      return left;
    }
    const right = parseFromPrimary(c);
    let on: Expr | undefined;
    let using: Ident[] | undefined;
    if (c.eatKw('on')) on = parseExpr(c);
    else if (c.eatKw('using')) {
      c.expectOp('(');
      using = [c.ident()];
      while (c.eatOp(',')) using.push(c.ident());
      c.expectOp(')');
    }
    left = { t: 'join', kind, natural, left, right, on, using, pos };
  }
}

function joinKind(c: Cursor): JoinKind | undefined {
  const start = c.i;
  const done = (k: JoinKind): JoinKind | undefined => {
    if (c.eatKw('join')) return k;
    c.i = start;
    return undefined;
  };
  if (c.isKw('join')) return done('inner');
  if (c.eatKw('inner')) return done('inner');
  if (c.eatKw('cross')) return done('cross');
  if (c.eatKw('positional')) return done('positional');
  if (c.eatKw('semi')) return done('semi');
  if (c.eatKw('anti')) return done('anti');
  if (c.eatKw('asof')) {
    if (c.eatKw('left')) return done('asof left');
    return done('asof');
  }
  if (c.isKw('left', 'right', 'full')) {
    const k = c.next().kw as 'left' | 'right' | 'full';
    if (k === 'left' && c.eatKw('semi')) return done('semi');
    if (k === 'left' && c.eatKw('anti')) return done('anti');
    c.eatKw('outer');
    return done(k);
  }
  return undefined;
}

function parseFromPrimary(c: Cursor): FromItem {
  const pos = c.tok.start;
  const lateral = c.eatKw('lateral');
  let item: FromItem;
  if (c.isOp('(')) {
    if (c.g.isQueryStart(c) || (c.isOpAt(1, '(') && looksLikeQuery(c))) {
      c.next();
      const query = c.g.query(c);
      c.expectOp(')');
      item = { t: 'derived', query, lateral, alias: tableAlias(c), pos };
    } else {
      c.next();
      const inner = parseJoined(c);
      c.expectOp(')');
      const alias = tableAlias(c);
      item = alias ? wrapAlias(inner, alias) : inner;
    }
  } else if (c.isKw('values') && c.isOpAt(1, '(')) {
    c.next();
    item = { t: 'values', rows: c.g.valuesRows(c), alias: tableAlias(c), pos };
  } else if (c.isKw('table') && c.isOpAt(1, '(')) {
    // Snowflake: table(flatten(...)), table(generator(rowcount => n)).
    c.next();
    c.next();
    const fn = parseExpr(c);
    c.expectOp(')');
    if (fn.t !== 'fn') throw c.error('Expected a table function inside TABLE(...)');
    item = { t: 'tfn', fn, lateral, alias: tableAlias(c), pos };
  } else {
    const at = c.i;
    const name = c.dotted();
    if (c.isOp('(')) {
      c.i = at;
      const fn = parseExpr(c, 11);
      if (fn.t !== 'fn') throw c.error('Expected a table function');
      item = { t: 'tfn', fn: namedArgs(fn), lateral, alias: undefined, pos };
    } else item = { t: 'table', name, alias: undefined, pos, end: c.tokens[c.i - 1]!.end };
    skipTableModifiers(c);
    const alias = tableAlias(c);
    if (alias) item = { ...item, alias } as FromItem;
  }
  skipTableModifiers(c);
  return parsePivots(c, item);
}

/** DuckDB table functions take `name = value` options (read_csv('f', header = true)): named, not compared. */
function namedArgs(fn: FnCall): FnCall {
  const args = fn.args.map((a): Expr => (a.t === 'bin' && a.op === '=' && a.l.t === 'col' && a.l.parts.length === 1 ? { t: 'named', name: a.l.parts[0]!.name, value: a.r, pos: a.pos } : a));
  return { ...fn, args };
}

function looksLikeQuery(c: Cursor): boolean {
  let k = 0;
  while (c.isOpAt(k, '(')) k++;
  return c.isKwAt(k, 'select', 'with', 'values');
}

function wrapAlias(inner: FromItem, alias: Alias): FromItem {
  if (inner.t === 'join') return inner; // an alias on a parenthesised join names nothing we resolve
  return { ...inner, alias } as FromItem;
}

/** Time travel, sampling and hints that change rows but not columns: skipped. */
function skipTableModifiers(c: Cursor): void {
  for (;;) {
    if (c.isKw('at', 'before') && c.isOpAt(1, '(')) {
      c.next();
      c.skipParens();
    } else if (c.isKw('tablesample', 'sample') || (c.isKw('using') && c.isKwAt(1, 'sample'))) {
      if (c.isKw('using')) c.next();
      c.next();
      while (c.tok.kind === 'ident' && !c.isIdent() && !c.isKw('where', 'join', 'on', 'group', 'order', 'limit')) c.next();
      if (c.isKw('bernoulli', 'system', 'block', 'row', 'reservoir')) c.next();
      if (c.isOp('(')) c.skipParens();
      else if (c.tok.kind === 'number') {
        c.next();
        c.eatOp('%');
        c.eatKw('rows', 'percent');
      }
      if (c.isKw('repeatable', 'seed') && c.isOpAt(1, '(')) {
        c.next();
        c.skipParens();
      }
    } else if (c.isKw('with') && c.isOpAt(1, '(') && c.dialect === 'snowflake') {
      c.next();
      c.skipParens();
    } else if (c.isKw('changes') && c.isOpAt(1, '(')) {
      c.next();
      c.skipParens();
    } else return;
  }
}

/** `[as] alias [(col, ...)]`. */
function tableAlias(c: Cursor): Alias | undefined {
  let name: Ident | undefined;
  if (c.eatKw('as')) name = c.ident();
  else if (c.isIdent()) name = c.ident(false);
  if (!name) return undefined;
  let columns: Ident[] | undefined;
  if (c.isOp('(') && (c.peek().kind === 'ident' || c.peek().kind === 'qident')) {
    c.next();
    columns = [c.ident()];
    while (c.eatOp(',')) columns.push(c.ident());
    c.expectOp(')');
  }
  return { name, columns };
}

/** Trailing `pivot (...)` / `unpivot (...)` on a FROM item (SQL-standard form, both dialects). */
function parsePivots(c: Cursor, source: FromItem): FromItem {
  for (;;) {
    const pos = c.tok.start;
    if (c.isKw('pivot') && c.isOpAt(1, '(')) {
      c.next();
      c.next();
      const aggregates: SelectItem[] = [];
      do {
        const p = c.tok.start;
        const expr = parseExpr(c);
        aggregates.push({ expr, alias: c.eatKw('as') ? c.ident() : c.isIdent() && !c.isKw('for') ? c.ident() : undefined, pos: p });
      } while (c.eatOp(','));
      const on: { expr: Expr; values?: SelectItem[] }[] = [];
      c.expectKw('for');
      do {
        const expr = parseExpr(c, 5); // stop before IN
        c.expectKw('in');
        c.expectOp('(');
        const values: SelectItem[] = [];
        if (c.eatKw('any')) {
          if (c.eatKws('order', 'by')) while (!c.isOp(')')) c.next();
          on.push({ expr, values: undefined });
        } else if (c.g.isQueryStart(c)) {
          c.g.query(c);
          on.push({ expr, values: undefined });
        } else {
          do {
            const p = c.tok.start;
            const v = parseExpr(c);
            values.push({ expr: v, alias: c.eatKw('as') ? c.ident() : undefined, pos: p });
          } while (c.eatOp(','));
          on.push({ expr, values });
        }
        c.expectOp(')');
      } while (c.isKw('for') ? (c.next(), true) : false);
      let groupBy: Expr[] = [];
      if (c.eatKws('group', 'by')) {
        groupBy = [parseExpr(c)];
        while (c.eatOp(',')) groupBy.push(parseExpr(c));
      }
      c.expectOp(')');
      source = { t: 'pivot', source, aggregates, on, groupBy, alias: tableAlias(c), pos };
    } else if (c.isKw('unpivot') && (c.isOpAt(1, '(') || c.isKwAt(1, 'include', 'exclude'))) {
      c.next();
      let includeNulls = false;
      if (c.eatKw('include')) {
        c.expectKw('nulls');
        includeNulls = true;
      } else if (c.eatKw('exclude')) c.expectKw('nulls');
      c.expectOp('(');
      let valueNames: Ident[];
      if (c.eatOp('(')) {
        valueNames = [c.ident()];
        while (c.eatOp(',')) valueNames.push(c.ident());
        c.expectOp(')');
      } else valueNames = [c.ident()];
      c.expectKw('for');
      const nameColumn = c.ident();
      c.expectKw('in');
      c.expectOp('(');
      const columns: Expr[] = [];
      do {
        columns.push(parseExpr(c));
        if (c.eatKw('as')) c.next();
      } while (c.eatOp(','));
      c.expectOp(')');
      c.expectOp(')');
      source = { t: 'unpivot', source, valueNames, nameColumn, columns, includeNulls, alias: tableAlias(c), pos };
    } else return source;
  }
}
