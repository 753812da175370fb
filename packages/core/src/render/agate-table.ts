import type { Dialect } from '../adapter.ts';
import { PyDecimal } from '../jinja/py-decimal.ts';
import { PyDate, PyDateTime } from '../jinja/py-datetime.ts';
import { isDict, Kwargs, mkFloat, PyFloat, pyStr, PyTuple } from '../jinja/py-values.ts';
import { printCsvText, printTableText } from './agate-print.ts';

/**
 * What `run_query()` and `load_result(...).table` give templates: dbt's agate.Table, as far as
 * packages read it: `table.columns[0].values()`, `table.columns['name']`, `table.rows`,
 * `row[0]`, `row['name']`, `table.column_names`, iteration over rows, `| length`.
 */

/** How a warehouse's values become agate's: the dialect's {@link Dialect.agateValue}, given each column's type. */
export type AgateShaper = (v: unknown, type: string) => unknown;

/**
 * A warehouse value as a template value: big integers as numbers when exact, timestamps as
 * datetimes; first as the dialect shapes a value of its column's type (`shape`), where the
 * warehouse reported the type. Shaping a shaped value again changes nothing.
 */
export function templateValue(v: unknown, type?: string, shape?: AgateShaper): unknown {
  if (shape && type !== undefined) v = shape(v, type);
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Date) return new PyDateTime(v.getTime(), 0, null);
  if (v === undefined) return null;
  return v;
}


/** A sequence also addressable by name (`columns['id']`), as agate's MappedSequence. */
class MappedSequence<T> extends Array<T> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  keys_: unknown[] = [];
  __getitem__(k: unknown): T | undefined {
    if (typeof k === 'string' || k === null) {
      const i = this.keys_.indexOf(k);
      return i < 0 ? undefined : this[i];
    }
    const i = Number(k);
    return this[i < 0 ? this.length + i : i];
  }
  /** agate's methods, as templates call them (JavaScript's own keys/values stay Array's). */
  __pyattr__(name: string): unknown {
    switch (name) {
      case 'keys':
        return () => PyTuple.fromArray(this.keys_);
      case 'values':
        return () => PyTuple.fromArray([...this]);
      case 'items':
        return () => this.keys_.map((k, i) => PyTuple.fromArray([k, this[i]]));
      case 'get':
        return (k: unknown, dflt: unknown = null) => this.__getitem__(k) ?? dflt;
      case 'dict':
        return () => Object.fromEntries(this.keys_.map((k, i) => [pyStr(k), this[i]]));
    }
    return undefined;
  }
}

export class AgateRow extends MappedSequence<unknown> {
  override toString(): string {
    return `<agate.Row: (${this.map((v) => pyStr(v)).join(', ')})>`;
  }
}

/**
 * An agate data type as templates reach it (`column.data_type`): named by its kind (how sm
 * prints it), and `jsonify(value)`, which dbt-profiler calls to put values into YAML: as dbt
 * 1.11 gives them, numbers and booleans as they are, dates and times in ISO form, none as none.
 */
