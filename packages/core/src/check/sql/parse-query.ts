import type { Cte, Expr, FromItem, GroupBy, OrderItem, Query, Select, SelectItem, SetExpr, WindowSpec } from './ast.ts';
import type { Cursor } from './cursor.ts';
import { parseExpr } from './parse-expr.ts';
import { parseWindowSpec } from './parse-call.ts';
import { parseFromList } from './parse-from.ts';

/** Whether a query starts here (inside parentheses, after IN, ...). */
export function isQueryStart(c: Cursor): boolean {
  if (c.isKw('select', 'with', 'values')) return true;
  // DuckDB's FROM-first `from t select ...`; a `(` only when a query follows it.
  if (c.isKw('from') && c.dialect === 'duckdb') return true;
  if (c.isOp('(')) {
    let k = 1;
    while (c.isOpAt(k, '(')) k++;
    return c.isKwAt(k, 'select', 'with', 'values');
  }
  return false;
}

/** A whole query: `with ... <set expression> order by ... limit ... offset ...`. */
export function parseQuery(c: Cursor): Query {
  const pos = c.tok.start;
  let withClause: Query['with'];
  if (c.eatKw('with')) {
    const recursive = c.eatKw('recursive');
    const ctes: Cte[] = [];
    do {
      const name = c.ident();
      let columns;
      if (c.isOp('(')) {
        c.next();
        columns = [c.ident()];
        while (c.eatOp(',')) columns.push(c.ident());
        c.expectOp(')');
      }
      c.expectKw('as');
      c.eatKws('not', 'materialized') || c.eatKw('materialized');
      c.expectOp('(');
      const query = parseQuery(c);
      c.expectOp(')');
      ctes.push({ name, columns, query });
    } while (c.eatOp(','));
    withClause = { recursive, ctes };
  }
  const body = parseSetExpr(c);
  let orderBy: OrderItem[] = [];
  let limit: Expr | undefined;
  let offset: Expr | undefined;
  for (;;) {
    if (c.eatKws('order', 'by')) orderBy = c.eatKw('all') ? orderAll(c) : parseOrderBy(c);
    else if (c.eatKw('limit')) {
      limit = c.isKw('all') ? (c.next(), undefined) : parseExpr(c);
      c.eatOp('%');
      c.eatKw('percent');
      if (c.eatOp(',')) offset = parseExpr(c);
    } else if (c.eatKw('offset')) {
      offset = parseExpr(c);
      c.eatKw('rows', 'row');
    } else if (c.eatKw('fetch')) {
      c.eatKw('first', 'next');
      if (!c.isKw('row', 'rows')) limit = parseExpr(c);
      c.eatKw('row', 'rows');
      c.eatKw('only');
    } else break;
  }
  return { t: 'query', with: withClause, body, orderBy, limit, offset, pos };
}

function orderAll(c: Cursor): OrderItem[] {
  const desc = c.eatKw('desc');
  if (!desc) c.eatKw('asc');
  if (c.eatKw('nulls')) c.next();
  return [];
}

/** Set operations: INTERSECT binds tighter than UNION and EXCEPT. */
function parseSetExpr(c: Cursor): SetExpr {
  let left = parseIntersect(c);
  while (c.isKw('union', 'except', 'minus')) {
    const pos = c.tok.start;
    const op = c.next().kw === 'union' ? 'union' : 'except';
    const { all, byName } = setModifiers(c);
    left = { t: 'setop', op, all, byName, left, right: parseIntersect(c), pos };
  }
  return left;
}

function parseIntersect(c: Cursor): SetExpr {
  let left = parseSetPrimary(c);
  while (c.isKw('intersect')) {
    const pos = c.tok.start;
    c.next();
    const { all, byName } = setModifiers(c);
    left = { t: 'setop', op: 'intersect', all, byName, left, right: parseSetPrimary(c), pos };
  }
  return left;
}

function setModifiers(c: Cursor): { all: boolean; byName: boolean } {
  const all = c.eatKw('all');
  if (!all) c.eatKw('distinct');
  const byName = c.eatKws('by', 'name');
  return { all, byName };
}

function parseSetPrimary(c: Cursor): SetExpr {
  const pos = c.tok.start;
  if (c.isKw('select')) return parseSelect(c);
  if (c.isKw('values')) {
    c.next();
    return { t: 'values', rows: parseValuesRows(c), pos };
  }
  if (c.isKw('from') && c.dialect === 'duckdb') return parseFromFirst(c);
  if (c.isKw('with')) return parseQuery(c);
  if (c.isOp('(')) {
    c.next();
    const q = parseQuery(c);
    c.expectOp(')');
    return q;
  }
  throw c.error('Expected SELECT, VALUES or a parenthesised query');
}

