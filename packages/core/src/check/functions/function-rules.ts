/**
 * How a function's result type follows from its arguments. A dialect's function table maps
 * names to a rule: mostly a short spec string, a few small functions. Functions missing from
 * the table have an unknown result (a UDF or macro is not an error).
 */
import type { SqlDialectName } from '../sql/lexer.ts';
import { asDecimal, supertype, T, type SqlType } from '../types/sql-type.ts';

export interface CallInfo {
  readonly args: readonly SqlType[];
  /** Arguments that are string or number literals, by position, as written (date parts, formats, scales). */
  readonly literals: readonly (string | undefined)[];
  readonly dialect: SqlDialectName;
  /** Named arguments (`struct_pack(a := 1)`), in order. */
  readonly named: readonly (readonly [string, SqlType])[];
  /** The result type of a lambda argument, when one was given. */
  readonly lambda?: SqlType | undefined;
}

export type Rule = string | ((c: CallInfo) => SqlType);
export type FunctionTable = Readonly<Record<string, Rule>>;

/**
 * Spec strings:
 * - a type in DuckDB's spelling (`varchar`, `bigint`, `double`, ...), mapped per dialect (`bigint` is NUMBER(38,0) on Snowflake);
 * - `$0`, `$1`, ...: the type of that argument;
 * - `common` / `common1` / `common12`: the common type of all arguments / from the second / of the second and third;
 * - `elem0`: the element type of the first (list) argument; `list$0`: a list of the first argument's type; `listcommon`;
 * - `lambdalist`: a list of what the lambda returns.
 */
export function applyRule(rule: Rule, c: CallInfo): SqlType {
  if (typeof rule === 'function') return rule(c);
  const a = c.args;
  if (rule.startsWith('$')) return a[Number(rule.slice(1))] ?? T.unknown;
  switch (rule) {
    case 'common':
      return common(a);
    case 'common1':
      return common(a.slice(1));
    case 'common12':
      return common(a.slice(1, 3));
    case 'elem0':
      return elementOf(a[0]);
    case 'list$0':
      return a[0] ? T.list(a[0]) : T.unknown;
    case 'listcommon':
      return T.list(common(a));
    case 'lambdalist':
      return c.lambda ? T.list(c.lambda) : T.unknown;
  }
  return named(rule, c.dialect);
}

const NAMED: Record<string, SqlType> = {
  varchar: T.varchar, boolean: T.boolean, double: T.double, bigint: T.bigint, integer: T.integer, hugeint: T.hugeint,
  tinyint: T.tinyint, smallint: T.smallint, ubigint: { k: 'int', bits: 64, unsigned: true }, date: T.date, time: T.time,
  timestamp: T.timestamp, timestamptz: T.timestamptz, interval: T.interval, json: T.json, variant: T.variant, blob: T.blob, uuid: T.uuid,
  'varchar[]': T.list(T.varchar), 'bigint[]': T.list(T.bigint), array: { k: 'variant', of: 'array' }, object: { k: 'variant', of: 'object' },
};

/** A type spelled the DuckDB way, as the given dialect has it. */
export function named(name: string, dialect: SqlDialectName): SqlType {
  const t = NAMED[name];
  if (!t) throw new Error(`function table: unknown type spec "${name}"`);
  if (dialect === 'snowflake' && t.k === 'int') return T.decimal(38, 0);
  return t;
}

/** The common type of several values; unknown if they clash (the clash is reported where it is checked). */
export function common(ts: readonly SqlType[]): SqlType {
  let out: SqlType = T.null;
  for (const t of ts) out = supertype(out, t) ?? T.unknown;
  return out;
}

export function elementOf(t: SqlType | undefined): SqlType {
  if (!t) return T.unknown;
  if (t.k === 'list') return t.of;
  if (t.k === 'variant') return T.variant;
  return T.unknown;
}

/** DuckDB's sum: integers to HUGEINT, decimals to DECIMAL(38, s), floats to DOUBLE; Snowflake keeps NUMBER's scale. */
export function sumRule(c: CallInfo): SqlType {
  const t = c.args[0];
  if (!t) return T.unknown;
  if (t.k === 'int') return c.dialect === 'snowflake' ? T.decimal(38, 0) : T.hugeint;
  if (t.k === 'decimal') return T.decimal(38, t.s);
  if (t.k === 'float') return T.double;
  if (t.k === 'boolean') return c.dialect === 'snowflake' ? T.decimal(38, 0) : T.hugeint;
  if (t.k === 'interval') return t;
  return T.unknown;
}

/** avg: DOUBLE on DuckDB; on Snowflake a NUMBER with 6 more decimals (or FLOAT for floats). */
export function avgRule(c: CallInfo): SqlType {
  const t = c.args[0];
  if (!t || t.k === 'unknown') return T.unknown;
  if (t.k === 'interval' || t.k === 'timestamp' || t.k === 'date' || t.k === 'time') return c.dialect === 'snowflake' ? T.unknown : t.k === 'date' ? T.timestamp : t;
  if (c.dialect === 'snowflake') {
    if (t.k === 'float') return T.double;
    const d = asDecimal(t);
    return T.decimal(38, Math.min(37, d.s + 6));
  }
  return T.double;
}

/** round(x, n): a decimal keeps its precision with scale n (DuckDB; Snowflake the same); floats and integers keep their type. */
export function roundRule(c: CallInfo): SqlType {
  const t = c.args[0];
  if (!t) return T.unknown;
  if (t.k !== 'decimal') return t;
  const lit = c.literals[1];
  if (c.args.length < 2) return T.decimal(t.p, 0);
  const n = lit !== undefined && /^\d+$/.test(lit) ? Number(lit) : undefined;
  return n === undefined ? t : T.decimal(t.p, Math.min(t.s, n));
}
