/** A plain-text table for `sm show`: columns padded to their widest value. */
export function renderTable(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? 'null' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) : String(v));
  const body = rows.map((r) => columns.map((c) => cell(r[c]).replace(/\s+/g, ' ').slice(0, 60)));
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((b) => b[i]!.length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line([...columns]), sep, ...body.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n');
}
