import type { ColumnDef } from '../adapter.ts';
import type { SeedNode } from '../types.ts';
import { diag, SmProjectError } from '../diagnostics.ts';
import { csvRecords, csvRecordsOfText, sniffDialect } from '../seed/csv-records.ts';
import { SeedColumnType } from '../seed/seed-column-type.ts';

/** How a seed file is read: its delimiter (`delimiter` config, default `,`) and declared `column_types`. */
export interface SeedReadOptions {
  delimiter?: string | undefined;
  columnTypes?: Record<string, string> | undefined;
}

/** What a seed's config says about reading its file: the loader and the checker read it alike. */
export function seedReadOptions(s: SeedNode): SeedReadOptions {
  return { columnTypes: (s.config.column_types ?? undefined) as Record<string, string> | undefined, delimiter: s.config.delimiter as string | undefined };
}

export interface ParsedSeed {
  columns: ColumnDef[];
  /**
   * The data rows, read again from the file each time they are iterated (memory stays small
   * however large the seed): each field is the text as written, or null for an empty field. The
   * warehouse casts the text to the column's type, as dbt-duckdb's COPY does.
   */
  rows: Iterable<(string | null)[]>;
  rowCount: number;
  /**
   * Columns without a declared type whose every field is empty: loaded as `integer` (agate's
   * choice, as dbt-duckdb's), though nothing in the file says what they hold.
   */
  untyped: ReadonlySet<string>;
  /** The line of the row the last iteration handed out: where a load that failed on a value stopped. */
  readonly lastLine: number;
}

/**
 * Read a seed as dbt-duckdb loads it: one pass checks the CSV (field counts, quotes, UTF-8) and
 * infers each column's type as dbt does (declared `column_types` win); the rows are streamed
 * from the file when they are loaded.
 */
export function readSeed(path: string, file: string, o: SeedReadOptions = {}): ParsedSeed {
  const delimiter = checkDelimiter(o.delimiter, file);
  const { quote, mode } = sniffDialect(path, delimiter);
  let header: string[] | undefined;
  let types: SeedColumnType[] = [];
  let rowCount = 0;
  for (const r of csvRecords(path, file, delimiter, quote, mode)) {
    if (!header) {
      // An empty name is agate's letter name of its position, as dbt-duckdb loads it (`id,,n` is id, b, n); one of only spaces is refused.
      // Other names keep their spaces: dbt-duckdb 1.11 loads `  id, name ` as columns "  id" and " name ".
      header = r.fields.map((h, i) => (h ? h : letterName(i)));
      const blank = header.findIndex((h) => h.trim() === '');
      if (blank >= 0) throw invalid(file, r.line, `Column ${blank + 1} of the header is only spaces`, 'Give every column a name in the first row.');
      header = uniqueNames(header, file, r.line);
      types = header.map(() => new SeedColumnType());
      continue;
    }
    if (r.fields.length !== header.length) {
      throw invalid(file, r.line, `Row has ${r.fields.length} fields but the header has ${header.length}`, delimiter === ',' ? 'Quote fields that contain commas.' : `Fields are separated by "${delimiter}" (the seed's delimiter config).`);
    }
    for (let i = 0; i < types.length; i++) types[i]!.add(r.fields[i]!);
    rowCount++;
  }
  if (!header) throw invalid(file, 1, 'The seed is empty; it needs a header row', 'Write the column names on the first line.');
  const names = header;
  const columns = names.map((name, i) => ({ name, type: o.columnTypes?.[name] ?? types[i]!.type }));
  const untyped = new Set(names.filter((name, i) => o.columnTypes?.[name] === undefined && !types[i]!.seen));
  let lastLine = 0;
  const rows: Iterable<(string | null)[]> = {
    *[Symbol.iterator]() {
      let first = true;
      for (const r of csvRecords(path, file, delimiter, quote, mode)) {
        if (first) {
          first = false;
          continue;
        }
        lastLine = r.line;
        yield r.fields;
      }
    },
  };
  return {
    columns,
    rows,
    rowCount,
    untyped,
    get lastLine() {
      return lastLine;
    },
  };
}

function checkDelimiter(d: string | undefined, file: string): string {
  if (d === undefined || d === null) return ',';
  const s = String(d);
  if (s.length !== 1 || s === '"' || s === '\n' || s === '\r') {
    throw new SmProjectError([
      diag('SM_CONFIG_INVALID', `The seed's delimiter must be one character other than a quote or a line end, not ${JSON.stringify(s)}`, { file }, { hint: "Set +delimiter: ';' (or '|', '\\t') in the project file or the seed's config." }),
    ]);
  }
  return s;
}

function invalid(file: string, line: number, message: string, hint: string): SmProjectError {
  return new SmProjectError([diag('SM_SEED_INVALID', message, { file, line }, { hint })]);
}

/** agate's letter_name: a, b, ... z, aa, bb, ... for column 0, 1, ... */
function letterName(i: number): string {
  return String.fromCharCode(97 + (i % 26)).repeat(Math.floor(i / 26) + 1);
}

/**
 * A header whose repeated names are numbered as dbt's CSV reader (agate) does: `id, id` loads as
 * `id, id_2`. Names equal but for case would still collide in the warehouse: an error naming both.
 */
function uniqueNames(header: string[], file: string, line: number): string[] {
  const out: string[] = [];
  for (const name of header) {
    let final = name;
    for (let n = 2; out.includes(final); n++) final = `${name}_${n}`;
    const clash = out.find((o) => o.toLowerCase() === final.toLowerCase());
    if (clash !== undefined) throw invalid(file, line, `Columns "${clash}" and "${final}" of the header differ only in case, and the warehouse would see one name twice`, 'Rename one of them.');
    out.push(final);
  }
  return out;
}

/** Parse CSV text held in memory (a small file): the header and every row. */
export function parseCsv(text: string, file: string): { header: string[]; rows: (string | null)[][] } {
  const all = csvRecordsOfText(text, file).map((r) => r.fields);
  const header = (all.shift() ?? []).map((h) => (h ?? '').trim());
  return { header, rows: all };
}
