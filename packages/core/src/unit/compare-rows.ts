/** The outcome of comparing a unit test's actual rows with its expected rows. */
export interface RowDiff {
  equal: boolean;
  /** Expected rows the model did not return (as many times as they are missing). */
  missing: string[][];
  /** Rows the model returned that were not expected. */
  extra: string[][];
  columns: string[];
}

/**
 * Compare as multisets (order does not matter, duplicates do), only on `columns`. Values are
 * compared in a canonical text form chosen by the actual value's kind, so that `1`, `"1"`
 * and 1n agree, and `2024-01-01` equals a timestamp at midnight.
 */
export function compareRows(actual: readonly Record<string, unknown>[], expected: readonly Record<string, unknown>[], columns: readonly string[]): RowDiff {
  const kinds = columns.map((c) => kindOf(actual.map((r) => pick(r, c))));
  const key = (r: Record<string, unknown>) => columns.map((c, i) => canon(pick(r, c), kinds[i]!));
  const counts = new Map<string, { row: string[]; n: number }>();
  for (const r of expected) {
    const k = key(r);
    const s = JSON.stringify(k);
    const e = counts.get(s);
    if (e) e.n++;
    else counts.set(s, { row: k, n: 1 });
  }
  const extra: string[][] = [];
  for (const r of actual) {
    const k = key(r);
    const e = counts.get(JSON.stringify(k));
    if (e && e.n > 0) e.n--;
    else extra.push(k);
  }
  const missing: string[][] = [];
  for (const e of counts.values()) for (let i = 0; i < e.n; i++) missing.push(e.row);
  return { equal: !missing.length && !extra.length, missing, extra, columns: [...columns] };
}

type Kind = 'date' | 'number' | 'bool' | 'text';

function kindOf(values: unknown[]): Kind {
  const v = values.find((x) => x !== null && x !== undefined);
  if (v instanceof Date) return 'date';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'text';
}

function pick(row: Record<string, unknown>, column: string): unknown {
  if (column in row) return row[column];
  const k = Object.keys(row).find((x) => x.toLowerCase() === column.toLowerCase());
  return k === undefined ? null : row[k];
}

function canon(v: unknown, kind: Kind): string {
  if (v === null || v === undefined) return 'null';
  if (kind === 'date') {
    const d = v instanceof Date ? v : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(String(v)) ? String(v) : `${String(v).replace(' ', 'T')}Z`);
    return Number.isNaN(d.getTime()) ? String(v) : d.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
  }
  if (kind === 'number') {
    const n = Number(v);
    return Number.isNaN(n) ? String(v) : String(n);
  }
  if (kind === 'bool') return String(v === true || v === 'true' || v === 1 || v === '1' || v === 'TRUE' || v === 'True');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
  return String(v);
}

/** A diff a person can read: expected rows missing with `-`, unexpected rows with `+`. */
export function formatDiff(d: RowDiff): string {
  const widths = d.columns.map((c, i) => Math.max(c.length, ...[...d.missing, ...d.extra].map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  const out = [`  ${line(d.columns)}`];
  for (const r of d.missing) out.push(`- ${line(r)}`);
  for (const r of d.extra) out.push(`+ ${line(r)}`);
  return out.join('\n');
}
