import { readFileSync } from 'node:fs';
import type { ColumnDef } from '../adapter.ts';
import { diag, SmProjectError } from '../diagnostics.ts';

export interface ParsedSeed {
  columns: ColumnDef[];
  rows: (string | null)[][];
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF; an empty unquoted field is null. */
export function parseCsv(text: string, file: string): { header: string[]; rows: (string | null)[][] } {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  let line = 1;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endField = () => {
    row.push(field === '' && !wasQuoted ? null : field);
    field = '';
    wasQuoted = false;
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endField();
      if (!(row.length === 1 && row[0] === null)) rows.push(row);
      row = [];
      line++;
    } else field += ch;
    i++;
  }
  if (quoted) throw new SmProjectError([diag('SM_SEED_INVALID', 'Unterminated quoted field', { file, line }, { hint: 'Close the quote or double the quote character inside the field ("").' })]);
  if (field !== '' || wasQuoted || row.length) {
    endField();
    rows.push(row);
  }
  const header = (rows.shift() ?? []).map((h) => (h ?? '').trim());
  if (!header.length) throw new SmProjectError([diag('SM_SEED_INVALID', 'The seed is empty; it needs a header row', { file, line: 1 })]);
  rows.forEach((r, idx) => {
    if (r.length !== header.length) {
      throw new SmProjectError([
        diag('SM_SEED_INVALID', `Row has ${r.length} fields but the header has ${header.length}`, { file, line: idx + 2 }, { hint: 'Quote fields that contain commas.' }),
      ]);
    }
  });
  return { header, rows };
}

/** Parse a seed and settle its column types: declared `column_types` win, the rest are inferred. */
export function readSeed(path: string, file: string, columnTypes: Record<string, string> | undefined): ParsedSeed {
  const { header, rows } = parseCsv(readFileSync(path, 'utf8'), file);
  const columns = header.map((name, i) => {
    const declared = columnTypes?.[name];
    return { name, type: declared ?? inferType(rows, i) };
  });
  return { columns, rows };
}

function inferType(rows: (string | null)[][], i: number): string {
  let type: 'bigint' | 'double' | 'boolean' | 'date' | 'timestamp' | 'varchar' | undefined;
  for (const r of rows) {
    const v = r[i];
    if (v === null) continue;
    const t = /^-?\d{1,18}$/.test(v)
      ? 'bigint'
      : /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)
        ? 'double'
        : /^(true|false)$/i.test(v)
          ? 'boolean'
          : /^\d{4}-\d{2}-\d{2}$/.test(v)
            ? 'date'
            : /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v)
              ? 'timestamp'
              : 'varchar';
    if (type === undefined) type = t;
    else if (type !== t) type = (type === 'bigint' && t === 'double') || (type === 'double' && t === 'bigint') ? 'double' : type === 'date' && t === 'timestamp' ? 'timestamp' : 'varchar';
    if (type === 'varchar') break;
  }
  return type ?? 'varchar';
}
