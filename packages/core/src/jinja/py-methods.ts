import { strFormat } from './py-format.ts';
import { dictKeys, isDict, Kwargs, pyEq, pyStr, tuple } from './py-values.ts';
import { pySortKey, pyCompare } from './py-ops.ts';

/**
 * The methods of Python's str, list and dict that templates call (`'a,b'.split(',')`,
 * `cols.append(c)`, `d.items()`). Each takes the receiver, the positional arguments and the
 * keyword arguments (or null).
 */
export type PyMethod = (self: never, args: unknown[], kw: Record<string, unknown> | null) => unknown;

type StrMethod = (s: string, a: unknown[], kw: Record<string, unknown> | null) => unknown;
type ListMethod = (l: unknown[], a: unknown[], kw: Record<string, unknown> | null) => unknown;
type DictMethod = (d: Record<string, unknown>, a: unknown[], kw: Record<string, unknown> | null) => unknown;

function trimChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  if (chars === undefined || chars === null) {
    if (left && right) return s.trim();
    return left ? s.trimStart() : s.trimEnd();
  }
  const cs = String(chars);
  let a = 0;
  let b = s.length;
  while (left && a < b && cs.includes(s[a]!)) a++;
  while (right && b > a && cs.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

function split(s: string, sep: unknown, max: unknown): string[] {
  const limit = max === undefined || max === null ? -1 : Number(max);
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    let rest = s.replace(/^\s+/, '');
    while (rest) {
      if (limit >= 0 && parts.length === limit) {
        parts.push(rest);
        break;
      }
      const m = /\s+/.exec(rest);
      if (!m) {
        parts.push(rest);
        break;
      }
      parts.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return parts;
  }
  const sp = String(sep);
  if (!sp) throw new Error('ValueError: empty separator');
  const parts = s.split(sp);
  if (limit < 0 || parts.length <= limit + 1) return parts;
  return [...parts.slice(0, limit), parts.slice(limit).join(sp)];
}

function rsplit(s: string, sep: unknown, max: unknown): string[] {
  const limit = max === undefined || max === null ? -1 : Number(max);
  if (sep === undefined || sep === null || limit < 0) return split(s, sep, limit < 0 ? undefined : max);
  const sp = String(sep);
  const parts = s.split(sp);
  if (parts.length <= limit + 1) return parts;
  return [parts.slice(0, parts.length - limit).join(sp), ...parts.slice(parts.length - limit)];
}

const prefixes = (p: unknown): string[] => (Array.isArray(p) ? p.map(String) : [String(p)]);
const isCased = (s: string) => s.toUpperCase() !== s.toLowerCase();

export const STR_METHODS: Record<string, StrMethod> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  strip: (s, [c]) => trimChars(s, c, true, true),
  lstrip: (s, [c]) => trimChars(s, c, true, false),
  rstrip: (s, [c]) => trimChars(s, c, false, true),
  split: (s, [sep, max], kw) => split(s, kw?.sep ?? sep, kw?.maxsplit ?? max),
  rsplit: (s, [sep, max], kw) => rsplit(s, kw?.sep ?? sep, kw?.maxsplit ?? max),
  splitlines: (s, [keep]) => (s ? s.split(/(?<=\r\n|\n|\r)/).map((l) => (keep ? l : l.replace(/\r?\n$|\r$/, ''))) : []),
  replace: (s, [a, b, count]) => {
    const n = count === undefined ? -1 : Number(count);
    if (n < 0) return s.split(String(a)).join(String(b));
    const parts = s.split(String(a));
    return parts.slice(0, n + 1).join(String(b)) + (parts.length > n + 1 ? String(a) + parts.slice(n + 1).join(String(a)) : '');
  },
  startswith: (s, [p]) => prefixes(p).some((x) => s.startsWith(x)),
  endswith: (s, [p]) => prefixes(p).some((x) => s.endsWith(x)),
  removeprefix: (s, [p]) => (s.startsWith(String(p)) ? s.slice(String(p).length) : s),
  removesuffix: (s, [p]) => (String(p) && s.endsWith(String(p)) ? s.slice(0, -String(p).length) : s),
  // Python's str.title(): a letter after any non-letter starts a word ('a_b' -> 'A_B').
  title: (s) => s.toLowerCase().replace(/(^|[^\p{L}])(\p{L})/gu, (_m, a: string, c: string) => a + c.toUpperCase()),
  capitalize: (s) => (s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s),
  join: (s, [items]) => iterList(items).map((x) => {
    if (typeof x !== 'string') throw new TypeError(`sequence item: expected str instance, ${x === null ? 'NoneType' : typeof x} found`);
    return x;
  }).join(s),
  format: (s, args, kw) => strFormat(s, args, kw),
  find: (s, [sub, start]) => s.indexOf(String(sub), start === undefined ? 0 : Number(start)),
  rfind: (s, [sub]) => s.lastIndexOf(String(sub)),
  index: (s, [sub]) => {
    const i = s.indexOf(String(sub));
    if (i < 0) throw new Error('ValueError: substring not found');
    return i;
  },
  rindex: (s, [sub]) => {
    const i = s.lastIndexOf(String(sub));
    if (i < 0) throw new Error('ValueError: substring not found');
    return i;
  },
  count: (s, [sub]) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1),
  partition: (s, [sep]) => {
    const i = s.indexOf(String(sep));
    return i < 0 ? tuple(s, '', '') : tuple(s.slice(0, i), String(sep), s.slice(i + String(sep).length));
  },
  rpartition: (s, [sep]) => {
    const i = s.lastIndexOf(String(sep));
    return i < 0 ? tuple('', '', s) : tuple(s.slice(0, i), String(sep), s.slice(i + String(sep).length));
  },
  isdigit: (s) => /^\d+$/u.test(s),
  isnumeric: (s) => /^\p{N}+$/u.test(s),
  isdecimal: (s) => /^\d+$/u.test(s),
  isupper: (s) => isCased(s) && s === s.toUpperCase(),
  islower: (s) => isCased(s) && s === s.toLowerCase(),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  istitle: (s) => isCased(s) && s === STR_METHODS.title!(s, [], null),
  isidentifier: (s) => /^[\p{L}_][\p{L}\p{N}_]*$/u.test(s),
  zfill: (s, [n]) => {
    const w = Number(n);
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(w - sign.length, '0');
  },
  rjust: (s, [n, fill]) => s.padStart(Number(n), fill === undefined ? ' ' : String(fill)),
  ljust: (s, [n, fill]) => s.padEnd(Number(n), fill === undefined ? ' ' : String(fill)),
  center: (s, [n, fill]) => {
    const w = Number(n);
    if (s.length >= w) return s;
    const f = fill === undefined ? ' ' : String(fill);
    const total = w - s.length;
    // CPython puts the odd extra character on the left when the width is odd and the string's length even.
    const left = Math.floor(total / 2) + (total & w & 1);
    return f.repeat(left) + s + f.repeat(total - left);
  },
  encode: (s) => s,
  expandtabs: (s, [n]) => s.replace(/\t/g, ' '.repeat(n === undefined ? 8 : Number(n))),
};

