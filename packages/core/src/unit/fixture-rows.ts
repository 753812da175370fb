import type { ColumnDef } from '../adapter.ts';

/** Rows of a unit test's `given` or `expect`, parsed from dict, csv or sql form. */
export type FixtureRows = { kind: 'rows'; rows: Record<string, unknown>[] } | { kind: 'sql'; sql: string };

/**
 * Parse `rows:` in the declared format. dict (default): a list of mappings; csv: text with a
 * header line (values stay strings, typed later by the real column type); sql: a query used as is.
 */
export function parseFixture(rows: Record<string, unknown>[] | string, format: string | undefined, what: string): FixtureRows {
  const f = (format ?? 'dict').toLowerCase();
  if (f === 'sql') {
    if (typeof rows !== 'string') throw new Error(`${what}: format sql needs \`rows:\` to be a SQL query (a YAML block string)`);
    return { kind: 'sql', sql: rows.trim().replace(/;\s*$/, '') };
  }
  if (f === 'csv') {
    if (typeof rows !== 'string') throw new Error(`${what}: format csv needs \`rows:\` to be CSV text with a header line`);
    return { kind: 'rows', rows: parseCsv(rows) };
  }
  if (f !== 'dict') throw new Error(`${what}: unknown format "${format}"; use dict, csv or sql`);
  if (typeof rows === 'string') throw new Error(`${what}: format dict needs \`rows:\` to be a list of mappings ({id: 1, name: a}); for text, set format: csv or sql`);
  rows.forEach((r, i) => {
    if (!r || typeof r !== 'object' || Array.isArray(r)) throw new Error(`${what}: row ${i + 1} is not a mapping of column to value`);
  });
  return { kind: 'rows', rows };
}

/** Small RFC 4180 reader: quoted fields, doubled quotes, commas and newlines inside quotes. Empty field: null. */
export function parseCsv(text: string): Record<string, unknown>[] {
  const records: string[][] = [];
  let field = '';
  let rec: string[] = [];
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    rec.push(field === '' && !wasQuoted ? '\u0000null' : field);
    field = '';
    wasQuoted = false;
  };
  const t = text.replace(/\r\n/g, '\n').trim();
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    if (quoted) {
      if (ch === '"' && t[i + 1] === '"') (field += '"', i++);
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') (quoted = true, wasQuoted = true);
    else if (ch === ',') endField();
    else if (ch === '\n') (endField(), records.push(rec), (rec = []));
    else field += ch;
  }
  endField();
  records.push(rec);
  const [header, ...body] = records;
  const names = header!.map((h) => h.trim());
  return body
    .filter((r) => !(r.length === 1 && r[0] === '\u0000null'))
    .map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] === undefined || r[i] === '\u0000null' ? null : r[i]!.trim()])));
}

const ISO_TS = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/;
const ISO_DATE = /^\d{4}-\d\d-\d\d$/;

/** The type a literal gets when the input's real columns are unknown. */
export function inferType(values: unknown[]): string | undefined {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (!present.length) return undefined;
  if (present.every((v) => typeof v === 'boolean')) return 'boolean';
  if (present.every((v) => typeof v === 'number' && Number.isInteger(v))) return 'bigint';
  if (present.every((v) => typeof v === 'number')) return 'double';
  if (present.every((v) => typeof v === 'string' && ISO_DATE.test(v))) return 'date';
  if (present.every((v) => typeof v === 'string' && (ISO_TS.test(v) || ISO_DATE.test(v)))) return 'timestamp';
  return 'varchar';
}

/** Column lookup that ignores case, since warehouses fold identifiers and YAML keeps the user's case. */
export function valueOf(row: Record<string, unknown>, column: string): unknown {
  if (column in row) return row[column];
  const k = Object.keys(row).find((x) => x.toLowerCase() === column.toLowerCase());
  return k === undefined ? null : row[k];
}

/** Columns for an input: the real relation's columns (all of them) or else those the rows name, typed by inference. */
export function inputColumns(rows: readonly Record<string, unknown>[], real: readonly ColumnDef[] | undefined, declared: Record<string, string | undefined>): { name: string; type?: string | undefined }[] {
  if (real?.length) return real.map((c) => ({ name: c.name, type: c.type }));
  const names: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!names.some((n) => n.toLowerCase() === k.toLowerCase())) names.push(k);
  for (const k of Object.keys(declared)) if (!names.some((n) => n.toLowerCase() === k.toLowerCase())) names.push(k);
  return names.map((n) => ({ name: n, type: declared[n] ?? inferType(rows.map((r) => valueOf(r, n))) }));
}
