import type { Query } from './ast.ts';
import { Cursor, type Grammar } from './cursor.ts';
import type { SqlDialectName } from './lexer.ts';
import { parseExpr } from './parse-expr.ts';
import { parseFromList } from './parse-from.ts';
import { isQueryStart, parseOrderBy, parseQuery, parseValuesRows } from './parse-query.ts';
import { parseStarModifiers } from './parse-star.ts';

const GRAMMAR: Grammar = {
  expr: parseExpr,
  query: parseQuery,
  isQueryStart,
  orderBy: parseOrderBy,
  starModifiers: parseStarModifiers,
  valuesRows: parseValuesRows,
  fromList: parseFromList,
};

/**
 * Parse one query (what a model, a test or an analysis compiles to). Throws
 * {@link import('./lexer.ts').SqlSyntaxError} with the offset of the first token it cannot read.
 */
export function parseSql(sql: string, dialect: SqlDialectName): Query {
  const c = new Cursor(sql, dialect, GRAMMAR);
  while (c.eatOp(';'));
  if (!isQueryStart(c)) throw c.error('Expected a query (SELECT, WITH, VALUES or FROM)');
  const q = parseQuery(c);
  while (c.eatOp(';'));
  if (c.tok.kind !== 'eof') throw c.error('Unexpected text after the query');
  return q;
}
