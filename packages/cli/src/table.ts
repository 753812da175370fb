import type { Dialect } from '@smsql/core';

/**
 * `sm show`'s query with every column cast to text by the warehouse, so values print as the
 * warehouse writes them (timestamps `2026-11-23 10:00:00`, dates `2026-11-23`, decimals with
 * their scale, intervals, lists) rather than as epoch numbers or JavaScript dates. Column names
 * that repeat cannot be addressed one by one: then the values come as they are.
 */
export function showAsTextSql(dialect: Dialect, columns: readonly string[], sql: string, limit: number): string {
  const select = new Set(columns).size === columns.length && columns.length
    ? columns.map((c) => `cast(${dialect.quoteIdentifier(c)} as ${dialect.stringType}) as ${dialect.quoteIdentifier(c)}`).join(', ')
    : '*';
  return `select ${select} from (\n${sql}\n) sm_show limit ${limit}`;
}

/** A plain-text table for `sm show`: columns padded to their widest value. */
export function renderTable(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
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
