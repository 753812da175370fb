import type { Expr, FromItem, Ident, OrderItem, Query, Star } from './ast.ts';
import { lex, SqlSyntaxError, type SqlDialectName, type Token } from './lexer.ts';

/**
 * Words that end an expression or a table: never read as an implicit alias. Both dialects'
 * clause keywords; a column really named like one of these needs `as` or quotes, as in SQL.
 */
const RESERVED = new Set(
  (
    'select from where group having qualify window order limit offset fetch union intersect except minus join inner left right full ' +
    'outer cross natural on using lateral as and or not in is like ilike glob similar rlike regexp between case when then else end ' +
    'asc desc nulls with values pivot unpivot sample tablesample positional asof anti semi into by over filter within returning ' +
    'exclude replace rename set top distinct all any some exists cast try_cast interval current_date current_timestamp escape ' +
    'collate match_recognize connect start qualify'
  ).split(' '),
);

/**
 * The parser's mutually recursive entry points (an expression holds a subquery, a query holds
 * expressions), bound late by parse-sql.ts so that no parser module imports another in a circle.
 */
export interface Grammar {
  expr(c: Cursor, minBp?: number): Expr;
  query(c: Cursor): Query;
  isQueryStart(c: Cursor): boolean;
  orderBy(c: Cursor): OrderItem[];
  starModifiers(c: Cursor): Omit<Star, 'qualifier'>;
  valuesRows(c: Cursor): Expr[][];
  fromList(c: Cursor): FromItem[];
}

const TYPES_ONLY = new Proxy({} as Grammar, {
  get: () => () => {
    throw new Error('This cursor reads type names only');
  },
});

/** A position in a token stream with the helpers a recursive-descent parser needs. */
export class Cursor {
  readonly sql: string;
  readonly dialect: SqlDialectName;
  readonly tokens: Token[];
  /** The grammar's entry points; a cursor made for a type name alone has none. */
  readonly g: Grammar;
  i = 0;

  constructor(sql: string, dialect: SqlDialectName, grammar: Grammar = TYPES_ONLY) {
    this.sql = sql;
    this.dialect = dialect;
    this.tokens = lex(sql, dialect);
    this.g = grammar;
  }

  get tok(): Token {
    return this.tokens[this.i]!;
  }

  peek(k = 1): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }

  next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  /** The current token is the unquoted keyword `kw` (one of several). */
  isKw(...kws: string[]): boolean {
    const t = this.tok;
    return t.kind === 'ident' && kws.includes(t.kw);
  }

  isKwAt(k: number, ...kws: string[]): boolean {
    const t = this.peek(k);
    return t.kind === 'ident' && kws.includes(t.kw);
  }

  eatKw(...kws: string[]): boolean {
    if (!this.isKw(...kws)) return false;
    this.i++;
    return true;
  }

  /** Eat a sequence of keywords only if all of them follow. */
  eatKws(...kws: string[]): boolean {
    for (let k = 0; k < kws.length; k++) if (!this.isKwAt(k, kws[k]!)) return false;
    this.i += kws.length;
    return true;
  }

  expectKw(kw: string): Token {
    if (!this.isKw(kw)) throw this.error(`Expected ${kw.toUpperCase()}`);
    return this.next();
  }

  isOp(...ops: string[]): boolean {
    const t = this.tok;
    return t.kind === 'op' && ops.includes(t.text);
  }

  isOpAt(k: number, op: string): boolean {
    const t = this.peek(k);
    return t.kind === 'op' && t.text === op;
  }

  eatOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.i++;
    return true;
  }

  expectOp(op: string): Token {
    if (!this.isOp(op)) throw this.error(`Expected "${op}"`);
    return this.next();
  }

  /** An identifier (quoted, or unquoted and not reserved unless `anyWord`). */
  isIdent(anyWord = false): boolean {
    const t = this.tok;
    return t.kind === 'qident' || (t.kind === 'ident' && (anyWord || !RESERVED.has(t.kw)));
  }

  ident(anyWord = true): Ident {
    const t = this.tok;
    if (t.kind === 'qident') {
      this.i++;
      return { name: t.text, quoted: true, pos: t.start };
    }
    if (t.kind === 'ident' && (anyWord || !RESERVED.has(t.kw))) {
      this.i++;
      return { name: t.text, quoted: false, pos: t.start };
    }
    throw this.error('Expected a name');
  }

  /** `a.b.c`: names joined by dots. */
  dotted(): Ident[] {
    const parts = [this.ident()];
    while (this.isOp('.') && (this.peek().kind === 'ident' || this.peek().kind === 'qident')) {
      this.i++;
      parts.push(this.ident());
    }
    return parts;
  }

  /** An optional alias: `as name` or a bare non-reserved name. */
  alias(): Ident | undefined {
    if (this.eatKw('as')) return this.tok.kind === 'string' ? this.stringIdent() : this.ident();
    if (this.isIdent()) return this.ident();
    // DuckDB and Snowflake both accept a string as a column alias (`select 1 as 'x'` is rarer than `"x"`).
    return undefined;
  }

  stringIdent(): Ident {
    const t = this.next();
    return { name: t.text, quoted: true, pos: t.start };
  }

  error(message: string, at: Token = this.tok): SqlSyntaxError {
    const near = at.kind === 'eof' ? 'at the end of the query' : `near ${JSON.stringify(this.sql.slice(at.start, Math.min(at.end, at.start + 30)))}`;
    return new SqlSyntaxError(`${message} ${near}`, at.start);
  }

  /** Skip a balanced parenthesised group starting at the current `(`. */
  skipParens(): void {
    this.expectOp('(');
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t.kind === 'eof') throw this.error('Unbalanced parentheses', t);
      if (t.kind === 'op' && (t.text === '(' || t.text === '[')) depth++;
      else if (t.kind === 'op' && (t.text === ')' || t.text === ']')) depth--;
    }
  }
}
