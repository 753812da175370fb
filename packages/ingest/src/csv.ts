/** One RFC 4180 field: quoted when it holds a quote, comma or line break, quotes doubled. */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 text with a header row. Lines end in `\n` (not CRLF) so line-oriented tools see clean last columns. */
export function toCsv(header: readonly string[], rows: Iterable<readonly (string | number)[]>): string {
  let out = header.map(csvField).join(',') + '\n';
  for (const r of rows) out += r.map(csvField).join(',') + '\n';
  return out;
}