export class AgateDataType {
  readonly name: string;
  /** A number column of decimals or floats (dbt's agate Number, not its Integer): jsonify gives floats. */
  readonly #float: boolean;
  constructor(name: string, float = false) {
    this.name = name;
    this.#float = float;
  }
  /** A Number column of decimals or floats (agate's Number, where dbt's Integer is not). */
  get fractional(): boolean {
    return this.#float;
  }
  jsonify(v: unknown): unknown {
    if (v === null || v === undefined) return null;
    if (this.#float && (typeof v === 'number' || v instanceof PyDecimal)) return mkFloat(Number(v));
    return v instanceof PyDate ? v.isoformat() : v;
  }
  toString(): string {
    return this.name;
  }
}

const DATA_TYPES = new Map(['Number', 'Boolean', 'Date', 'DateTime', 'Text'].map((k) => [k, new AgateDataType(k)]));
const FLOAT_NUMBER = new AgateDataType('Number', true);
/** Warehouse types whose values agate reads as decimals (dbt's Number, not Integer). */
const FRACTIONAL = /^(?:DECIMAL|NUMERIC|DOUBLE|FLOAT|REAL)/;

export class AgateColumn {
  readonly name: string;
  readonly #values: unknown[];
  readonly data_type: AgateDataType;
  constructor(name: string, values: unknown[], type?: string) {
    this.name = name;
    this.#values = values;
    const kinds = new Set(values.filter((v) => v !== null).map((v) => (typeof v === 'number' || v instanceof PyFloat || v instanceof PyDecimal ? 'Number' : typeof v === 'boolean' ? 'Boolean' : v instanceof PyDateTime ? 'DateTime' : v instanceof PyDate ? 'Date' : 'Text')));
    const kind = kinds.size === 1 ? [...kinds][0]! : 'Text';
    this.data_type = kind === 'Number' && type !== undefined && FRACTIONAL.test(type) ? FLOAT_NUMBER : DATA_TYPES.get(kind)!;
  }
  values(): PyTuple {
    return PyTuple.fromArray(this.#values);
  }
  values_without_nulls(): PyTuple {
    return PyTuple.fromArray(this.#values.filter((v) => v !== null));
  }
  values_distinct(): PyTuple {
    // Decimals by value (2.00 and 2.0 are one, as in Python's set), everything else as itself.
    const seen = new Map<unknown, unknown>();
    for (const v of this.#values) {
      const k = v instanceof PyDecimal ? `decimal:${v.valueOf()}` : v;
      if (!seen.has(k)) seen.set(k, v);
    }
    return PyTuple.fromArray([...seen.values()]);
  }
  values_sorted(): PyTuple {
    return PyTuple.fromArray([...this.#values].sort());
  }
  __len__(): number {
    return this.#values.length;
  }
  /** agate's Column is a sequence of its values: `x in col`, `for v in col`, `col[0]`, `col | list`. */
  __getitem__(k: unknown): unknown {
    const i = Number(k);
    return this.#values[i < 0 ? this.#values.length + i : i];
  }
  [Symbol.iterator](): Iterator<unknown> {
    return this.#values[Symbol.iterator]();
  }
  toString(): string {
    return `<agate.Column ${this.name}>`;
  }
}

/** Receives what a table prints, as one `print()` of the text. */
export type TablePrinter = (text: string) => void;

export class AgateTable {
  readonly column_names: PyTuple<string>;
  readonly rows: MappedSequence<AgateRow>;
  readonly columns: MappedSequence<AgateColumn>;
  /** The warehouse's column types and the dialect's shaping, kept for the tables rename() and group_by() make. */
  readonly #types: readonly string[] | undefined;
  readonly #shape: AgateShaper | undefined;
  /** Where print_table() and print_csv() write: what the render shows as `print()` output; nowhere when unset. */
  readonly #out: TablePrinter | undefined;
  constructor(names: readonly string[], rows: readonly unknown[][], types?: readonly string[], shape?: AgateShaper, out?: TablePrinter) {
    this.#types = types;
    this.#shape = shape;
    this.#out = out;
    this.column_names = PyTuple.fromArray([...names]);
    this.rows = new MappedSequence<AgateRow>();
    for (const r of rows) {
      const row = new AgateRow();
      row.keys_ = [...names];
      r.forEach((v, i) => row.push(templateValue(v, types?.[i], shape)));
      this.rows.push(row);
    }
    this.columns = new MappedSequence<AgateColumn>();
    this.columns.keys_ = [...names];
    names.forEach((n, i) => this.columns.push(new AgateColumn(n, this.rows.map((r) => r[i]), types?.[i])));
  }
  get column_types(): PyTuple<AgateDataType> {
    return PyTuple.fromArray(this.columns.map((c) => c.data_type));
  }
  __getitem__(k: unknown): unknown {
    return this.rows.__getitem__(k);
  }
  __len__(): number {
    return this.rows.length;
  }
  [Symbol.iterator](): Iterator<AgateRow> {
    return this.rows[Symbol.iterator]();
  }
  /** agate's print_table(max_rows=20, max_columns=6, output, max_column_width=20, locale, max_precision=3): writes the table, returns none. */
  print_table(...a: unknown[]): null {
    this.#out?.(printTableText(this, a));
    return null;
  }
  /** agate's print_csv(): writes the table as CSV, returns none. */
  print_csv(): null {
    const text = printCsvText(this);
    this.#out?.(text.slice(0, -1));
    return null;
  }
  /**
   * agate's `rename(column_names)`: a new table, the columns named by a dict of old name to new
   * (names not in it kept) or by a list of every new name in order; this one is unchanged.
   */
  rename(...a: unknown[]): AgateTable {
    const kw = a.find((x) => x instanceof Kwargs) as Record<string, unknown> | undefined;
    const spec = a[0] instanceof Kwargs ? kw?.column_names : (a[0] ?? kw?.column_names);
    const names = [...this.column_names];
    let next = names;
    if (Array.isArray(spec)) {
      if (spec.length !== names.length) throw new Error(`ValueError: column_names must have ${names.length} names, not ${spec.length}`);
      next = spec.map(String);
    } else if (isDict(spec)) {
      const m = spec as Record<string, unknown>;
      next = names.map((n) => (Object.hasOwn(m, n) ? String(m[n]) : n));
    } else if (spec !== undefined && spec !== null) {
      throw new TypeError(`rename() takes a dict or a list of column names, not ${typeof spec}`);
    }
    return new AgateTable(next, this.rows.map((r) => [...r]), this.#types, this.#shape, this.#out);
  }
  /**
   * agate's `group_by(key, key_name=None)`: a TableSet, one table per value of the column `key`
   * (or of `key(row)`), in the order each value first appears, with every column; `items()`,
   * `keys()`, `ts[value]`, iteration over the tables (elementary's artifact upload reads it).
   */
  group_by(...a: unknown[]): AgateTableSet {
    const kw = (a.find((x) => x instanceof Kwargs) as Record<string, unknown> | undefined) ?? {};
    const pos = a.filter((x) => !(x instanceof Kwargs));
    const key = pos[0] ?? kw.key;
    const keyName = pos[1] ?? kw.key_name ?? (typeof key === 'string' ? key : 'group');
    let keyOf: (r: AgateRow) => unknown;
    if (typeof key === 'function') keyOf = (r) => (key as (r: AgateRow) => unknown)(r);
    else {
      const i = this.column_names.indexOf(String(key));
      if (i < 0) throw new Error(`KeyError: '${pyStr(key)}' is not a column of this table (${this.column_names.join(', ')})`);
      keyOf = (r) => r[i];
    }
    const groups = new Map<unknown, unknown[][]>();
    for (const r of this.rows) {
      const k = keyOf(r);
      (groups.get(k) ?? groups.set(k, []).get(k)!).push([...r]);
    }
    const set = new AgateTableSet(String(keyName));
    for (const [k, rows] of groups) {
      set.keys_.push(k);
      set.push(new AgateTable([...this.column_names], rows, this.#types, this.#shape, this.#out));
    }
    return set;
  }
  /** agate's rows as dicts, for `table.rows | map(...)` patterns written against dicts. */
  toString(): string {
    return `<agate.Table ${this.rows.length} rows x ${this.column_names.length} columns>`;
  }
}

/** agate's TableSet (what `group_by` gives): the tables by group value. */
export class AgateTableSet extends MappedSequence<AgateTable> {
  readonly key_name: string;
  constructor(keyName: string) {
    super();
    this.key_name = keyName;
  }
  override toString(): string {
    return `<agate.TableSet ${this.length} tables>`;
  }
}

/** dbt's AdapterResponse: what `load_result(name).response` and `adapter.execute()` report. */
export class AdapterResponse {
  readonly _message: string;
  readonly code: string;
  readonly rows_affected: number | null;
  constructor(rowsAffected: number | undefined) {
    this._message = 'OK';
    this.code = 'OK';
    this.rows_affected = rowsAffected ?? null;
  }
  toString(): string {
    return this._message;
  }
}
