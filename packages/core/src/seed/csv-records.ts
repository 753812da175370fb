import { closeSync, openSync, readSync } from 'node:fs';
import { diag, SmProjectError } from '../diagnostics.ts';
import { firstInvalidUtf8 } from '../util/utf8.ts';

/** One CSV record: its fields (null for an empty field, quoted or not, as dbt-duckdb loads it) and the line it starts on. */
export interface CsvRecord {
  fields: (string | null)[];
  line: number;
}

const CHUNK = 1 << 20;

/**
 * The records of a CSV file, read in 1 MiB chunks (memory grows with the longest record, not
 * the file), in the dialect dbt-duckdb loads seeds with: `delimiter` between fields, `"` quotes
 * with `""` for a quote inside, or `\"` too, or quotes as text, as the file needs
 * ({@link quoteMode}), CR, LF or CRLF line ends, a UTF-8 byte order mark skipped, blank lines skipped.
 * Bytes that are not UTF-8 are an error naming the line, never replaced.
 */
export function* csvRecords(path: string, file: string, delimiter = ',', quote = '"', mode: QuoteMode = 'standard'): Generator<CsvRecord> {
  const delim = delimiter.charCodeAt(0);
  const q = mode === 'none' ? -1 : quote.charCodeAt(0);
  const fd = openSync(path, 'r');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const bytes = Buffer.allocUnsafe(CHUNK);
  let text = '';
  let line = 1;
  let first = true;
  try {
    for (;;) {
      const n = readSync(fd, bytes, 0, CHUNK, null);
      const final = n === 0;
      let decoded: string;
      try {
        decoded = final ? decoder.decode() : decoder.decode(bytes.subarray(0, n), { stream: true });
      } catch {
        throw notUtf8(file, line + countLines(text), final ? undefined : bytes.subarray(0, n));
      }
      if (first && decoded.charCodeAt(0) === 0xfeff) decoded = decoded.slice(1);
      first = false;
      text += decoded;
      const at = { consumed: 0 };
      // Records are handed out as they are parsed: holding a whole chunk's rows made them live long enough to fill the old generation.
      yield* parse(text, final, delim, q, mode === 'backslash', line, at, file);
      const consumed = at.consumed;
      line += countLines(text.slice(0, consumed));
      text = text.slice(consumed);
      if (final) return;
    }
  } finally {
    closeSync(fd);
  }
}

/** The records of CSV text already in memory (a small file, a test), in the same dialect. */
export function csvRecordsOfText(text: string, file: string, delimiter = ','): CsvRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const delim = delimiter.charCodeAt(0);
  const mode = quoteMode(body, delim, 34);
  return [...parse(body, true, delim, mode === 'none' ? -1 : 34, mode === 'backslash', 1, { consumed: 0 }, file)];
}

/**
 * How a seed's quotes read: the standard way (a doubled quote inside a quoted field), with a
 * backslash before a quote as its escape, or not at all (every quote is text).
 */
export type QuoteMode = 'standard' | 'backslash' | 'none';

/** How a seed's fields read, as DuckDB's CSV sniffer (which dbt-duckdb's COPY relies on) decides for each file. */
export interface CsvDialect {
  quote: string;
  mode: QuoteMode;
}

/**
 * The dialect of a seed from its first MiB, as DuckDB's sniffer picks it: the quote is `'` when
 * fields are wrapped in single quotes and none starts with `"`, else `"`; see {@link quoteMode}.
 */
export function sniffDialect(path: string, delimiter = ','): CsvDialect {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.allocUnsafe(CHUNK);
    const n = readSync(fd, b, 0, CHUNK, 0);
    const text = b.toString('utf8', 0, n);
    let double = 0;
    let single = 0;
    for (const line of text.split(/\r?\n|\r/)) {
      for (const f of line.split(delimiter)) {
        if (f.startsWith('"')) double++;
        else if (f.length >= 2 && f.startsWith("'") && f.endsWith("'")) single++;
      }
    }
    const quote = double === 0 && single > 0 ? "'" : '"';
    return { quote, mode: quoteMode(text, delimiter.charCodeAt(0), quote.charCodeAt(0)) };
  } finally {
    closeSync(fd);
  }
}

/**
 * The first way of reading quotes under which every quoted field of `text` closes before a
 * delimiter or a line end, as DuckDB's sniffer tries them (recorded from dbt-duckdb 1.11's
 * COPY): `"x ""y"""` and `"C:\dir\"` read the standard way; `"a \"b\" c"` needs the backslash;
 * a file with both, or with text after a closing quote (`"abc"def`), reads its quotes as text.
 * A field still open where the sample ends, or never closed, says nothing (the reader reports it).
 */
export function quoteMode(text: string, delim: number, q: number): QuoteMode {
  if (quotesClose(text, delim, q, false)) return 'standard';
  if (quotesClose(text, delim, q, true)) return 'backslash';
  return 'none';
}

