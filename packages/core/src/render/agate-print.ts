import { PyDecimal } from '../jinja/py-decimal.ts';
import { PyDate } from '../jinja/py-datetime.ts';
import { isDict, Kwargs, PyFloat, pyStr } from '../jinja/py-values.ts';

/**
 * agate's `print_table()` and `print_csv()` as dbt 1.11 runs them on a `run_query()` table: the
 * text they write to standard output (dbt_project_evaluator's on-run-end hook prints its findings
 * this way). Column kinds follow dbt's type tester: a column holding text is Text (left-justified),
 * one holding floats or decimals is agate's Number (formatted with grouping and a common number of
 * decimals), integers, booleans, dates, times and all-null columns are printed as str() does,
 * right-justified.
 */

/** What the printers read of a table: its names and, per column, its values and agate type name. */
export interface PrintableTable {
  readonly column_names: readonly string[];
  readonly columns: readonly { readonly data_type: { readonly name: string; readonly fractional: boolean }; [Symbol.iterator](): Iterator<unknown> }[];
  readonly rows: readonly (readonly unknown[])[];
}

type Kind = 'text' | 'number' | 'other';

function kindOf(col: PrintableTable['columns'][number]): Kind {
  const values = [...col];
  if (values.every((v) => v === null || v === undefined)) return 'other';
  if (col.data_type.name === 'Text') return 'text';
  if (col.data_type.name === 'Number' && (col.data_type.fractional || values.some((v) => v instanceof PyFloat || v instanceof PyDecimal || (typeof v === 'number' && !Number.isInteger(v))))) return 'number';
  return 'other';
}

/** A float or decimal as Python's Decimal holds it (agate casts a float through its repr); none for NaN and infinities. */
function asDecimal(v: unknown): PyDecimal | undefined {
  if (v instanceof PyDecimal) return v;
  const n = v instanceof PyFloat ? v.v : typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN;
  if (!Number.isFinite(n)) return undefined;
  return PyDecimal.parse(pyStr(v instanceof PyFloat ? v : new PyFloat(n)));
}

/** Decimal places of a value once trailing zeros are dropped (Decimal.normalize()). */
function places(d: PyDecimal): number {
  if (d.coef === 0n) return 0;
  let coef = d.coef;
  let exp = d.exp;
  while (coef % 10n === 0n) {
    coef /= 10n;
    exp += 1;
  }
  return Math.max(0, -exp);
}

/** babel's format_decimal with the pattern agate makes: grouped thousands, exactly `p` decimals rounded half-even, `…` where cut. */
function formatNumber(v: unknown, p: number, cut: boolean): string {
  const d = asDecimal(v);
  if (!d) {
    const n = Number(v instanceof PyFloat ? v.v : v);
    return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  }
  let coef = d.coef;
  const drop = -d.exp - p;
  if (drop > 0) {
    const unit = 10n ** BigInt(drop);
    const q = coef / unit;
    const r = coef % unit;
    const twice = r * 2n;
    coef = twice > unit || (twice === unit && q % 2n === 1n) ? q + 1n : q;
  } else if (drop < 0) coef *= 10n ** BigInt(-drop);
  const digits = coef.toString().padStart(p + 1, '0');
  const whole = digits.slice(0, digits.length - p).replace(/\B(?=(\d{3})+$)/g, ',');
  const frac = p > 0 ? `.${digits.slice(digits.length - p)}` : '';
  return `${d.negative ? '-' : ''}${whole}${frac}${cut ? '…' : ''}`;
}

const chars = (s: string): number => [...s].length;
const cutTo = (s: string, width: number | null): string => (width !== null && chars(s) > width ? [...s].slice(0, Math.max(0, width - 3)).join('') + '...' : s);

/** print_table's arguments, positional or by name, with agate's defaults; none lifts a limit. */
function options(a: unknown[]): { maxRows: number | null; maxColumns: number | null; maxWidth: number | null; maxPrecision: number | null } {
  const kw = (a.find((x) => x instanceof Kwargs || isDict(x)) ?? {}) as Record<string, unknown>;
  const pos = a.filter((x) => !(x instanceof Kwargs));
  const pick = (name: string, i: number, dflt: number): number | null => {
    const v = Object.hasOwn(kw, name) ? kw[name] : i < pos.length ? pos[i] : dflt;
    return v === null || v === undefined ? null : Number(v);
  };
  return { maxRows: pick('max_rows', 0, 20), maxColumns: pick('max_columns', 1, 6), maxWidth: pick('max_column_width', 3, 20), maxPrecision: pick('max_precision', 5, 3) };
}

/** The text agate's print_table writes, without its last newline. */
export function printTableText(t: PrintableTable, a: unknown[]): string {
  const o = options(a);
  const maxRows = o.maxRows ?? t.rows.length;
  const maxColumns = o.maxColumns ?? t.column_names.length;
  const shown = t.column_names.slice(0, maxColumns).map((n) => cutTo(n, o.maxWidth));
  if (maxColumns < t.column_names.length) shown.push('...');
  const widths = shown.map(chars);
  const kinds = t.columns.map(kindOf);
  const formats = t.columns.slice(0, maxColumns).map((c, i) => {
    if (kinds[i] !== 'number') return undefined;
    const p = Math.max(0, ...[...c].slice(0, maxRows).flatMap((v) => (v === null ? [] : [asDecimal(v)])).map((d) => (d ? places(d) : 0)));
    return o.maxPrecision !== null && p > o.maxPrecision ? { p: o.maxPrecision, cut: true } : { p, cut: false };
  });
  const data = t.rows.slice(0, maxRows).map((row) => {
    const out: string[] = [];
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      const f = formats[j];
      let s = j >= maxColumns ? '...' : v === null || v === undefined ? '' : f ? formatNumber(v, f.p, f.cut) : pyStr(v);
      s = cutTo(s, o.maxWidth);
      widths[j] = Math.max(widths[j] ?? 0, chars(s));
      out.push(s);
      if (j >= maxColumns) break;
    }
    return out;
  });
  const line = (cells: string[]): string => `|${cells.map((s, j) => ` ${kinds[j] === 'text' ? s + ' '.repeat(widths[j]! - chars(s)) : ' '.repeat(widths[j]! - chars(s)) + s} `).join('|')}|`;
  const lines = [line(shown), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...data.map(line)];
  if (maxRows < t.rows.length) lines.push(line(shown.map(() => '...')));
  return lines.join('\n');
}

/** One CSV field as Python's csv module writes it (minimal quoting), from agate's csvify of the value. */
function csvField(v: unknown, kind: Kind): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof PyDate ? v.isoformat() : kind === 'number' ? (asDecimal(v)?.toString() ?? pyStr(v)) : pyStr(v);
  const text = s.replace(/\r/g, '\n');
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The text agate's print_csv writes: a header and one line per row, each ending in a newline. */
export function printCsvText(t: PrintableTable): string {
  const kinds = t.columns.map(kindOf);
  const lines = [t.column_names.map((n) => csvField(n, 'text')), ...t.rows.map((r) => r.map((v, j) => csvField(v, kinds[j]!)))];
  // Python's csv quotes a row's only field when it is empty, so that the line is not blank.
  return lines.map((l) => `${l.length === 1 && l[0] === '' ? '""' : l.join(',')}\n`).join('');
}
