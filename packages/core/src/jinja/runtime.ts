import { annotate, ReturnSignal, type TemplateSource } from './errors.ts';
import { JMacro, MISSING, type Context } from './macro.ts';
import { DICT_METHODS, iterList, LIST_METHODS, STR_METHODS } from './py-methods.ts';
import * as ops from './py-ops.ts';
import { isDict, Kwargs, mkFloat, Namespace, PyFloat, pyStr, PyTuple, rememberKeyObject, truthy, typeName } from './py-values.ts';

/**
 * What compiled templates call: one frozen object per environment, handed to the compiled
 * code as a parameter (nothing global is patched). Attribute access, calls and iteration
 * follow Python and Jinja; see py-ops.ts for the operators.
 */

/** A JavaScript function that takes Python-style arguments: the calling context, positional, keyword (or null). */
export type PyCall = (c: Context, args: unknown[], kw: Record<string, unknown> | null) => unknown;

/** Functions carrying this property are called with Python's arguments instead of JavaScript's. */
export const PY_CALL: unique symbol = Symbol('sm.jinja.pycall');

/** Make a function templates call with Python arguments; JavaScript may still call it plainly (no keywords). */
export function pyFunction<F extends PyCall>(impl: F): ((...args: unknown[]) => unknown) & { [PY_CALL]: F } {
  const f = ((...args: unknown[]) => impl(undefined as unknown as Context, args, null)) as ((...args: unknown[]) => unknown) & { [PY_CALL]: F };
  f[PY_CALL] = impl;
  return f;
}

