/**
 * Python values in JavaScript, as templates see them. `None` is null and an undefined name is
 * undefined; int and float share `number`, except a float with a whole value, which is a
 * {@link PyFloat} so it prints `2.0` as Python does; tuples are {@link PyTuple}; dicts are plain
 * objects (string keys, insertion order except that JavaScript puts integer-like keys first).
 */

/** A Python float whose value is whole (or inf/nan): prints with `.0`. Arithmetic unwraps it through valueOf. */
export class PyFloat {
  readonly v: number;
  constructor(v: number) {
    this.v = v;
  }
  valueOf(): number {
    return this.v;
  }
  toString(): string {
    return floatRepr(this.v);
  }
  toJSON(): number {
    return this.v;
  }
}

/** A Python tuple: an array that prints with parentheses. Array methods on it give plain arrays. */
export class PyTuple<T = unknown> extends Array<T> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  static fromArray<T>(items: readonly T[]): PyTuple<T> {
    const t = new PyTuple<T>();
    for (const x of items) t.push(x);
    return t;
  }
}

/** A Python set: unique items; equal to another set with the same items in any order. */
export class PySet<T = unknown> extends Array<T> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  static fromItems<T>(items: Iterable<T>): PySet<T> {
    const s = new PySet<T>();
    for (const x of items) if (!s.some((y) => pyEq(x, y))) s.push(x);
    return s;
  }
  /** Python's set methods, as templates call them. */
  __pyattr__(name: string): unknown {
    const other = (o: unknown) => (Array.isArray(o) ? o : []);
    switch (name) {
      case 'add':
        return (x: unknown) => {
          if (!this.some((y) => pyEq(x, y))) this.push(x as T);
          return null;
        };
      case 'union':
        return (...o: unknown[]) => PySet.fromItems([...this, ...o.flatMap(other)]);
      case 'intersection':
        return (o: unknown) => PySet.fromItems(this.filter((x) => other(o).some((y) => pyEq(x, y))));
      case 'difference':
        return (o: unknown) => PySet.fromItems(this.filter((x) => !other(o).some((y) => pyEq(x, y))));
      case 'issubset':
        return (o: unknown) => this.every((x) => other(o).some((y) => pyEq(x, y)));
      case 'issuperset':
        return (o: unknown) => other(o).every((x) => this.some((y) => pyEq(x, y)));
    }
    return undefined;
  }
}

export function tuple<T>(...items: T[]): PyTuple<T> {
  return PyTuple.fromArray(items);
}

/** Keyword arguments handed to a JavaScript function: the last argument, when there are any. */
export class Kwargs {
  [key: string]: unknown;
}

/** Jinja's `namespace()`: the one object `{% set ns.x = ... %}` may assign to. */
export class Namespace {
  [key: string]: unknown;
}

/** A value made as a float: whole values are wrapped so they keep printing as floats. */
export function mkFloat(n: number): number | PyFloat {
  return Number.isInteger(n) || !Number.isFinite(n) ? new PyFloat(n) : n;
}

export function isFloat(x: unknown): boolean {
  return x instanceof PyFloat || (typeof x === 'number' && !Number.isInteger(x));
}

export function isNumber(x: unknown): x is number | PyFloat {
  return typeof x === 'number' || x instanceof PyFloat;
}

/**
 * The key objects of dicts built with non-string keys (`{ref('a'): 'x'}`): a dict stores every
 * key as its str(), and this remembers the object behind each, so iterating the dict, `keys()`
 * and `items()` give back the relation, as Python's dict does, rather than its printed name.
 */
const KEY_OBJECTS = new WeakMap<object, Map<string, unknown>>();

export function rememberKeyObject(d: object, k: string, key: unknown): void {
  let m = KEY_OBJECTS.get(d);
  if (!m) KEY_OBJECTS.set(d, (m = new Map()));
  m.set(k, key);
}

/** A dict's keys in order, each the object it was made with where that was not a string. */
export function dictKeys(d: Record<string, unknown>): unknown[] {
  const keys = Object.keys(d);
  const m = KEY_OBJECTS.get(d);
  return m ? keys.map((k) => (m.has(k) ? m.get(k) : k)) : keys;
}

export function isDict(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
}

/** Python's repr() of a float: shortest round-trip digits, exponent below 1e-4 and from 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e16) {
    const s = String(x);
    if (!s.includes('e')) return s.includes('.') ? s : `${s}.0`;
  }
  // Exponent form: JavaScript's shortest digits, Python's layout (1e+16, 1e-05).
  const [mant, exp] = x.toExponential().split('e') as [string, string];
  const e = Number(exp);
  return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** How Python's str() prints a value: what `{{ x }}` shows. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? (Math.abs(v) < 1e21 ? String(v) : BigInt(v).toString()) : floatRepr(v);
  if (Array.isArray(v) || isDict(v)) return pyRepr(v);
  if (typeof v === 'bigint') return v.toString();
  return String(v);
}

/** Python's repr(): strings quoted, lists, tuples and dicts in Python syntax. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') {
    const q = v.includes("'") && !v.includes('"') ? '"' : "'";
    let out = '';
    for (const ch of v) {
      if (ch === q || ch === '\\') out += '\\' + ch;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (ch < ' ' || ch === '\x7f') out += '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0');
      else out += ch;
    }
    return q + out + q;
  }
  if (v instanceof PyTuple) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(', ')})`;
  if (v instanceof PySet) return v.length ? `{${v.map(pyRepr).join(', ')}}` : 'set()';
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isDict(v)) return `{${Object.entries(v).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  if (v === undefined) return '';
  const r = (v as { __repr__?: () => string } | null)?.__repr__;
  if (typeof r === 'function') return r.call(v);
  return pyStr(v);
}

/** Python truthiness: empty strings, lists and dicts, zero and None are false. */
export function truthy(v: unknown): boolean {
  if (v === true) return true;
  if (!v) return false;
  if (typeof v !== 'object') return true;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyFloat) return v.v !== 0;
  if (isDict(v)) {
    for (const _ in v) return true;
    return false;
  }
  const b = (v as { __bool__?: () => boolean }).__bool__;
  if (typeof b === 'function') return b.call(v);
  const len = (v as { __len__?: () => number }).__len__;
  if (typeof len === 'function') return len.call(v) > 0;
  return true;
}

