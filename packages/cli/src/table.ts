import { floatRepr, type Dialect } from '@smsql/core';

/** What `sm show`'s query returned: each row's values as the driver gives them and as the warehouse writes them as text. */
export interface ShownRows {
  readonly columns: readonly string[];
  readonly typed: readonly Record<string, unknown>[];
  /** The warehouse's text of each value; absent when column names repeat (they cannot be cast one by one). */
  readonly text?: readonly Record<string, unknown>[] | undefined;
}

/**
 * `sm show`'s query: each column as it is and cast to text by the warehouse, in one statement, so
 * values print as the warehouse writes them (timestamps `2026-11-23 10:00:00`, decimals with
 * their scale, intervals, lists) rather than as epoch numbers or JavaScript dates, and JSON
 * keeps each value's type. Column names that repeat cannot be addressed one by one: then the
 * values come as they are.
 */
export function showSql(dialect: Dialect, columns: readonly string[], sql: string, limit: number): string {
  const q = (c: string) => dialect.quoteIdentifier(c);
  const select = castable(columns) ? [...columns.map(q), ...columns.map((c, i) => `cast(${q(c)} as ${dialect.stringType}) as ${q(`__sm_text_${i}`)}`)].join(', ') : '*';
  return `select ${select} from (\n${sql}\n) sm_show${limit >= 0 ? ` limit ${limit}` : ''}`;
}

/** Whether each column can be cast to text by name: some, none named twice. */
const castable = (columns: readonly string[]): boolean => columns.length > 0 && new Set(columns).size === columns.length;

/** Split the rows of {@link showSql} into the values and their text. */
export function shownRows(columns: readonly string[], rows: readonly Record<string, unknown>[]): ShownRows {
  if (!castable(columns)) return { columns, typed: rows };
  const typed: Record<string, unknown>[] = [];
  const text: Record<string, unknown>[] = [];
  for (const r of rows) {
    const t: Record<string, unknown> = {};
    const x: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      t[c] = r[c];
      x[c] = r[`__sm_text_${i}`];
    });
    typed.push(t);
    text.push(x);
  }
  return { columns, typed, text };
}

/** A plain-text table for `sm show`: columns padded to their widest value. */
export function renderTable(shown: ShownRows): string {
  const { columns } = shown;
  const rows = shown.text ?? shown.typed;
  const body = rows.map((r) => columns.map((c) => cellText(r[c]).replace(/\s+/g, ' ').slice(0, 60)));
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((b) => b[i]!.length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line([...columns]), sep, ...body.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n');
}

/** A value the driver returned, as text: dates as `2026-11-23 10:00:00` (UTC), nested values as JSON. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace(/(\.000)?Z$/, '');
  if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

/** A JSON number with exactly these digits (an integer beyond 2^53 keeps them all). */
const rawJson = (digits: string): unknown => (JSON as unknown as { rawJSON(t: string): unknown }).rawJSON(digits);

/**
 * The rows as `dbt show --output json` writes them: numbers and booleans as JSON's, integers
 * with every digit, dates `2026-01-02`, timestamps `2026-11-23T10:00:00.123456` (Python's
 * isoformat, which dbt's JSON is), lists, structs, maps and intervals as the dialect's agate
 * values give them (`["a", "b"]`, `2 days, 0:00:00`), and anything else (times, bytes) as the
 * warehouse's text.
 */
export function dbtJsonRows(shown: ShownRows, agate?: { dialect: Dialect; types: readonly string[] }): Record<string, unknown>[] {
  // A list, struct, map or interval as dbt's agate gives it (JSON text, a timedelta's text), where the dialect says.
  const asAgate = (v: unknown, i: number): unknown => {
    if (!agate?.dialect.agateValue || typeof v !== 'object' || v === null || v instanceof Date) return undefined;
    const a = agate.dialect.agateValue(v, agate.types[i] ?? '');
    return typeof a === 'string' ? a : undefined;
  };
  return shown.typed.map((r, i) => {
    const out: Record<string, unknown> = {};
    shown.columns.forEach((c, j) => (out[c] = asAgate(r[c], j) ?? jsonValue(r[c], shown.text?.[i]?.[c])));
    return out;
  });
}

function jsonValue(v: unknown, text: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof text !== 'string') {
    // Column names repeat: no text to go by.
    if (typeof v === 'bigint') return rawJson(v.toString());
    if (v instanceof Date) return v.toISOString().replace(/Z$/, '');
    return typeof v === 'object' ? JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))) : v;
  }
  if (typeof v === 'number' || typeof v === 'bigint') {
    if (/^-?\d+$/.test(text)) return rawJson(text.replace(/^(-?)0+(?=\d)/, '$1'));
    const n = Number(text);
    // A float or decimal as Python's json writes the float dbt makes of it: 2.0, 1.5, 1e-05.
    return /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) && Number.isFinite(n) ? rawJson(floatRepr(n)) : text;
  }
  return v instanceof Date ? isoformat(text) : text;
}

/** Python's isoformat of a date or timestamp the warehouse wrote as text: `2026-11-23 10:00:00.5+02` → `2026-11-23T10:00:00.500000+02:00`. */
export function isoformat(text: string): string {
  const m = /^(\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(?:\s*(Z|[+-]\d{2}(?::?\d{2})?))?$/.exec(text);
  if (!m) return text;
  const frac = m[3] ? `.${m[3].slice(0, 6).padEnd(6, '0')}` : '';
  const zone = !m[4] ? '' : m[4] === 'Z' ? '+00:00' : `${m[4].slice(0, 3)}:${m[4].slice(3).replace(':', '').padEnd(2, '0')}`;
  return `${m[1]}T${m[2]}${frac}${zone}`;
}
