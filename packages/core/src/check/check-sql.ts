import { functionTable } from './functions/function-table.ts';
import { inferQuery } from './infer/infer-query.ts';
import { addFromItem } from './infer/infer-from.ts';
import type { Inferrer } from './infer/infer-ctx.ts';
import { isNotCheckable, type InferEnv, type SqlIssue, type TableRef } from './infer/infer-env.ts';
import { Ctes, Scope } from './infer/scope.ts';
import type { Shape } from './infer/shape.ts';
import type { Ident } from './sql/ast.ts';
import { isSqlSyntaxError, lineColumn, type SqlDialectName } from './sql/lexer.ts';
import { parseSql } from './sql/parse-sql.ts';
import type { KeyFn } from './relation-index.ts';
import { CTE_PREFIX } from '../render/inject-ctes.ts';

export interface SqlCheck {
  /** Undefined when the SQL is beyond the checker. */
  readonly shape: Shape | undefined;
  readonly issues: readonly SqlIssue[];
  /** Why the SQL could not be checked, with the compiled line. */
  readonly notChecked?: { readonly reason: string; readonly pos: number } | undefined;
  /** Where CTEs put in front of the model's own SQL (ephemeral models) start and end, if any. */
  readonly injected?: { readonly from: number; readonly to: number } | undefined;
}

const INFERRER: Inferrer = { query: inferQuery, fromItem: addFromItem };

/** Parse and infer one query: its output columns and what is wrong in it. */
export function checkSql(sql: string, dialect: SqlDialectName, key: KeyFn, table: (parts: readonly Ident[]) => TableRef | undefined): SqlCheck {
  const issues: SqlIssue[] = [];
  const env: InferEnv = { dialect, functions: functionTable(dialect), key, table, report: (i) => issues.push(i) };
  try {
    const q = parseSql(sql, dialect);
    const shape = inferQuery(q, { env, scope: new Scope(), ctes: new Ctes(), run: INFERRER });
    return { shape, issues, injected: injectedRange(sql) };
  } catch (e) {
    if (isSqlSyntaxError(e)) {
      const at = lineColumn(sql, e.offset);
      return { shape: undefined, issues: [], notChecked: { reason: `its compiled SQL does not parse as ${dialect} SQL the checker knows (${e.message}, compiled line ${at.line})`, pos: e.offset } };
    }
    if (isNotCheckable(e)) {
      const at = lineColumn(sql, e.pos);
      return { shape: undefined, issues, notChecked: { reason: `${e.message} (compiled line ${at.line})`, pos: e.pos } };
    }
    // Generated SQL can nest deeper than the parser's and inference's recursion (thousands of UNIONs or parentheses).
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return { shape: undefined, issues: [], notChecked: { reason: 'its compiled SQL nests too deeply for the checker (a chain of thousands of UNIONs, parentheses or operators)', pos: 0 } };
    }
    throw e;
  }
}

/** A CTE definition render puts before a model's own SQL for an ephemeral model it refs, up to its opening parenthesis (render/inject-ctes.ts). */
const DEFINITION = new RegExp(` ${CTE_PREFIX}\\w+ as \\(\\n`, 'y');

/** Where the ephemeral models' definitions render put before a model's own SQL start, and end after the `, ` or ` ` that follows them. */
function injectedRange(sql: string): { from: number; to: number } | undefined {
  const from = sql.indexOf(` ${CTE_PREFIX}`);
  if (from < 0) return undefined;
  let at = from;
  for (;;) {
    DEFINITION.lastIndex = at;
    const m = DEFINITION.exec(sql);
    if (!m) return { from, to: at };
    const close = closingParen(sql, at + m[0].length - 2);
    if (close < 0) return { from, to: from };
    at = close + 1;
    if (sql.startsWith(', ', at)) at += 2;
    else return { from, to: sql[at] === ' ' ? at + 1 : at };
  }
}

/** The `)` that closes the `(` at `open`, past quoted text and comments; -1 when none does. */
function closingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') i = Math.max(i, sql.indexOf(c, i + 1));
    else if (c === '-' && sql[i + 1] === '-') i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (c === '/' && sql[i + 1] === '*') i = sql.indexOf('*/', i) < 0 ? sql.length : sql.indexOf('*/', i) + 1;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}
