/**
 * Tokens of the SQL that dbt projects write for DuckDB and Snowflake. The lexer knows strings
 * (with each dialect's escapes), quoted identifiers, dollar-quoted text, comments and the
 * multi-character operators (`::`, `->`, `=>`, `||`, ...); it keeps offsets so that every
 * error and every column reference can be placed at a line and column.
 */

export type SqlDialectName = 'duckdb' | 'snowflake';

export type TokenKind = 'ident' | 'qident' | 'string' | 'number' | 'op' | 'param' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier text (unquoted, as written), string contents, number text, operator, or parameter. */
  readonly text: string;
  /** Lower-cased text of an unquoted identifier, for keyword tests; '' otherwise. */
  readonly kw: string;
  readonly start: number;
  readonly end: number;
}

/** A SQL text the parser does not accept, with where (0-based offset) and why. */
export class SqlSyntaxError extends Error {
  readonly kind = 'SqlSyntaxError';
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'SqlSyntaxError';
    this.offset = offset;
  }
}

export function isSqlSyntaxError(e: unknown): e is SqlSyntaxError {
  return typeof e === 'object' && e !== null && (e as { kind?: unknown }).kind === 'SqlSyntaxError';
}

// Longest first: the lexer takes the first that matches.
const OPERATORS = ['->>', '!~~*', '!~~', '~~*', '<=>', '::', '->', '=>', ':=', '||', '<=', '>=', '<>', '!=', '==', '**', '//', '<<', '>>', '^@', '~~', '!~', '&&', '@>', '<@'];
const SINGLE = new Set('+-*/%<>=(),.;[]{}:~!@&|^#?'.split(''));

const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c) || c === 36;

/** Split `sql` into tokens; throws {@link SqlSyntaxError} for an unterminated string, identifier or comment. */
export function lex(sql: string, dialect: SqlDialectName): Token[] {
  const out: Token[] = [];
  const n = sql.length;
  let i = 0;
  const push = (kind: TokenKind, text: string, start: number, end: number, kw = '') => out.push({ kind, text, kw, start, end });
  while (i < n) {
    const c = sql.charCodeAt(i);
    // Whitespace.
    if (c === 32 || c === 10 || c === 9 || c === 13 || c === 12) {
      i++;
      continue;
    }
    // Comments: -- to end of line; Snowflake also //; /* */ (nested in DuckDB).
    if ((c === 45 && sql.charCodeAt(i + 1) === 45) || (dialect === 'snowflake' && c === 47 && sql.charCodeAt(i + 1) === 47)) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (sql.charCodeAt(j) === 42 && sql.charCodeAt(j + 1) === 47) {
          depth--;
          j += 2;
        } else if (dialect === 'duckdb' && sql.charCodeAt(j) === 47 && sql.charCodeAt(j + 1) === 42) {
          depth++;
          j += 2;
        } else j++;
      }
      if (depth > 0) throw new SqlSyntaxError('Unterminated /* comment', i);
      i = j;
      continue;
    }
    const start = i;
    // Strings: '...' ('' doubles a quote; Snowflake also reads backslash escapes), E'...' in DuckDB.
    if (c === 39 || ((c === 69 || c === 101) && sql.charCodeAt(i + 1) === 39 && dialect === 'duckdb')) {
      const escapes = dialect === 'snowflake' || c !== 39;
      let j = c === 39 ? i + 1 : i + 2;
      let text = '';
      let from = j;
      for (;;) {
        if (j >= n) throw new SqlSyntaxError('Unterminated string literal', start);
        const d = sql.charCodeAt(j);
        if (d === 39) {
          if (sql.charCodeAt(j + 1) === 39) {
            text += sql.slice(from, j + 1);
            j += 2;
            from = j;
            continue;
          }
          break;
        }
        if (d === 92 && escapes) {
          text += sql.slice(from, j) + unescape(sql[j + 1] ?? '');
          j += 2;
          from = j;
          continue;
        }
        j++;
      }
      text += sql.slice(from, j);
      push('string', text, start, j + 1);
      i = j + 1;
      continue;
    }
    // Dollar-quoted text: $$...$$ or $tag$...$tag$.
    if (c === 36) {
      const m = /^\$([A-Za-z_]\w*)?\$/.exec(sql.slice(i, i + 64));
      if (m) {
        const close = sql.indexOf(m[0], i + m[0].length);
        if (close < 0) throw new SqlSyntaxError(`Unterminated ${m[0]} string`, start);
        push('string', sql.slice(i + m[0].length, close), start, close + m[0].length);
        i = close + m[0].length;
        continue;
      }
      // $1 (positional column or parameter), $name (DuckDB parameter).
      let j = i + 1;
      while (j < n && isIdentPart(sql.charCodeAt(j))) j++;
      if (j > i + 1) {
        push('param', sql.slice(i, j), start, j);
        i = j;
        continue;
      }
    }
    // Quoted identifiers: "..." with "" for a quote.
    if (c === 34) {
      let j = i + 1;
      let text = '';
      let from = j;
      for (;;) {
        if (j >= n) throw new SqlSyntaxError('Unterminated quoted identifier', start);
        if (sql.charCodeAt(j) === 34) {
          if (sql.charCodeAt(j + 1) === 34) {
            text += sql.slice(from, j + 1);
            j += 2;
            from = j;
            continue;
          }
          break;
        }
        j++;
      }
      text += sql.slice(from, j);
      push('qident', text, start, j + 1);
      i = j + 1;
      continue;
    }
    // Numbers: 12, 1.5, .5, 1e-3, 1_000, 0x1F.
    if (isDigit(c) || (c === 46 && isDigit(sql.charCodeAt(i + 1)))) {
      let j = i;
      if (c === 48 && (sql[i + 1] === 'x' || sql[i + 1] === 'X')) {
        j += 2;
        while (j < n && /[0-9a-fA-F_]/.test(sql[j]!)) j++;
      } else {
        while (j < n && (isDigit(sql.charCodeAt(j)) || sql.charCodeAt(j) === 95)) j++;
        // `1.5` and `1.`; never the `..` of a range.
        if (sql.charCodeAt(j) === 46 && sql.charCodeAt(j + 1) !== 46) {
          j++;
          while (j < n && (isDigit(sql.charCodeAt(j)) || sql.charCodeAt(j) === 95)) j++;
        }
        if ((sql[j] === 'e' || sql[j] === 'E') && (isDigit(sql.charCodeAt(j + 1)) || ((sql[j + 1] === '+' || sql[j + 1] === '-') && isDigit(sql.charCodeAt(j + 2))))) {
          j += 2;
          while (j < n && isDigit(sql.charCodeAt(j))) j++;
        }
      }
      push('number', sql.slice(i, j).replaceAll('_', ''), start, j);
      i = j;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(sql.charCodeAt(j))) j++;
      const text = sql.slice(i, j);
      push('ident', text, start, j, text.toLowerCase());
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => sql.startsWith(o, i));
    if (op) {
      push('op', op, start, i + op.length);
      i += op.length;
      continue;
    }
    if (SINGLE.has(sql[i]!)) {
      push('op', sql[i]!, start, i + 1);
      i++;
      continue;
    }
    throw new SqlSyntaxError(`Unexpected character ${JSON.stringify(sql[i])}`, i);
  }
  push('eof', '', n, n);
  return out;
}

function unescape(ch: string): string {
  switch (ch) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case '0':
      return '\0';
    default:
      return ch;
  }
}

/** 1-based line and column of a 0-based offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}
