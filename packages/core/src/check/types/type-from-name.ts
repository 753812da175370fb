import type { TypeName } from '../sql/ast.ts';
import { Cursor } from '../sql/cursor.ts';
import type { SqlDialectName } from '../sql/lexer.ts';
import { parseType } from '../sql/parse-type.ts';
import { T, type SqlType } from './sql-type.ts';

const INT: Record<string, 8 | 16 | 32 | 64 | 128> = {
  tinyint: 8, int1: 8, byteint: 8,
  smallint: 16, int2: 16, short: 16,
  integer: 32, int: 32, int4: 32, signed: 32,
  bigint: 64, int8: 64, long: 64,
  hugeint: 128, int128: 128,
};
const UINT: Record<string, 8 | 16 | 32 | 64 | 128> = { utinyint: 8, usmallint: 16, uinteger: 32, ubigint: 64, uhugeint: 128 };
const TEXT = new Set(['varchar', 'char', 'bpchar', 'text', 'string', 'character varying', 'character', 'nchar', 'nvarchar', 'nvarchar2', 'char varying', 'national character varying', 'enum', 'name']);
const BLOB = new Set(['blob', 'bytea', 'binary', 'varbinary', 'bit', 'bitstring']);
const SIMPLE: Record<string, SqlType> = {
  boolean: T.boolean, bool: T.boolean, logical: T.boolean,
  double: T.double, float8: T.double, 'double precision': T.double,
  date: T.date, time: T.time, 'time without time zone': T.time, 'time with time zone': T.time, timetz: T.time,
  timestamp: T.timestamp, datetime: T.timestamp, timestamp_ntz: T.timestamp, 'timestamp without time zone': T.timestamp,
  timestamp_s: T.timestamp, timestamp_ms: T.timestamp, timestamp_ns: T.timestamp, timestamp_us: T.timestamp,
  timestamptz: T.timestamptz, 'timestamp with time zone': T.timestamptz, timestamp_tz: T.timestamptz, timestamp_ltz: T.timestamptz, 'timestamp with local time zone': T.timestamptz,
  interval: T.interval, uuid: T.uuid, json: T.json,
  variant: T.variant, object: { k: 'variant', of: 'object' }, array: { k: 'variant', of: 'array' },
};

/** A type name from a cast in the query. */
export function typeFromAst(t: TypeName, dialect: SqlDialectName): SqlType {
  let base = baseType(t, dialect);
  for (let i = 0; i < t.arrayDims; i++) base = T.list(base);
  return base;
}

function baseType(t: TypeName, dialect: SqlDialectName): SqlType {
  const n = t.name;
  if (INT[n] !== undefined) return dialect === 'snowflake' ? T.decimal(38, 0) : { k: 'int', bits: INT[n] };
  if (UINT[n] !== undefined) return { k: 'int', bits: UINT[n], unsigned: true };
  if (n === 'decimal' || n === 'numeric' || n === 'number' || n === 'dec') {
    const [p, s] = t.params;
    if (p === undefined) return dialect === 'snowflake' ? T.decimal(38, 0) : T.decimal(18, 3);
    return T.decimal(p || 38, s ?? 0);
  }
  if (n === 'float' || n === 'float4' || n === 'real') return dialect === 'snowflake' ? T.double : T.float;
  if (TEXT.has(n)) return T.varchar;
  if (BLOB.has(n)) return T.blob;
  if (n === 'list' && t.fields?.length === 1) return T.list(typeFromAst(t.fields[0]!.type, dialect));
  if ((n === 'struct' || n === 'row') && t.fields) return { k: 'struct', fields: t.fields.map((f) => [f.name, typeFromAst(f.type, dialect)] as const) };
  if (n === 'map' && t.fields?.length === 2) return { k: 'map', key: typeFromAst(t.fields[0]!.type, dialect), value: typeFromAst(t.fields[1]!.type, dialect) };
  if (n === 'array' && t.fields?.length === 1) return T.list(typeFromAst(t.fields[0]!.type, dialect));
  if (n === 'object' && t.fields) return { k: 'variant', of: 'object' };
  if (n.startsWith('timestamp') && n.endsWith('with time zone')) return T.timestamptz;
  return SIMPLE[n] ?? T.unknown;
}

const cache = new Map<string, SqlType>();

/** A type as a catalog, a seed or YAML `data_type` spells it (`BIGINT`, `NUMBER(38,0)`, `varchar(20)`, `INTEGER[]`); unknown when unreadable. */
export function typeFromString(text: string, dialect: SqlDialectName): SqlType {
  const key = `${dialect}:${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let t: SqlType = T.unknown;
  try {
    const c = new Cursor(text, dialect);
    const name = parseType(c);
    if (c.tok.kind === 'eof') t = typeFromAst(name, dialect);
  } catch {
    t = T.unknown;
  }
  cache.set(key, t);
  return t;
}
