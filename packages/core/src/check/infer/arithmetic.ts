import type { SqlDialectName } from '../sql/lexer.ts';
import { asDecimal, isNumeric, supertype, T, type SqlType } from '../types/sql-type.ts';
import type { Value } from './scope.ts';

/** The type of a literal as the warehouse reads it: DuckDB sizes integers and decimals to their digits. */
export function literalType(kind: 'int' | 'dec' | 'float' | 'bool' | 'null', text: string, dialect: SqlDialectName): SqlType {
  switch (kind) {
    case 'bool':
      return T.boolean;
    case 'null':
      return T.null;
    case 'float':
      return T.double;
    case 'int': {
      const digits = text.replace(/^0x/i, '').length;
      if (dialect === 'snowflake') return T.decimal(Math.max(1, Math.min(38, digits)), 0);
      if (/^0x/i.test(text)) return T.bigint;
      const n = Number(text);
      if (n <= 2147483647) return T.integer;
      if (n <= 9223372036854775807) return T.bigint;
      return T.hugeint;
    }
    case 'dec': {
      const [i = '', f = ''] = text.split('.');
      const scale = f.length;
      const whole = i.replace(/^0+/, '').length;
      return T.decimal(Math.max(1, Math.min(38, Math.max(whole + scale, scale + (i.length ? 1 : 0)))), scale);
    }
  }
}

/** + - * / // % ^ on numbers, dates, timestamps and intervals. Unknown when either side is. */
export function arithmetic(op: string, a: Value, b: Value, dialect: SqlDialectName): SqlType {
  const x = a.type;
  const y = b.type;
  if (x.k === 'unknown' || y.k === 'unknown') return T.unknown;
  if (x.k === 'null' || y.k === 'null') return x.k === 'null' ? y : x;
  if (op === '+' || op === '-') {
    const temporal = dateMath(op, x, y, dialect);
    if (temporal) return temporal;
  }
  if (!isNumeric(x) || !isNumeric(y)) {
    // A string literal in arithmetic is read as a number by both warehouses.
    if (a.str !== undefined && isNumeric(y)) return y;
    if (b.str !== undefined && isNumeric(x)) return x;
    return T.unknown;
  }
  switch (op) {
    case '/':
      if (dialect === 'snowflake') return x.k === 'float' || y.k === 'float' ? T.double : T.decimal(38, Math.max(asDecimal(x).s, Math.min(asDecimal(x).s + 6, 12)));
      return T.double;
    case '^':
    case '**':
      return T.double;
    case '//':
      return x.k === 'int' && y.k === 'int' ? (supertype(x, y) ?? T.unknown) : T.double;
    case '*': {
      if (x.k === 'float' || y.k === 'float') return T.double;
      if (x.k === 'int' && y.k === 'int') return supertype(x, y) ?? T.unknown;
      const dx = asDecimal(x);
      const dy = asDecimal(y);
      return T.decimal(Math.min(38, dx.p + dy.p), Math.min(38, dx.s + dy.s));
    }
    default: {
      // + - %: integers widen; decimals keep the larger scale with a digit more room.
      if (x.k === 'float' || y.k === 'float') return T.double;
      if (x.k === 'int' && y.k === 'int') return supertype(x, y) ?? T.unknown;
      const dx = asDecimal(x);
      const dy = asDecimal(y);
      const s = Math.max(dx.s, dy.s);
      return T.decimal(Math.min(38, Math.max(dx.p - dx.s, dy.p - dy.s) + s + 1), s);
    }
  }
}

function dateMath(op: '+' | '-', x: SqlType, y: SqlType, dialect: SqlDialectName): SqlType | undefined {
  const time = (t: SqlType) => t.k === 'date' || t.k === 'timestamp' || t.k === 'time';
  if (!time(x) && !time(y) && x.k !== 'interval' && y.k !== 'interval') return undefined;
  if (x.k === 'interval' && y.k === 'interval') return T.interval;
  if (time(x) && y.k === 'interval') return x.k === 'date' && dialect === 'duckdb' ? T.timestamp : x;
  if (x.k === 'interval' && time(y) && op === '+') return y.k === 'date' && dialect === 'duckdb' ? T.timestamp : y;
  if (x.k === 'date' && isNumeric(y)) return T.date;
  if (isNumeric(x) && y.k === 'date' && op === '+') return T.date;
  if (op === '-' && x.k === 'date' && y.k === 'date') return dialect === 'snowflake' ? T.decimal(38, 0) : T.bigint;
  if (op === '-' && time(x) && time(y)) return dialect === 'duckdb' ? T.interval : T.unknown;
  if (x.k === 'timestamp' && isNumeric(y) && dialect === 'snowflake') return x;
  return T.unknown;
}
