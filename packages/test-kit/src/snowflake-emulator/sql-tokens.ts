/**
 * A small lexer for the Snowflake SQL the adapter emits. It exists so that the emulator can
 * fold unquoted identifiers to upper case (as Snowflake stores them) without touching string
 * literals, quoted identifiers or comments, and can match statement shapes token by token.
 */

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'bind' | 'punct' | 'space' | 'comment';

export interface Token {
  readonly kind: TokenKind;
  text: string;
}

const wordStart = /[A-Za-z_]/;
const wordPart = /[A-Za-z0-9_$]/;

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const start = i;
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(sql[i]!)) i++;
      out.push({ kind: 'space', text: sql.slice(start, i) });
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      out.push({ kind: 'comment', text: sql.slice(start, i) });
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      out.push({ kind: 'comment', text: sql.slice(start, i) });
    } else if (c === "'") {
      // Snowflake strings accept both '' and backslash escapes; DuckDB only ''. Normalise here.
      let value = '';
      i++;
      while (i < n) {
        const d = sql[i]!;
        if (d === '\\' && i + 1 < n) {
          value += sql[i + 1] === "'" ? "''" : sql[i + 1] === '\\' ? '\\' : d + sql[i + 1];
          i += 2;
        } else if (d === "'" && sql[i + 1] === "'") {
          value += "''";
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      out.push({ kind: 'string', text: `'${value}'` });
    } else if (c === '$' && sql[i + 1] === '$') {
      const end = sql.indexOf('$$', i + 2);
      const body = sql.slice(i + 2, end < 0 ? n : end);
      i = end < 0 ? n : end + 2;
      out.push({ kind: 'string', text: `'${body.replaceAll("'", "''")}'` });
    } else if (c === '"') {
      i++;
      while (i < n) {
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
        else if (sql[i] === '"') {
          i++;
          break;
        } else i++;
      }
      out.push({ kind: 'quoted', text: sql.slice(start, i) });
    } else if (wordStart.test(c)) {
      while (i < n && wordPart.test(sql[i]!)) i++;
      out.push({ kind: 'word', text: sql.slice(start, i) });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < n && /[0-9.eE]/.test(sql[i]!)) i++;
      out.push({ kind: 'number', text: sql.slice(start, i) });
    } else if (c === ':' && sql[i + 1] === ':') {
      i += 2;
      out.push({ kind: 'punct', text: '::' });
    } else if (c === ':' && /[0-9]/.test(sql[i + 1] ?? '')) {
      i++;
      while (i < n && /[0-9]/.test(sql[i]!)) i++;
      out.push({ kind: 'bind', text: `$${sql.slice(start + 1, i)}` });
    } else if (c === '?') {
      i++;
      out.push({ kind: 'bind', text: '?' });
    } else {
      i++;
      out.push({ kind: 'punct', text: c });
    }
  }
  return out;
}

/** Tokens that carry meaning (no whitespace, no comments). */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
}

export function render(tokens: readonly Token[]): string {
  return tokens.map((t) => t.text).join('');
}

/** The identifier a word or quoted token names, as Snowflake resolves it (unquoted folds upper). */
export function identifierOf(t: Token): string {
  if (t.kind === 'quoted') return t.text.slice(1, -1).replaceAll('""', '"');
  return t.text.toUpperCase();
}

export function isWord(t: Token | undefined, ...words: string[]): boolean {
  return !!t && t.kind === 'word' && words.includes(t.text.toUpperCase());
}