/** `values (1, 'a'), (2, 'b')`: the rows, each a list of expressions. */
export function parseValuesRows(c: Cursor): Expr[][] {
  const rows: Expr[][] = [];
  do {
    c.expectOp('(');
    const row: Expr[] = [];
    do row.push(parseExpr(c));
    while (c.eatOp(','));
    c.expectOp(')');
    rows.push(row);
  } while (c.eatOp(','));
  return rows;
}

/** DuckDB's `from t [select ...]`: a select whose FROM comes first; no select list means `*`. */
function parseFromFirst(c: Cursor): Select {
  const pos = c.tok.start;
  c.expectKw('from');
  const from = parseFromList(c);
  if (c.isKw('select')) {
    const s = parseSelect(c, from);
    return s;
  }
  const rest = parseClauses(c);
  return { t: 'select', distinct: false, distinctOn: [], items: [{ expr: { t: 'star', star: { exclude: [], replace: [], rename: [] }, pos }, pos }], from, ...rest, pos };
}

export function parseSelect(c: Cursor, fromFirst?: FromItem[]): Select {
  const pos = c.tok.start;
  c.expectKw('select');
  let distinct = false;
  let distinctOn: Expr[] = [];
  if (c.eatKw('distinct')) {
    distinct = true;
    if (c.eatKw('on')) {
      c.expectOp('(');
      do distinctOn.push(parseExpr(c));
      while (c.eatOp(','));
      c.expectOp(')');
    }
  } else c.eatKw('all');
  // Snowflake's `select top 10 ...`.
  if (c.isKw('top') && c.peek().kind === 'number') {
    c.next();
    c.next();
  }
  const items: SelectItem[] = [];
  if (!(fromFirst && (c.isKw('from', 'where', 'group', 'order', 'limit') || c.tok.kind === 'eof' || c.isOp(')')))) {
    do {
      if (c.isKw('from') || c.isOp(')') || c.tok.kind === 'eof') break; // trailing comma, allowed by DuckDB
      items.push(parseSelectItem(c));
    } while (c.eatOp(','));
  }
  let from = fromFirst ?? [];
  if (!fromFirst && c.eatKw('from')) from = parseFromList(c);
  return { t: 'select', distinct, distinctOn, items, from, ...parseClauses(c), pos };
}

function parseClauses(c: Cursor): Pick<Select, 'where' | 'groupBy' | 'having' | 'windows' | 'qualify'> {
  let where: Expr | undefined;
  let groupBy: GroupBy | undefined;
  let having: Expr | undefined;
  let qualify: Expr | undefined;
  const windows: { name: string; spec: WindowSpec }[] = [];
  for (;;) {
    if (!where && c.eatKw('where')) where = parseExpr(c);
    else if (!groupBy && c.eatKws('group', 'by')) groupBy = parseGroupBy(c);
    else if (!having && c.eatKw('having')) having = parseExpr(c);
    else if (!qualify && c.eatKw('qualify')) qualify = parseExpr(c);
    else if (c.eatKw('window')) {
      do {
        const name = c.ident().name;
        c.expectKw('as');
        windows.push({ name, spec: parseWindowSpec(c) });
      } while (c.eatOp(','));
    } else break;
  }
  return { where, groupBy, having, windows, qualify };
}

function parseGroupBy(c: Cursor): GroupBy {
  if (c.eatKw('all')) return { all: true, exprs: [] };
  const exprs: Expr[] = [];
  const groupItem = () => {
    if (c.isKw('rollup', 'cube') && c.isOpAt(1, '(')) {
      c.next();
      c.next();
      do groupItem();
      while (c.eatOp(','));
      c.expectOp(')');
    } else if (c.eatKws('grouping', 'sets')) {
      c.expectOp('(');
      do groupItem();
      while (c.eatOp(','));
      c.expectOp(')');
    } else if (c.isOp('(') && c.isOpAt(1, ')')) {
      c.next();
      c.next();
    } else {
      const e = parseExpr(c);
      if (e.t === 'row') exprs.push(...e.items);
      else exprs.push(e);
    }
  };
  do groupItem();
  while (c.eatOp(','));
  return { all: false, exprs };
}

function parseSelectItem(c: Cursor): SelectItem {
  const pos = c.tok.start;
  const expr = parseExpr(c);
  if (expr.t === 'star') return { expr, pos };
  if (c.eatKw('as')) return { expr, alias: c.tok.kind === 'string' ? c.stringIdent() : c.ident(), pos };
  if (c.isIdent()) return { expr, alias: c.ident(), pos };
  if (c.tok.kind === 'string' && c.dialect === 'duckdb') return { expr, alias: c.stringIdent(), pos };
  return { expr, pos };
}

export function parseOrderBy(c: Cursor): OrderItem[] {
  const out: OrderItem[] = [];
  do {
    const expr = parseExpr(c);
    const desc = c.eatKw('desc');
    if (!desc) c.eatKw('asc');
    if (c.eatKw('nulls')) c.next();
    out.push({ expr, desc });
  } while (c.eatOp(','));
  return out;
}
