/**
 * Column types as the checker knows them: one model for both warehouses (Snowflake's
 * NUMBER(38,0) is a 128-bit integer here, its TIMESTAMP_NTZ a timestamp without time zone),
 * printed in each warehouse's own names. `unknown` is a first-class answer: a type the checker
 * cannot know is never guessed, and nothing is reported about it.
 */
import type { SqlDialectName } from '../sql/lexer.ts';

export type SqlType =
  | { readonly k: 'unknown' }
  | { readonly k: 'null' }
  | { readonly k: 'boolean' }
  | { readonly k: 'int'; readonly bits: 8 | 16 | 32 | 64 | 128; readonly unsigned?: boolean }
  | { readonly k: 'decimal'; readonly p: number; readonly s: number }
  | { readonly k: 'float'; readonly bits: 32 | 64 }
  | { readonly k: 'varchar' }
  | { readonly k: 'blob' }
  | { readonly k: 'uuid' }
  | { readonly k: 'date' }
  | { readonly k: 'time' }
  | { readonly k: 'timestamp'; readonly tz: boolean }
  | { readonly k: 'interval' }
  | { readonly k: 'json' }
  /** Snowflake's VARIANT, OBJECT and ARRAY (`of` says which). */
  | { readonly k: 'variant'; readonly of?: 'object' | 'array' | undefined }
  | { readonly k: 'list'; readonly of: SqlType }
  | { readonly k: 'struct'; readonly fields: readonly (readonly [string, SqlType])[] }
  | { readonly k: 'map'; readonly key: SqlType; readonly value: SqlType };

export const T = {
  unknown: { k: 'unknown' } as SqlType,
  null: { k: 'null' } as SqlType,
  boolean: { k: 'boolean' } as SqlType,
  tinyint: { k: 'int', bits: 8 } as SqlType,
  smallint: { k: 'int', bits: 16 } as SqlType,
  integer: { k: 'int', bits: 32 } as SqlType,
  bigint: { k: 'int', bits: 64 } as SqlType,
  hugeint: { k: 'int', bits: 128 } as SqlType,
  float: { k: 'float', bits: 32 } as SqlType,
  double: { k: 'float', bits: 64 } as SqlType,
  varchar: { k: 'varchar' } as SqlType,
  blob: { k: 'blob' } as SqlType,
  uuid: { k: 'uuid' } as SqlType,
  date: { k: 'date' } as SqlType,
  time: { k: 'time' } as SqlType,
  timestamp: { k: 'timestamp', tz: false } as SqlType,
  timestamptz: { k: 'timestamp', tz: true } as SqlType,
  interval: { k: 'interval' } as SqlType,
  json: { k: 'json' } as SqlType,
  variant: { k: 'variant' } as SqlType,
  decimal: (p: number, s: number): SqlType => ({ k: 'decimal', p, s }),
  list: (of: SqlType): SqlType => ({ k: 'list', of }),
};

/** Families: two values of one family compare and union without surprises. */
export type TypeFamily = 'number' | 'text' | 'boolean' | 'datetime' | 'time' | 'interval' | 'binary' | 'list' | 'struct' | 'map' | 'any';

export function familyOf(t: SqlType): TypeFamily {
  switch (t.k) {
    case 'int':
    case 'decimal':
    case 'float':
      return 'number';
    case 'varchar':
    case 'uuid':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'date':
    case 'timestamp':
      return 'datetime';
    case 'time':
      return 'time';
    case 'interval':
      return 'interval';
    case 'blob':
      return 'binary';
    case 'list':
      return 'list';
    case 'struct':
      return 'struct';
    case 'map':
      return 'map';
    default:
      return 'any';
  }
}

export const isKnown = (t: SqlType) => t.k !== 'unknown';
export const isNumeric = (t: SqlType) => t.k === 'int' || t.k === 'decimal' || t.k === 'float';

/** Two families that cannot meet without an explicit cast; numbers and booleans do (both warehouses convert). */
export function clash(a: SqlType, b: SqlType): boolean {
  const fa = familyOf(a);
  const fb = familyOf(b);
  if (fa === 'any' || fb === 'any' || fa === fb) {
    if (fa === 'list' && fb === 'list') return clash((a as { of: SqlType }).of, (b as { of: SqlType }).of);
    return false;
  }
  if ((fa === 'number' && fb === 'boolean') || (fa === 'boolean' && fb === 'number')) return false;
  return true;
}

