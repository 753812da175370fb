/**
 * A seed column's type, inferred as dbt infers it (agate's type tester with dbt's types, then
 * dbt-duckdb's names for them), one value at a time so a seed of any size is typed in one pass:
 *
 * - values that are empty or `null` (any case, surrounding spaces ignored) say nothing;
 * - a column of nothing but those is `integer`;
 * - numbers as agate reads them (`%` and currency signs stripped, `,` group separators, `1e5`,
 *   `NaN`) are `integer` when no value has decimal places after trailing zeros go (`1.0` is
 *   whole), else `double`;
 * - `YYYY-MM-DD` is `date`; `YYYY-MM-DD HH:MM:SS` or an ISO 8601 date-time with `T` is
 *   `timestamp`; `true`/`false` in any case is `boolean`; anything else makes it `varchar`.
 *
 * One deliberate difference: whole numbers past 32 bits are `bigint` (past 64, `decimal(38,0)`),
 * where dbt-duckdb declares `integer` and then fails to load them.
 */
export class SeedColumnType {
  #seen = false;
  /** Every other type is ruled out: the rest of the values need no look. */
  #text = false;
  #number = true;
  #date = true;
  #datetime = true;
  #iso = true;
  #boolean = true;
  #places = 0;
  #width: 32 | 64 | 128 = 32;