/** Python's ==: numbers by value (1 == 1.0), lists, tuples and dicts by content, no coercion between types. */
export function pyEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    if (a instanceof PyFloat || b instanceof PyFloat) return Number(a) === Number(b);
    if (a instanceof PySet || b instanceof PySet) {
      if (!(a instanceof PySet && b instanceof PySet)) return false;
      return a.length === b.length && a.every((x) => b.some((y) => pyEq(x, y)));
    }
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
    if (isDict(a) && isDict(b)) {
      const ka = Object.keys(a);
      return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && pyEq(a[k], b[k]));
    }
    const eq = (a as { __eq__?: (o: unknown) => boolean }).__eq__;
    if (typeof eq === 'function') return eq.call(a, b);
    return false;
  }
  if (a instanceof PyFloat) return a.v === b;
  if (b instanceof PyFloat) return b.v === a;
  // An object with Python's __eq__ (a Decimal) against a number: 2.00 == 2.
  const eq = (typeof a === 'object' && a !== null ? a : typeof b === 'object' && b !== null ? b : null) as { __eq__?: (o: unknown) => boolean } | null;
  if (typeof eq?.__eq__ === 'function') return eq.__eq__(eq === a ? b : a);
  // True == 1 in Python; strings never equal numbers.
  if (typeof a === 'boolean' && typeof b === 'number') return Number(a) === b;
  if (typeof b === 'boolean' && typeof a === 'number') return Number(b) === a;
  return false;
}

/** Python's type name of a value, for error messages ("'int' object has no attribute 'x'"). */
export function typeName(v: unknown): string {
  if (v === undefined) return 'Undefined';
  if (v === null) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PySet) return 'set';
  if (Array.isArray(v)) return 'list';
  if (isDict(v)) return 'dict';
  if (typeof v === 'function') return 'function';
  const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
  return ctor || 'object';
}

/**
 * Python's json.dumps: ", " and ": " separators (with `indent`, one item a line), optionally
 * sorted keys; floats as Python writes them (`1e-07`, `1.0`, `NaN`, `Infinity`), non-ASCII
 * text escaped (`\u00e9`) as its default ensure_ascii does.
 */
export function pyJson(v: unknown, sortKeys: boolean, indent?: number): string {
  const block = (open: string, close: string, items: string[], depth: number): string => {
    if (!items.length) return open + close;
    if (indent === undefined) return `${open}${items.join(', ')}${close}`;
    const pad = `\n${' '.repeat(indent * (depth + 1))}`;
    return `${open}${pad}${items.join(`,${pad}`)}\n${' '.repeat(indent * depth)}${close}`;
  };
  const entries = (x: object, depth: number): string => {
    const es = Object.entries(x);
    if (sortKeys) es.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return block('{', '}', es.map(([k, y]) => `${jsonString(k)}: ${write(y, depth + 1)}`), depth);
  };
  const write = (x: unknown, depth: number): string => {
    const j = (x as { __pyjson__?: () => unknown } | null)?.__pyjson__;
    if (typeof j === 'function') return write(j.call(x), depth);
    if (x instanceof PyFloat) return jsonFloat(x.v);
    if (typeof x === 'number') return Number.isInteger(x) ? pyStr(x) : jsonFloat(x);
    if (typeof x === 'bigint') return x.toString();
    if (typeof x === 'string') return jsonString(x);
    if (x === undefined || x === null) return 'null';
    if (Array.isArray(x)) return block('[', ']', x.map((y) => write(y, depth + 1)), depth);
    if (isDict(x)) return entries(x, depth);
    if (typeof x === 'object') {
      const r = x as { toJSON?: () => unknown };
      return typeof r.toJSON === 'function' ? write(r.toJSON(), depth) : entries(x, depth);
    }
    return JSON.stringify(x) ?? 'null';
  };
  return write(v, 0);
}

function jsonFloat(x: number): string {
  return Number.isFinite(x) ? floatRepr(x) : Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

function jsonString(s: string): string {
  return JSON.stringify(s).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Python's json.loads: a number written with a point or an exponent is a float (`1.0` stays
 * `1.0`), and NaN, Infinity and -Infinity are read as the floats they name.
 */
export function pyJsonParse(text: string): unknown {
  const SPECIAL = '\ue000py-json:';
  const marked = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (t) => (t.startsWith('"') ? t : `"${SPECIAL}${t}"`));
  return JSON.parse(marked, (_k, v: unknown, ctx?: { source?: string }) => {
    if (typeof v === 'number') return ctx?.source !== undefined && /[.eE]/.test(ctx.source) ? mkFloat(v) : v;
    if (typeof v === 'string' && v.startsWith(SPECIAL)) return new PyFloat(Number(v.slice(SPECIAL.length)));
    return v;
  }) as unknown;
}