/** The type a union, coalesce or case of `a` and `b` has; undefined when they clash. */
export function supertype(a: SqlType, b: SqlType): SqlType | undefined {
  if (a.k === 'unknown' || b.k === 'unknown') return T.unknown;
  if (a.k === 'null') return b;
  if (b.k === 'null') return a;
  if (a.k === 'variant' || b.k === 'variant') return a.k === 'variant' ? a : b;
  if (a.k === 'json' || b.k === 'json') return a.k === 'json' && b.k === 'json' ? a : T.unknown;
  if (clash(a, b)) return undefined;
  if (isNumeric(a) && isNumeric(b)) return numericSuper(a, b);
  if (isNumeric(a) || isNumeric(b)) return isNumeric(a) ? a : b; // with a boolean
  if (a.k === 'timestamp' && b.k === 'timestamp') return a.tz || b.tz ? T.timestamptz : T.timestamp;
  if (a.k === 'date' && b.k === 'timestamp') return b;
  if (b.k === 'date' && a.k === 'timestamp') return a;
  if (a.k === 'list' && b.k === 'list') {
    const of = supertype(a.of, b.of);
    return of ? T.list(of) : undefined;
  }
  if (a.k === 'struct' && b.k === 'struct') {
    if (a.fields.length !== b.fields.length) return undefined;
    const fields: [string, SqlType][] = [];
    for (let i = 0; i < a.fields.length; i++) {
      const t = supertype(a.fields[i]![1], b.fields[i]![1]);
      if (!t) return undefined;
      fields.push([a.fields[i]![0], t]);
    }
    return { k: 'struct', fields };
  }
  if (a.k === 'uuid' || b.k === 'uuid') return a.k === b.k ? a : T.varchar;
  return a;
}

function numericSuper(a: SqlType, b: SqlType): SqlType {
  if (a.k === 'float' || b.k === 'float') return T.double;
  if (a.k === 'int' && b.k === 'int') return { k: 'int', bits: Math.max(a.bits, b.bits) as 8 | 16 | 32 | 64 | 128 };
  const da = asDecimal(a);
  const db = asDecimal(b);
  const s = Math.max(da.s, db.s);
  const p = Math.min(38, Math.max(da.p - da.s, db.p - db.s) + s);
  return T.decimal(p, s);
}

/** An integer type as the decimal that holds it (DuckDB's rule for mixing them). */
export function asDecimal(t: SqlType): { p: number; s: number } {
  if (t.k === 'decimal') return { p: t.p, s: t.s };
  if (t.k === 'int') return { p: t.bits === 8 ? 3 : t.bits === 16 ? 5 : t.bits === 32 ? 10 : t.bits === 64 ? 19 : 38, s: 0 };
  return { p: 38, s: 0 };
}

/** The type in the warehouse's own words, as `describe` would print it. */
export function formatType(t: SqlType, dialect: SqlDialectName): string {
  if (dialect === 'snowflake') return formatSnowflake(t);
  switch (t.k) {
    case 'unknown':
      return 'unknown';
    case 'null':
      return 'NULL';
    case 'boolean':
      return 'BOOLEAN';
    case 'int':
      return `${t.unsigned ? 'U' : ''}${{ 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT', 128: 'HUGEINT' }[t.bits]}`;
    case 'decimal':
      return `DECIMAL(${t.p},${t.s})`;
    case 'float':
      return t.bits === 32 ? 'FLOAT' : 'DOUBLE';
    case 'varchar':
      return 'VARCHAR';
    case 'blob':
      return 'BLOB';
    case 'uuid':
      return 'UUID';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
    case 'timestamp':
      return t.tz ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP';
    case 'interval':
      return 'INTERVAL';
    case 'json':
      return 'JSON';
    case 'variant':
      return 'VARIANT';
    case 'list':
      return `${formatType(t.of, dialect)}[]`;
    case 'struct':
      return `STRUCT(${t.fields.map(([n, f]) => `${/^[a-z_][a-z0-9_]*$/.test(n) ? n : `"${n}"`} ${formatType(f, dialect)}`).join(', ')})`;
    case 'map':
      return `MAP(${formatType(t.key, dialect)}, ${formatType(t.value, dialect)})`;
  }
}

function formatSnowflake(t: SqlType): string {
  switch (t.k) {
    case 'int':
      return 'NUMBER(38,0)';
    case 'decimal':
      return `NUMBER(${t.p},${t.s})`;
    case 'float':
      return 'FLOAT';
    case 'varchar':
    case 'uuid':
      return 'VARCHAR';
    case 'blob':
      return 'BINARY';
    case 'timestamp':
      return t.tz ? 'TIMESTAMP_TZ' : 'TIMESTAMP_NTZ';
    case 'json':
    case 'variant':
      return t.k === 'variant' && t.of ? t.of.toUpperCase() : 'VARIANT';
    case 'list':
      return 'ARRAY';
    case 'struct':
    case 'map':
      return 'OBJECT';
    case 'interval':
      return 'INTERVAL';
    default:
      return formatType(t, 'duckdb');
  }
}