  add(raw: string | null): void {
    if (raw === null || this.#text) return;
    const v = raw.trim();
    if (v === '' || (v.length === 4 && v.toLowerCase() === 'null')) return;
    this.#seen = true;
    if (this.#number) this.#addNumber(v);
    // Dates and times start with four digits and a dash (or eight digits for ISO's basic form).
    const datey = v.length >= 8 && isDigit(v.charCodeAt(0)) && isDigit(v.charCodeAt(3));
    if (this.#date) this.#date = datey && isDate(v);
    if (this.#datetime) this.#datetime = datey && isDateTime(v);
    if (this.#iso) this.#iso = datey && isIsoDateTime(v);
    if (this.#boolean) this.#boolean = (v.length === 4 || v.length === 5) && /^(true|false)$/i.test(v);
    if (!this.#number && !this.#date && !this.#datetime && !this.#iso && !this.#boolean) this.#text = true;
  }

  /** Whether any field held a value (an empty or `null` field is none). */
  get seen(): boolean {
    return this.#seen;
  }

  /** The SQL type, in names DuckDB and Snowflake both accept. */
  get type(): string {
    if (!this.#seen) return 'integer';
    if (this.#number) return this.#places > 0 ? 'double' : this.#width === 32 ? 'integer' : this.#width === 64 ? 'bigint' : 'decimal(38,0)';
    if (this.#date) return 'date';
    if (this.#datetime || this.#iso) return 'timestamp';
    if (this.#boolean) return 'boolean';
    return 'varchar';
  }

  #addNumber(v: string): void {
    // The common shapes first: a plain whole number, a plain decimal.
    const plain = PLAIN.exec(v);
    if (plain) {
      const frac = plain[2];
      if (frac !== undefined) {
        const places = frac.replace(/0+$/, '').length;
        if (places > this.#places) this.#places = places;
        if (places > 0) return;
      }
      const digits = plain[1]!.replace(/^0+/, '');
      if (digits.length > 9 && this.#width !== 128) {
        const abs = BigInt(digits);
        if (abs > 2147483647n && this.#width === 32) this.#width = 64;
        if (abs > 9223372036854775807n) this.#width = 128;
      }
      return;
    }
    const n = agateDecimal(v);
    if (!n) {
      this.#number = false;
      return;
    }
    if (n.special) return;
    this.#places = Math.max(this.#places, n.places);
    if (n.places === 0 && this.#width !== 128) {
      const abs = n.magnitude;
      if (abs > 2147483647n && this.#width === 32) this.#width = 64;
      if (abs > 9223372036854775807n) this.#width = 128;
    }
  }
}

const PLAIN = /^[+-]?(\d+)(?:\.(\d*))?$/;
const isDigit = (c: number) => c >= 48 && c <= 57;

const CURRENCY = ['؋', '$', 'ƒ', '៛', '¥', '₡', '₱', '£', '€', '¢', '﷼', '₪', '₩', '₭', '₮', '₦', '฿', '₤', '₫'];
const DECIMAL = /^[+-]?(?:(\d[\d_]*)(?:\.(\d*))?|\.(\d+))(?:e([+-]?\d+))?$/i;

/**
 * A value as agate's Number reads it: undefined when it is not a number; else its decimal
 * places after normalising (trailing zeros dropped) and, for whole numbers, its magnitude.
 */
function agateDecimal(v: string): { places: number; magnitude: bigint; special: boolean } | undefined {
  let t = v.replace(/^%+|%+$/g, '');
  if (t.startsWith('-')) t = t.slice(1);
  for (const c of CURRENCY) while (t.startsWith(c) || t.endsWith(c)) t = t.startsWith(c) ? t.slice(c.length) : t.slice(0, -c.length);
  t = t.replace(/,/g, '').trim();
  if (/^[+-]?(inf|infinity|s?nan)$/i.test(t)) return { places: 0, magnitude: 0n, special: true };
  const m = DECIMAL.exec(t);
  if (!m) return undefined;
  const whole = (m[1] ?? '').replace(/_/g, '');
  const frac = m[2] ?? m[3] ?? '';
  const exp = Number(m[4] ?? 0);
  let digits = (whole + frac).replace(/^0+/, '');
  let scale = frac.length - exp;
  if (!digits) return { places: 0, magnitude: 0n, special: false };
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  scale -= trailing;
  if (scale > 0) return { places: scale, magnitude: 0n, special: false };
  // Whole: its size decides between integer and bigint (a huge exponent is simply huge).
  if (digits.length - scale > 40) return { places: 0, magnitude: 10n ** 40n, special: false };
  return { places: 0, magnitude: BigInt(digits) * 10n ** BigInt(-scale), special: false };
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || d > DAYS[m - 1]!) return false;
  return !(m === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)));
}

/** Digits from `i` (at most `max`): the value and where they end; end === i when there is none. */
function digits(v: string, i: number, max: number): { n: number; end: number } {
  let n = 0;
  let j = i;
  while (j < v.length && j - i < max) {
    const c = v.charCodeAt(j);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    j++;
  }
  return { n, end: j };
}

/** Python's strptime `%Y-%m-%d` (four-digit year, one- or two-digit month and day), then at `end` what follows. */
function ymd(v: string): { ok: boolean; end: number } {
  const y = digits(v, 0, 4);
  if (y.end !== 4 || v.charCodeAt(4) !== 45) return { ok: false, end: 0 };
  const m = digits(v, 5, 2);
  if (m.end === 5 || v.charCodeAt(m.end) !== 45) return { ok: false, end: 0 };
  const d = digits(v, m.end + 1, 2);
  if (d.end === m.end + 1) return { ok: false, end: 0 };
  return { ok: validDate(y.n, m.n, d.n), end: d.end };
}

function isDate(v: string): boolean {
  const r = ymd(v);
  return r.ok && r.end === v.length;
}

/** `%Y-%m-%d %H:%M:%S`, each time field one or two digits. */
function isDateTime(v: string): boolean {
  const r = ymd(v);
  if (!r.ok || v.charCodeAt(r.end) !== 32) return false;
  let i = r.end + 1;
  const limits = [24, 60, 62];
  for (let k = 0; k < 3; k++) {
    const f = digits(v, i, 2);
    if (f.end === i || f.n >= limits[k]!) return false;
    i = f.end;
    if (k < 2) {
      if (v.charCodeAt(i) !== 58) return false;
      i++;
    }
  }
  return i === v.length;
}

const ISO = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

function isIsoDateTime(v: string): boolean {
  if (v.indexOf('T') < 0) return false;
  const m = ISO.exec(v);
  return !!m && validDate(+m[1]!, +m[2]!, +m[3]!) && +m[4]! < 24 && +(m[5] ?? 0) < 60 && +(m[6] ?? 0) < 61;
}
