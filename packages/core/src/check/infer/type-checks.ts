import { clash, familyOf, formatType, supertype, T, type SqlType } from '../types/sql-type.ts';
import type { CheckCode, InferEnv } from './infer-env.ts';
import type { Value } from './scope.ts';

const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
const BOOL = /^\s*(true|false|t|f|yes|no|y|n|on|off|1|0)\s*$/i;
const DATE = /^\s*\d{4}-\d{1,2}-\d{1,2}/;
const TIME = /^\s*\d{1,2}:\d{2}/;

/** Whether a string literal converts to `t` (a literal takes the type of what it meets). */
export function literalFits(text: string, t: SqlType): boolean {
  switch (familyOf(t)) {
    case 'number':
      return NUMBER.test(text);
    case 'boolean':
      return BOOL.test(text);
    case 'datetime':
      return DATE.test(text);
    case 'time':
      return TIME.test(text);
    default:
      return true;
  }
}

/** Whether two values meet without an explicit cast; a string literal meets anything it converts to. */
export function compatible(a: Value, b: Value): boolean {
  if (a.str !== undefined && b.str !== undefined) return true;
  if (a.str !== undefined) return literalFits(a.str, b.type);
  if (b.str !== undefined) return literalFits(b.str, a.type);
  return !clash(a.type, b.type);
}

/** The type of `a` and `b` together (union, coalesce, case); a string literal takes the other side's type when it fits. */
export function commonOf(a: Value, b: Value): SqlType {
  if (a.str !== undefined && b.str === undefined && b.type.k !== 'null' && literalFits(a.str, b.type)) return b.type;
  if (b.str !== undefined && a.str === undefined && a.type.k !== 'null' && literalFits(b.str, a.type)) return a.type;
  return supertype(a.type, b.type) ?? T.unknown;
}

/** How a value reads in a message: `u.user_id (BIGINT)`, `'NA'`. */
export function describe(v: Value, label: string | undefined, env: InferEnv): string {
  const type = v.type.k === 'unknown' ? '' : ` (${formatType(v.type, env.dialect)})`;
  if (v.str !== undefined) return `'${v.str.length > 20 ? `${v.str.slice(0, 20)}...` : v.str}'`;
  return `${label ?? 'an expression'}${type}`;
}

const COERCED_FROM_TEXT = new Set(['number', 'datetime', 'time', 'boolean']);

/**
 * Snowflake compares text with a number, date, time or boolean by converting the text (a value
 * that does not convert fails when it is met, not when the SQL is compiled); DuckDB refuses it.
 */
function snowflakeCoerces(a: SqlType, b: SqlType): boolean {
  const fa = familyOf(a);
  const fb = familyOf(b);
  return (fa === 'text' && COERCED_FROM_TEXT.has(fb)) || (fb === 'text' && COERCED_FROM_TEXT.has(fa));
}

/** Report `a` against `b` when they cannot meet. Returns whether they can. */
export function expectCompatible(env: InferEnv, code: CheckCode, what: string, a: Value, b: Value, labels: [string | undefined, string | undefined], pos: number): boolean {
  if (compatible(a, b)) return true;
  if (env.dialect === 'snowflake' && snowflakeCoerces(a.type, b.type)) return true;
  const hint =
    code === 'SM_CHECK_JOIN_KEY_TYPE'
      ? 'Join on keys of one type: cast one side explicitly, or fix the model that produces the other.'
      : `Cast one side explicitly (cast(... as ${formatType(a.type.k === 'unknown' || a.str !== undefined ? b.type : a.type, env.dialect).toLowerCase()})) or fix where the value comes from.`;
  env.report({ code, message: `${what}: ${describe(a, labels[0], env)} and ${describe(b, labels[1], env)} are of types that cannot be compared`, pos, hint });
  return false;
}

/** A value's type in a sentence: `INTEGER`, or `the text 'NA'` for a string literal. */
export function typePhrase(v: Value, x: { env: InferEnv }): string {
  if (v.str !== undefined) return `the text '${v.str.length > 20 ? `${v.str.slice(0, 20)}...` : v.str}'`;
  return formatType(v.type, x.env.dialect);
}