/** A Python iterable as an array: strings by character, dicts by key. */
export function iterList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (v === undefined) return [];
  if (isDict(v)) return dictKeys(v);
  if (v instanceof Map) return [...v.keys()];
  if (v !== null && typeof v === 'object' && Symbol.iterator in v) return [...(v as Iterable<unknown>)];
  throw new TypeError(`'${v === null ? 'NoneType' : typeof v === 'number' ? 'int' : typeof v}' object is not iterable`);
}

export const LIST_METHODS: Record<string, ListMethod> = {
  append: (l, [x]) => {
    l.push(x);
    return null;
  },
  extend: (l, [xs]) => {
    for (const x of iterList(xs)) l.push(x);
    return null;
  },
  insert: (l, [i, x]) => {
    let k = Number(i);
    if (k < 0) k = Math.max(0, l.length + k);
    l.splice(k, 0, x);
    return null;
  },
  pop: (l, [i]) => {
    if (!l.length) throw new Error('IndexError: pop from empty list');
    const k = i === undefined ? l.length - 1 : Number(i) < 0 ? l.length + Number(i) : Number(i);
    if (k < 0 || k >= l.length) throw new Error('IndexError: pop index out of range');
    return l.splice(k, 1)[0];
  },
  remove: (l, [x]) => {
    const k = l.findIndex((y) => pyEq(x, y));
    if (k < 0) throw new Error('ValueError: list.remove(x): x not in list');
    l.splice(k, 1);
    return null;
  },
  index: (l, [x]) => {
    const k = l.findIndex((y) => pyEq(x, y));
    if (k < 0) throw new Error(`ValueError: ${pyStr(x)} is not in list`);
    return k;
  },
  count: (l, [x]) => l.filter((y) => pyEq(x, y)).length,
  sort: (l, _a, kw) => {
    const key = kw?.key as ((x: unknown) => unknown) | undefined;
    l.sort((a, b) => pyCompare(key ? key(a) : pySortKey(a), key ? key(b) : pySortKey(b)));
    if (kw?.reverse) l.reverse();
    return null;
  },
  reverse: (l) => {
    l.reverse();
    return null;
  },
  copy: (l) => [...l],
  clear: (l) => {
    l.length = 0;
    return null;
  },
};

export const DICT_METHODS: Record<string, DictMethod> = {
  get: (d, [k, dflt]) => (Object.hasOwn(d, String(k)) ? d[String(k)] : dflt === undefined ? null : dflt),
  items: (d) => {
    const values = Object.values(d);
    return dictKeys(d).map((k, i) => tuple(k, values[i]));
  },
  keys: (d) => dictKeys(d),
  values: (d) => Object.values(d),
  update: (d, [other], kw) => {
    if (other !== undefined && other !== null) {
      if (isDict(other)) Object.assign(d, other);
      else for (const pair of iterList(other)) d[String((pair as unknown[])[0])] = (pair as unknown[])[1];
    }
    if (kw) for (const [k, v] of Object.entries(kw)) d[k] = v;
    return null;
  },
  pop: (d, [k, dflt], _kw) => {
    const key = String(k);
    if (Object.hasOwn(d, key)) {
      const v = d[key];
      delete d[key];
      return v;
    }
    if (dflt === undefined) throw new Error(`KeyError: ${pyStr(k)}`);
    return dflt;
  },
  setdefault: (d, [k, dflt]) => {
    const key = String(k);
    if (!Object.hasOwn(d, key)) d[key] = dflt === undefined ? null : dflt;
    return d[key];
  },
  copy: (d) => ({ ...d }),
  clear: (d) => {
    for (const k of Object.keys(d)) delete d[k];
    return null;
  },
};

/** Keyword arguments as a plain record (JavaScript functions receive a {@link Kwargs}). */
export function kwRecord(kw: Kwargs | Record<string, unknown> | null | undefined): Record<string, unknown> {
  return kw ? { ...kw } : {};
}
