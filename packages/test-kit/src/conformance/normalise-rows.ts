/** Values as the suite compares them on every adapter: integers as numbers, dates as ISO text. */
export function normaliseRows(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k.toLowerCase(), typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v]),
    ),
  );
}