function quotesClose(text: string, delim: number, q: number, backslash: boolean): boolean {
  const len = text.length;
  let fieldStart = true;
  for (let i = 0; i < len; ) {
    const c = text.charCodeAt(i);
    if (!(fieldStart && c === q)) {
      fieldStart = c === delim || c === 10 || c === 13;
      i++;
      continue;
    }
    let j = i + 1;
    for (;;) {
      if (j >= len) return true;
      const d = text.charCodeAt(j);
      if (backslash && d === 92 && text.charCodeAt(j + 1) === q) {
        j += 2;
        continue;
      }
      if (d !== q) {
        j++;
        continue;
      }
      if (!backslash && text.charCodeAt(j + 1) === q) {
        j += 2;
        continue;
      }
      const after = text.charCodeAt(j + 1);
      if (j + 1 >= len || after === delim || after === 10 || after === 13) break;
      return false;
    }
    i = j + 1;
    fieldStart = false;
  }
  return true;
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  // A lone CR ends a line too.
  for (let i = s.indexOf('\r'); i >= 0; i = s.indexOf('\r', i + 1)) if (s.charCodeAt(i + 1) !== 10) n++;
  return n;
}

/** The error for bytes that are not UTF-8, with the line they are on (counted within the chunk). */
function notUtf8(file: string, line: number, chunk: Buffer | undefined): SmProjectError {
  let at = line;
  if (chunk) {
    const bad = firstInvalidUtf8(chunk);
    if (bad >= 0) {
      at = line;
      // Lines were counted up to the end of the text decoded so far; the chunk may begin mid-line.
      for (let i = 0; i < bad; i++) if (chunk[i] === 10) at++;
    }
  }
  return new SmProjectError([
    diag('SM_SEED_INVALID', `The seed is not valid UTF-8: line ${at} holds a byte that UTF-8 does not allow`, { file, line: at }, {
      hint: 'Save the file as UTF-8 (for example: iconv -f latin1 -t utf-8), as dbt requires; sm does not guess encodings or replace bytes.',
    }),
  ]);
}

/**
 * The complete records at the start of `s`; `at.consumed` is set to how many characters they
 * took. Unless `final`, a record running to the end of `s` is left for the next call (its
 * line end may still come).
 */
function* parse(s: string, final: boolean, delim: number, q: number, backslashEscapes: boolean, line0: number, at: { consumed: number }, file: string): Generator<CsvRecord> {
  let i = 0;
  let line = line0;
  const quoteChar = String.fromCharCode(q);
  const len = s.length;
  while (i < len) {
    const start = i;
    const startLine = line;
    const fields: (string | null)[] = [];
    let ended = false;
    // One record: fields until a line end.
    for (;;) {
      if (i >= len) {
        if (!final) return void (at.consumed = start);
        fields.push(null);
        ended = true;
        break;
      }
      if (s.charCodeAt(i) === q) {
        // Quoted field.
        let j = i + 1;
        let value = '';
        let from = j;
        let closed = false;
        while (j < len) {
          const c = s.charCodeAt(j);
          if (c === q) {
            if (s.charCodeAt(j + 1) === q) {
              value += s.slice(from, j) + quoteChar;
              j += 2;
              from = j;
              continue;
            }
            if (j + 1 >= len && !final) break;
            closed = true;
            value += s.slice(from, j);
            j++;
            break;
          }
          if (backslashEscapes && c === 92 && s.charCodeAt(j + 1) === q) {
            // A backslash-escaped quote, unless that quote ends the field ("C:\" is a path).
            const after = s.charCodeAt(j + 2);
            if (j + 2 >= len && !final) break;
            if (!(after === delim || after === 10 || after === 13 || j + 2 >= len)) {
              value += s.slice(from, j) + quoteChar;
              j += 2;
              from = j;
              continue;
            }
          }
          if (c === 10 || (c === 13 && s.charCodeAt(j + 1) !== 10)) line++;
          j++;
        }
        if (!closed) {
          if (!final) return void (at.consumed = start);
          throw new SmProjectError([
            diag('SM_SEED_INVALID', 'A quoted field is never closed', { file, line: startLine }, { hint: 'Close the quote, or double a quote inside a quoted field ("").' }),
          ]);
        }
        // Text after the closing quote belongs to the field (dbt's reader keeps it).
        let k = j;
        while (k < len) {
          const c = s.charCodeAt(k);
          if (c === delim || c === 10 || c === 13) break;
          k++;
        }
        if (k >= len && !final) return void (at.consumed = start);
        value += s.slice(j, k);
        fields.push(value === '' ? null : value);
        i = k;
      } else {
        let k = i;
        while (k < len) {
          const c = s.charCodeAt(k);
          if (c === delim || c === 10 || c === 13) break;
          k++;
        }
        if (k >= len && !final) return void (at.consumed = start);
        fields.push(k === i ? null : s.slice(i, k));
        i = k;
      }
      if (i >= len) {
        ended = true;
        break;
      }
      const c = s.charCodeAt(i);
      if (c === delim) {
        i++;
        continue;
      }
      // A line end: CRLF, LF or CR.
      if (c === 13 && i + 1 >= len && !final) return void (at.consumed = start);
      i += c === 13 && s.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
      ended = true;
      break;
    }
    if (!ended) return void (at.consumed = start);
    // A blank line is no record.
    if (fields.length === 1 && fields[0] === null && s.charCodeAt(start) !== q) continue;
    at.consumed = i;
    yield { fields, line: startLine };
  }
  at.consumed = i;
}
