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
    throw e;
  }
}

/** The `__sm_cte__` definitions render puts before a model's own SQL for the ephemeral models it refs. */
function injectedRange(sql: string): { from: number; to: number } | undefined {
  let from = -1;
  let last = -1;
  for (const m of sql.matchAll(/__sm_cte__\w+ as \(\n/g)) {
    if (from < 0) from = m.index;
    last = m.index;
  }
  if (from < 0) return undefined;
  // Render joins the definitions with `,\n` and closes each with `\n)`: the last one ends at the first `\n),\n` after it (or `\n)\n`).
  const end = sql.indexOf('\n),\n', last);
  return { from, to: end < 0 ? from : end + 4 };
}