const BLOCKED = new Set(['constructor', 'prototype', '__proto__', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

function undefinedError(what: string | undefined): ops.UndefinedError {
  return new ops.UndefinedError(what ? `'${what}' is undefined` : 'an undefined value was used');
}

function noAttr(obj: unknown, name: string): ops.UndefinedError {
  return new ops.UndefinedError(`'${typeName(obj)} object' has no attribute '${name}'`);
}

function bindMethod(m: (self: never, a: unknown[], kw: Record<string, unknown> | null) => unknown, self: unknown): unknown {
  return pyFunction((_c, a, kw) => m(self as never, a, kw));
}

/**
 * Attributes an object offers templates beyond its JavaScript ones (agate's MappedSequence:
 * keys(), values(), items(), get(), since JavaScript's own Array.prototype.keys/values must stay
 * as they are): through a `__pyattr__(name)` method.
 */
function pyAttr(obj: object, name: string): unknown {
  const f = (obj as { __pyattr__?: (n: string) => unknown }).__pyattr__;
  return typeof f === 'function' ? f.call(obj, name) : undefined;
}

/** A raw attribute (no Python methods), undefined when missing. */
function rawAttr(obj: object, name: string): unknown {
  if (BLOCKED.has(name) || name.startsWith('__')) return undefined;
  if (isDict(obj)) return Object.getPrototypeOf(obj) === null || Object.hasOwn(obj, name) ? obj[name] : undefined;
  if (obj instanceof Map) return obj.get(name);
  return (obj as Record<string, unknown>)[name];
}

/** The runtime object of an environment, as `this` of the helpers the compiled code calls. */
interface Rt {
  lenient?: boolean;
}

/** `obj.name` as Jinja does it: Python methods of str/list/dict, then attributes, then items; undefined when missing. */
export function attr(this: Rt | void, obj: unknown, name: string, what?: string): unknown {
  if (obj === undefined) {
    if (this?.lenient) return undefined;
    throw undefinedError(what);
  }
  if (obj === null) return undefined;
  if (typeof obj === 'string') {
    const m = STR_METHODS[name];
    return m ? bindMethod(m, obj) : undefined;
  }
  if (typeof obj !== 'object' && typeof obj !== 'function') return undefined;
  if (Array.isArray(obj)) {
    const m = LIST_METHODS[name];
    if (m !== undefined && (!(obj instanceof PyTuple) || name === 'index' || name === 'count')) return bindMethod(m, obj);
    const own = pyAttr(obj, name);
    if (own !== undefined) return own;
    // Named tuples (groupby's grouper/list) carry their fields as properties.
    if (Object.hasOwn(obj, name) && !/^\d+$/.test(name) && name !== 'length') return (obj as unknown as Record<string, unknown>)[name];
    // Then items, as Jinja's getattr: an agate row's `row.table_name` is its table_name column (dbt_utils.get_relations_by_pattern).
    const getitem = (obj as { __getitem__?: (k: unknown) => unknown }).__getitem__;
    return typeof getitem === 'function' ? getitem.call(obj, name) : undefined;
  }
  if (isDict(obj)) {
    const m = DICT_METHODS[name];
    if (m) return bindMethod(m, obj);
  }
  // An attribute Python answers differently from the JavaScript field (an information schema's `schema`: None).
  const own = pyAttr(obj, name);
  if (own !== undefined) return own;
  const v = rawAttr(obj, name);
  if (typeof v === 'function' && (v as { [PY_CALL]?: unknown })[PY_CALL] === undefined) return (v as (...a: unknown[]) => unknown).bind(obj);
  // Python's __getattr__: what an object answers for an attribute it lacks (dbt's config objects: None).
  const fallback = (obj as { __getattr__?: (n: string) => unknown }).__getattr__;
  if (v === undefined && typeof fallback === 'function' && !BLOCKED.has(name) && !name.startsWith('__')) return fallback.call(obj, name);
  return v;
}

/** `obj[key]`: indexes (negative from the end), dict keys, then attributes; undefined when missing. */
export function item(this: Rt | void, obj: unknown, key: unknown, what?: string): unknown {
  if (obj === undefined) {
    if (this?.lenient) return undefined;
    throw undefinedError(what);
  }
  if (obj === null) return undefined;
  const getitem = (obj as { __getitem__?: (k: unknown) => unknown }).__getitem__;
  if (typeof getitem === 'function') return getitem.call(obj, key);
  if (typeof obj === 'string' || Array.isArray(obj)) {
    if (typeof key === 'number' || key instanceof PyFloat || typeof key === 'boolean') {
      let i = Number(key);
      if (i < 0) i += obj.length;
      return obj[i];
    }
    return typeof key === 'string' ? attr(obj, key) : undefined;
  }
  if (typeof obj !== 'object' && typeof obj !== 'function') return undefined;
  if (isDict(obj)) {
    const k = typeof key === 'string' ? key : pyStr(key);
    if (Object.getPrototypeOf(obj) === null ? k in obj : Object.hasOwn(obj, k)) return obj[k];
    return typeof key === 'string' ? attr(obj, key) : undefined;
  }
  if (obj instanceof Map) return obj.get(key);
  return typeof key === 'string' || typeof key === 'number' ? attr(obj, String(key)) : undefined;
}

function invoke(c: Context, f: unknown, self: unknown, args: unknown[], kw: Record<string, unknown> | null, what: string | undefined): unknown {
  if (f instanceof JMacro) return f.invoke(c, args, kw);
  if (typeof f === 'function') {
    const py = (f as { [PY_CALL]?: PyCall })[PY_CALL];
    if (py) return py.call(self, c, args, kw);
    if (!kw) return f.apply(self, args);
    return f.apply(self, [...args, Object.assign(new Kwargs(), kw)]);
  }
  if (f === undefined) throw undefinedError(what);
  const call = (f as { __call__?: unknown } | null)?.__call__;
  if (typeof call === 'function') return invoke(c, call, f, args, kw, what);
  throw new TypeError(`'${typeName(f)}' object is not callable`);
}

/** `f(args, k=v)` */
export function call(this: Rt | void, c: Context, f: unknown, args: unknown[], kw: Record<string, unknown> | null, what?: string): unknown {
  if (f === undefined && this?.lenient) return undefined;
  return invoke(c, f, undefined, args, kw, what);
}

/** `obj.name(args)`: Python methods of str/list/dict, or the attribute called with `obj` as `this`. */
export function callAttr(this: Rt | void, c: Context, obj: unknown, name: string, args: unknown[], kw: Record<string, unknown> | null, what?: string): unknown {
  if (obj === undefined && this?.lenient) return undefined;
  if (typeof obj === 'string') {
    const m = STR_METHODS[name];
    if (m) return m(obj, args, kw);
    throw noAttr(obj, name);
  }
  if (obj === undefined) throw undefinedError(what);
  if (obj === null) throw noAttr(obj, name);
  if (typeof obj === 'object') {
    if (Array.isArray(obj)) {
      const m = LIST_METHODS[name];
      if (m && (!(obj instanceof PyTuple) || name === 'index' || name === 'count')) return m(obj, args, kw);
      const own = pyAttr(obj, name);
      if (typeof own === 'function') return invoke(c, own, obj, args, kw, what);
      if (this?.lenient) return undefined;
      throw noAttr(obj, name);
    }
    if (isDict(obj)) {
      const m = DICT_METHODS[name];
      if (m) return m(obj, args, kw);
    }
  }
  const f = typeof obj === 'object' || typeof obj === 'function' ? rawAttr(obj, name) : undefined;
  if (f === undefined) {
    if (this?.lenient) return undefined;
    throw noAttr(obj, name);
  }
  return invoke(c, f, obj, args, kw, what ? `${what}.${name}` : name);
}

/** What `{% for %}` iterates: strings by character, dicts by key, an undefined value as nothing. */
export function iter(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return iterList(v);
}

/** `a, b = value`: exactly n items. */
export function unpack(v: unknown, n: number): unknown[] {
  const items = iter(v);
  if (items.length !== n) throw new Error(items.length > n ? `ValueError: too many values to unpack (expected ${n})` : `ValueError: not enough values to unpack (expected ${n}, got ${items.length})`);
  return items;
}

/** `**x` at a call site. */
export function kwargsOf(v: unknown): Record<string, unknown> {
  if (isDict(v) || v instanceof Kwargs) return v as Record<string, unknown>;
  if (v === undefined) return {};
  throw new TypeError(`argument after ** must be a mapping, not ${typeName(v)}`);
}

/** A dict literal with computed keys (`{k: 1}`); keys print as Python would (`True`, `1`). */
export function dict(flat: unknown[]): Record<string, unknown> {
  const entries: [string, unknown][] = [];
  const objects: [string, unknown][] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const k = flat[i];
    const name = typeof k === 'string' ? k : pyStr(k);
    entries.push([name, flat[i + 1]]);
    if (typeof k === 'object' && k !== null) objects.push([name, k]);
  }
  const d = Object.fromEntries(entries);
  for (const [name, k] of objects) rememberKeyObject(d, name, k);
  return d;
}

/** `{% set ns.attr = v %}` */
export function setNs(ns: unknown, name: string, v: unknown): void {
  if (!(ns instanceof Namespace)) throw new TypeError('cannot assign attribute on non-namespace object');
  ns[name] = v;
}

/** Jinja's `loop` variable: one per for statement, moved along by the loop. */
export class Loop {
  i = 0;
  readonly items: unknown[];
  #last: unknown[] | undefined;
  constructor(items: unknown[]) {
    this.items = items;
  }
  get index(): number {
    return this.i + 1;
  }
  get index0(): number {
    return this.i;
  }
  get revindex(): number {
    return this.items.length - this.i;
  }
  get revindex0(): number {
    return this.items.length - this.i - 1;
  }
  get first(): boolean {
    return this.i === 0;
  }
  get last(): boolean {
    return this.i === this.items.length - 1;
  }
  get length(): number {
    return this.items.length;
  }
  /** A recursive loop's nesting (`loop(children)` runs the body one level deeper). */
  level = 0;
  /** `loop(items)` of a `{% for ... recursive %}`: the loop's output over `items`, one level down. */
  recurse: ((items: unknown) => string) | undefined;
  get depth(): number {
    return this.level + 1;
  }
  get depth0(): number {
    return this.level;
  }
  __call__(items: unknown): string {
    if (!this.recurse) throw new TypeError("The loop must have the 'recursive' marker to be called recursively.");
    return this.recurse(items);
  }
  get previtem(): unknown {
    return this.i > 0 ? this.items[this.i - 1] : undefined;
  }
  get nextitem(): unknown {
    return this.i < this.items.length - 1 ? this.items[this.i + 1] : undefined;
  }
  cycle(...args: unknown[]): unknown {
    if (!args.length) throw new TypeError('no items for cycling given');
    return args[this.i % args.length];
  }
  changed(...args: unknown[]): boolean {
    const same = this.#last !== undefined && this.#last.length === args.length && this.#last.every((x, k) => ops.compare('==', x, args[k]));
    this.#last = args;
    return !same;
  }
}

/** `return(x)` reached where the compiler could not emit a plain return. */
export function doReturn(v: unknown): never {
  throw new ReturnSignal(v);
}

/** Output of `{{ x }}`. */
export function s(v: unknown): string {
  return typeof v === 'string' ? v : pyStr(v);
}

export function fail(e: unknown, t: TemplateSource, pos: number, macro: string | undefined): unknown {
  return annotate(e, t, pos, macro);
}

export const runtimeHelpers = {
  s,
  t: truthy,
  attr,
  item,
  call,
  callAttr,
  iter,
  unpack,
  kwargsOf,
  dict,
  setNs,
  Loop,
  JMacro,
  MISSING,
  doReturn,
  fail,
  tuple: (items: unknown[]) => PyTuple.fromArray(items),
  mkFloat,
  add: ops.add,
  sub: ops.sub,
  mul: ops.mul,
  div: ops.div,
  floordiv: ops.floordiv,
  mod: ops.mod,
  pow: ops.pow,
  neg: ops.neg,
  pos: ops.pos,
  concat: ops.concat,
  compare: ops.compare,
  eq: (a: unknown, b: unknown) => a === b || ops.compare('==', a, b),
  slice: ops.slice,
};

export type RuntimeHelpers = typeof runtimeHelpers;
