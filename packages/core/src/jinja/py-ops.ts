import { PyDecimal } from './py-decimal.ts';
import { printf } from './py-format.ts';
import { isDict, isFloat, mkFloat, PyFloat, pyEq, pyStr, PyTuple, typeName } from './py-values.ts';

/**
 * Python's operators on template values: arithmetic keeps int and float apart (`4 / 2` is
 * `2.0`, `7 // 2` is `3`), `+` joins strings, lists and tuples, `*` repeats them, `%` formats
 * strings, comparisons refuse mixed types, `in` looks into strings, lists and dict keys.
 */

export class UndefinedError extends Error {
  readonly kind = 'UndefinedError';
}

function undef(what: string | undefined): never {
  throw new UndefinedError(what ? `'${what}' is undefined` : 'an undefined value was used in an operation');
}

function unsupported(op: string, a: unknown, b: unknown): never {
  if (a === undefined || b === undefined) undef(undefined);
  throw new TypeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

const numeric = (x: unknown): x is number | PyFloat | PyDecimal | boolean => typeof x === 'number' || x instanceof PyFloat || typeof x === 'boolean' || x instanceof PyDecimal;

/** Objects that define Python's operator methods (dates, timedeltas): `a.__add__(b)`, else `b.__radd__(a)`. */
function dunder(name: string, a: unknown, b: unknown): unknown {
  if (typeof a === 'object' && a !== null) {
    const f = (a as Record<string, unknown>)[`__${name}__`];
    if (typeof f === 'function') {
      const r = (f as (x: unknown) => unknown).call(a, b);
      if (r !== undefined) return r;
    }
  }
  if (typeof b === 'object' && b !== null) {
    const f = (b as Record<string, unknown>)[`__r${name}__`];
    if (typeof f === 'function') {
      const r = (f as (x: unknown) => unknown).call(b, a);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

function arith(op: string, a: unknown, b: unknown, f: (x: number, y: number) => number): unknown {
  if (!numeric(a) || !numeric(b)) unsupported(op, a, b);
  const r = f(Number(a), Number(b));
  return isFloat(a) || isFloat(b) ? mkFloat(r) : r;
}

export function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    return Number.isInteger(r) && (!Number.isInteger(a) || !Number.isInteger(b)) ? mkFloat(r) : r;
  }
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a instanceof PyTuple !== b instanceof PyTuple) unsupported('+', a, b);
    const r = [...a, ...b];
    return a instanceof PyTuple ? PyTuple.fromArray(r) : r;
  }
  const d = dunder('add', a, b);
  if (d !== undefined) return d;
  return arith('+', a, b, (x, y) => x + y);
}

export function sub(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b)) return a - b;
  const d = dunder('sub', a, b);
  if (d !== undefined) return d;
  return arith('-', a, b, (x, y) => x - y);
}

export function mul(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b)) return a * b;
  const rep = (seq: unknown, n: unknown): unknown => {
    const k = Math.max(0, Number(n));
    if (typeof seq === 'string') return seq.repeat(k);
    const out: unknown[] = [];
    for (let i = 0; i < k; i++) out.push(...(seq as unknown[]));
    return seq instanceof PyTuple ? PyTuple.fromArray(out) : out;
  };
  if ((typeof a === 'string' || Array.isArray(a)) && Number.isInteger(b)) return rep(a, b);
  if ((typeof b === 'string' || Array.isArray(b)) && Number.isInteger(a)) return rep(b, a);
  const d = dunder('mul', a, b) ?? dunder('mul', b, a);
  if (d !== undefined) return d;
  return arith('*', a, b, (x, y) => x * y);
}

export function div(a: unknown, b: unknown): unknown {
  const d = dunder('truediv', a, b);
  if (d !== undefined) return d;
  if (!numeric(a) || !numeric(b)) unsupported('/', a, b);
  if (Number(b) === 0) throw new Error('ZeroDivisionError: division by zero');
  return mkFloat(Number(a) / Number(b));
}

export function floordiv(a: unknown, b: unknown): unknown {
  if (!numeric(a) || !numeric(b)) unsupported('//', a, b);
  if (Number(b) === 0) throw new Error('ZeroDivisionError: integer division or modulo by zero');
  return arith('//', a, b, (x, y) => Math.floor(x / y));
}

export function mod(a: unknown, b: unknown): unknown {
  if (typeof a === 'string') return printf(a, b);
  if (!numeric(a) || !numeric(b)) unsupported('%', a, b);
  if (Number(b) === 0) throw new Error('ZeroDivisionError: integer division or modulo by zero');
  // Python's modulo takes the sign of the divisor.
  return arith('%', a, b, (x, y) => ((x % y) + y) % y);
}

