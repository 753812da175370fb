import { isFloat, PyFloat } from './py-values.ts';

/**
 * Python's decimal.Decimal, as dbt's agate gives a DECIMAL column's values to templates: it
 * keeps its scale (`2.00`, not `2`) in `{{ }}`, `~` and `| string`; arithmetic with ints and
 * decimals is exact, with Python's default context (28 significant digits, half-even), and
 * keeps the scale Python would (`2.00 + 1` is `3.00`, `2.00 / 3` is 28 digits); a float
 * operand is Python's TypeError; `tojson` refuses it as json.dumps does.
 */

const PREC = 28;

/** json.dumps' refusal of a value it cannot write (a TypeError, which dbt's tojson does not catch). */
export class NotJsonSerializable extends TypeError {}

export class PyDecimal {
  readonly negative: boolean;
  /** The digits, as a whole number. */
  readonly coef: bigint;
  /** The power of ten the digits are scaled by (`-2` for `2.00`). */
  readonly exp: number;
  constructor(negative: boolean, coef: bigint, exp: number) {
    this.negative = negative;
    this.coef = coef;
    this.exp = exp;
  }

  /** A number with `scale` digits after the point, as a DECIMAL(p, scale) column holds it. */
  static fromNumber(n: number, scale: number): PyDecimal {
    return PyDecimal.parse(n.toFixed(Math.max(0, Math.min(100, scale))));
  }

  static parse(text: string): PyDecimal {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!m || (m[2] === '' && !m[3])) throw new Error(`decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>] for '${text}'`);
    const frac = m[3] ?? '';
    return new PyDecimal(m[1] === '-', BigInt(`${m[2]}${frac}` || '0'), Number(m[4] ?? 0) - frac.length);
  }

  static of(x: unknown): PyDecimal | undefined {
    if (x instanceof PyDecimal) return x;
    if (typeof x === 'boolean') return new PyDecimal(false, BigInt(Number(x)), 0);
    if (typeof x === 'bigint') return new PyDecimal(x < 0n, x < 0n ? -x : x, 0);
    if (typeof x === 'number' && Number.isInteger(x)) return new PyDecimal(x < 0 || Object.is(x, -0), BigInt(Math.abs(x)), 0);
    return undefined;
  }

  /** Python's str(): plain digits unless the exponent is positive or the number is tiny. */
  toString(): string {
    const digits = this.coef.toString();
    const adjusted = this.exp + digits.length - 1;
    const sign = this.negative ? '-' : '';
    if (this.exp <= 0 && adjusted >= -6) {
      if (this.exp === 0) return sign + digits;
      const point = digits.length + this.exp;
      return point > 0 ? `${sign}${digits.slice(0, point)}.${digits.slice(point)}` : `${sign}0.${'0'.repeat(-point)}${digits}`;
    }
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mant}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
  }

  __repr__(): string {
    return `Decimal('${this.toString()}')`;
  }

  valueOf(): number {
    return Number(this.toString());
  }

  /** sm's own artifacts write it as a number; a template's `tojson` refuses it (see {@link __pyjson__}). */
  toJSON(): number {
    return this.valueOf();
  }

  __pyjson__(): never {
    throw new NotJsonSerializable('Object of type Decimal is not JSON serializable');
  }

  __bool__(): boolean {
    return this.coef !== 0n;
  }

  #signed(): bigint {
    return this.negative ? -this.coef : this.coef;
  }

  __cmp__(o: unknown): number | undefined {
    const d = PyDecimal.of(o);
    if (!d) return o instanceof PyFloat || typeof o === 'number' ? Math.sign(this.valueOf() - Number(o)) : undefined;
    const e = Math.min(this.exp, d.exp);
    const a = this.#signed() * 10n ** BigInt(this.exp - e);
    const b = d.#signed() * 10n ** BigInt(d.exp - e);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  __eq__(o: unknown): boolean {
    if (typeof o === 'string' || o === null || o === undefined) return false;
    return this.__cmp__(o) === 0;
  }

  __neg__(): PyDecimal {
    return new PyDecimal(!this.negative, this.coef, this.exp);
  }

  __add__(o: unknown): PyDecimal | undefined {
    return this.#op('+', o, (a, b) => plus(a, b));
  }
  __radd__(o: unknown): PyDecimal | undefined {
    return this.#op('+', o, (a, b) => plus(b, a));
  }
  __sub__(o: unknown): PyDecimal | undefined {
    return this.#op('-', o, (a, b) => plus(a, b.__neg__()));
  }
  __rsub__(o: unknown): PyDecimal | undefined {
    return this.#op('-', o, (a, b) => plus(b, a.__neg__()));
  }
  __mul__(o: unknown): PyDecimal | undefined {
    return this.#op('*', o, (a, b) => times(a, b));
  }
  __rmul__(o: unknown): PyDecimal | undefined {
    return this.#op('*', o, (a, b) => times(b, a));
  }
  __truediv__(o: unknown): PyDecimal | undefined {
    return this.#op('/', o, (a, b) => divide(a, b));
  }
  __rtruediv__(o: unknown): PyDecimal | undefined {
    return this.#op('/', o, (a, b) => divide(b, a));
  }

  /** Python's round(d, n): the decimal at `n` places, half to even (round(d) alone gives an int). */
  round(places: number): PyDecimal {
    return rescale(this, -places);
  }

  #op(sym: string, o: unknown, f: (a: PyDecimal, b: PyDecimal) => PyDecimal): PyDecimal | undefined {
    const d = PyDecimal.of(o);
    if (d) return f(this, d);
    if (isFloat(o) || o instanceof PyFloat) throw new TypeError(`unsupported operand type(s) for ${sym}: 'decimal.Decimal' and 'float'`);
    return undefined;
  }
}

