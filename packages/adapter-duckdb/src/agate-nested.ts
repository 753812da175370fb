import { fromInstant, PyDate, PyDateTime, pyJson, PyTimedelta, PyTz } from '@smsql/core';

/** A LIST, fixed-size ARRAY, STRUCT or MAP column, by DuckDB's name of its type. */
export function isNestedType(type: string): boolean {
  return /\[\d*\]$/.test(type) || /^(?:STRUCT|MAP)\(/.test(type);
}

/** The machine's zone, which is DuckDB's session zone unless the project sets another. */
export function sessionZone(): PyTz {
  return new PyTz(Intl.DateTimeFormat().resolvedOptions().timeZone);
}

/**
 * A nested value as dbt's run_query gives it: JSON text (dbt's table_from_data_flat dumps
 * lists and dicts with its JSONEncoder: Python's separators, dates and times in ISO form,
 * non-ASCII escaped), so the column is Text. A MAP is a dict of its keys. Dates inside take
 * their kind from the column's type.
 */
export function nestedAsJson(v: unknown, type: string): string {
  const isMap = type.includes('MAP(');
  const date = (d: Date): string =>
    type.includes('TIMESTAMP WITH TIME ZONE') ? fromInstant(d.getTime(), sessionZone()).isoformat() : type.includes('TIMESTAMP') ? new PyDateTime(d.getTime(), 0, null).isoformat() : new PyDate(d.getTime()).isoformat();
  const walk = (x: unknown): unknown => {
    if (x instanceof Date) return date(x);
    if (Array.isArray(x)) {
      const entries = isMap && x.length > 0 && x.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e) && Object.keys(e).join() === 'key,value');
      if (entries) return Object.fromEntries(x.map((e: { key: unknown; value: unknown }) => [String(e.key), walk(e.value)]));
      return x.map(walk);
    }
    if (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype) return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
    return x;
  };
  return pyJson(walk(v), false);
}

/** An INTERVAL as dbt's run_query gives it: the text of Python's timedelta (a month is 30 days, as DuckDB's Python client converts it). */
export function intervalText(v: unknown): string | undefined {
  const iv = v as { months?: unknown; days?: unknown; micros?: unknown } | null;
  if (typeof iv !== 'object' || iv === null || typeof iv.months !== 'number' || typeof iv.days !== 'number') return undefined;
  return String(new PyTimedelta(iv.months * 30 + iv.days, 0, Number(iv.micros ?? 0)));
}