export function pow(a: unknown, b: unknown): unknown {
  if (!numeric(a) || !numeric(b)) unsupported('**', a, b);
  const r = Number(a) ** Number(b);
  return isFloat(a) || isFloat(b) || Number(b) < 0 ? mkFloat(r) : r;
}

export function neg(a: unknown): unknown {
  if (typeof a === 'number') return -a;
  if (a instanceof PyFloat) return new PyFloat(-a.v);
  if (typeof a === 'boolean') return -Number(a);
  if (a === undefined) undef(undefined);
  const n = (a as { __neg__?: () => unknown } | null)?.__neg__;
  if (typeof n === 'function') return n.call(a);
  throw new TypeError(`bad operand type for unary -: '${typeName(a)}'`);
}

export function pos(a: unknown): unknown {
  if (numeric(a)) return typeof a === 'boolean' ? Number(a) : a;
  if (a === undefined) undef(undefined);
  throw new TypeError(`bad operand type for unary +: '${typeName(a)}'`);
}

/** `a ~ b ~ c`: string concatenation of each value's str(). */
export function concat(items: unknown[]): string {
  let s = '';
  for (const x of items) s += typeof x === 'string' ? x : pyStr(x);
  return s;
}

/** Python's ordering: numbers with numbers, strings with strings, sequences item by item. */
export function pyCompare(a: unknown, b: unknown): number {
  if (a instanceof PyDecimal) {
    const c = a.__cmp__(b);
    if (c !== undefined) return c;
  }
  if (numeric(a) && numeric(b)) {
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'object' && a !== null && typeof (a as { __cmp__?: unknown }).__cmp__ === 'function') {
    const c = (a as { __cmp__: (o: unknown) => number | undefined }).__cmp__(b);
    if (c !== undefined) return c;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = pyEq(a[i], b[i]) ? 0 : pyCompare(a[i], b[i]);
      if (c) return c;
    }
    return a.length - b.length;
  }
  if (a === undefined || b === undefined) undef(undefined);
  throw new TypeError(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** What sorting compares for a value (dates and other objects by their primitive value). */
export function pySortKey(v: unknown): unknown {
  if (v instanceof Date) return v.getTime();
  return v;
}

export function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return pyEq(a, b);
    case '!=':
      return !pyEq(a, b);
    case 'in':
      return contains(b, a);
    case 'notin':
      return !contains(b, a);
  }
  const c = typeof a === 'number' && typeof b === 'number' ? a - b : typeof a === 'string' && typeof b === 'string' ? (a < b ? -1 : a > b ? 1 : 0) : pyCompare(a, b);
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

export function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new TypeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) {
    for (const x of container) if (x === item || pyEq(x, item)) return true;
    return false;
  }
  if (container === undefined) return false;
  if (isDict(container)) return typeof item === 'string' || typeof item === 'number' ? Object.hasOwn(container, String(item)) : false;
  if (container instanceof Map || container instanceof Set) return container.has(item);
  if (container !== null && typeof container === 'object') {
    const c = (container as { __contains__?: (x: unknown) => boolean }).__contains__;
    if (typeof c === 'function') return c.call(container, item);
    if (Symbol.iterator in container) return [...(container as Iterable<unknown>)].some((x) => pyEq(x, item));
  }
  throw new TypeError(`argument of type '${typeName(container)}' is not iterable`);
}

/** `seq[start:stop:step]` on a string, list or tuple, with Python's negative indices and steps. */
export function slice(seq: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (seq === undefined) undef(undefined);
  const isStr = typeof seq === 'string';
  if (!isStr && !Array.isArray(seq)) throw new TypeError(`'${typeName(seq)}' object is not subscriptable`);
  const s = seq as string | unknown[];
  const len = s.length;
  const st = step === undefined || step === null ? 1 : Number(step);
  if (st === 0) throw new Error('ValueError: slice step cannot be zero');
  const norm = (v: unknown, dflt: number, lo: number, hi: number): number => {
    if (v === undefined || v === null) return dflt;
    let n = Number(v);
    if (n < 0) n += len;
    return Math.min(Math.max(n, lo), hi);
  };
  const a = norm(start, st > 0 ? 0 : len - 1, st > 0 ? 0 : -1, st > 0 ? len : len - 1);
  const b = norm(stop, st > 0 ? len : -1, st > 0 ? 0 : -1, st > 0 ? len : len - 1);
  if (st === 1) {
    const part = s.slice(a, Math.max(a, b));
    return seq instanceof PyTuple ? PyTuple.fromArray(part as unknown[]) : part;
  }
  const out: unknown[] = [];
  if (st > 0) for (let i = a; i < b; i += st) out.push(s[i]);
  else for (let i = a; i > b; i += st) out.push(s[i]);
  if (isStr) return out.join('');
  return seq instanceof PyTuple ? PyTuple.fromArray(out) : out;
}