function plus(a: PyDecimal, b: PyDecimal): PyDecimal {
  const e = Math.min(a.exp, b.exp);
  const x = (a.negative ? -a.coef : a.coef) * 10n ** BigInt(a.exp - e);
  const y = (b.negative ? -b.coef : b.coef) * 10n ** BigInt(b.exp - e);
  const s = x + y;
  // A zero sum is positive unless both operands were negative (Python's default rounding).
  return fix(s < 0n || (s === 0n && a.negative && b.negative), s < 0n ? -s : s, e);
}

function times(a: PyDecimal, b: PyDecimal): PyDecimal {
  return fix(a.negative !== b.negative, a.coef * b.coef, a.exp + b.exp);
}

/** Python's Decimal division: exact where it can be (at the exponent nearest the ideal), else 28 digits. */
function divide(a: PyDecimal, b: PyDecimal): PyDecimal {
  if (b.coef === 0n) throw new Error(a.coef === 0n ? 'decimal.InvalidOperation: [<class \'decimal.DivisionUndefined\'>]' : "decimal.DivisionByZero: [<class 'decimal.DivisionByZero'>]");
  const negative = a.negative !== b.negative;
  const ideal = a.exp - b.exp;
  if (a.coef === 0n) return new PyDecimal(negative, 0n, ideal);
  const shift = b.coef.toString().length - a.coef.toString().length + PREC + 1;
  let exp = ideal - shift;
  let coef: bigint;
  let rem: bigint;
  if (shift >= 0) {
    coef = (a.coef * 10n ** BigInt(shift)) / b.coef;
    rem = (a.coef * 10n ** BigInt(shift)) % b.coef;
  } else {
    const d = b.coef * 10n ** BigInt(-shift);
    coef = a.coef / d;
    rem = a.coef % d;
  }
  if (rem !== 0n) {
    if (coef % 5n === 0n) coef += 1n;
  } else {
    while (exp < ideal && coef % 10n === 0n) {
      coef /= 10n;
      exp += 1;
    }
  }
  return fix(negative, coef, exp);
}

/** Rounds to the context's 28 significant digits, half to even. */
function fix(negative: boolean, coef: bigint, exp: number): PyDecimal {
  const extra = coef.toString().length - PREC;
  return extra > 0 ? rescale(new PyDecimal(negative, coef, exp), exp + extra) : new PyDecimal(negative, coef, exp);
}

/** The value at exponent `exp` (more digits, or fewer rounded half to even). */
function rescale(d: PyDecimal, exp: number): PyDecimal {
  if (exp <= d.exp) return new PyDecimal(d.negative, d.coef * 10n ** BigInt(d.exp - exp), exp);
  const unit = 10n ** BigInt(exp - d.exp);
  let q = d.coef / unit;
  const r = d.coef % unit;
  if (r * 2n > unit || (r * 2n === unit && q % 2n === 1n)) q += 1n;
  return new PyDecimal(d.negative, q, exp);
}
