/**
 * What nunjucks lacks of the Jinja that dbt users write: Python string methods,
 * `True/False/None`, `{% do %}`, `namespace()` with `{% set ns.x = ... %}`, the filters
 * `tojson`, `map`, `items`, Jinja's `selectattr`/`int`/`float`, Python's way of printing
 * values (`True`, `None`, `['a', 'b']`), list `+` and string `*`, loop scoping, and dbt's
 * `fromjson`/`tojson`/`fromyaml`/`toyaml`. Installed once per process; pure.
 * packages/core/test/jinja-compat.test.ts compares each feature with dbt-core's output.
 */
import nunjucks from 'nunjucks';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

let installed = false;

const STRING_METHODS: Record<string, (s: string, ...a: unknown[]) => unknown> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  strip: (s, chars) => (typeof chars === 'string' ? trimChars(s, chars, true, true) : s.trim()),
  lstrip: (s, chars) => (typeof chars === 'string' ? trimChars(s, chars, true, false) : s.trimStart()),
  rstrip: (s, chars) => (typeof chars === 'string' ? trimChars(s, chars, false, true) : s.trimEnd()),
  split: (s, sep, max) => pySplit(s, sep as string | undefined, max as number | undefined),
  replace: (s, a, b) => s.split(String(a)).join(String(b)),
  startswith: (s, p) => (Array.isArray(p) ? p.some((x) => s.startsWith(String(x))) : s.startsWith(String(p))),
  endswith: (s, p) => (Array.isArray(p) ? p.some((x) => s.endsWith(String(x))) : s.endsWith(String(p))),
  // Python's str.title(): a letter after any non-letter starts a word ('a_b' -> 'A_B').
  title: (s) => s.toLowerCase().replace(/(^|[^\p{L}])(\p{L})/gu, (_m, a: string, c: string) => a + c.toUpperCase()),
  capitalize: (s) => (s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s),
  join: (s, items) => (items as unknown[]).map(String).join(s),
  format: (s, ...args) => {
    const kw = args.find(isKeywords) as Record<string, unknown> | undefined;
    const pos = args.filter((a) => !isKeywords(a));
    let i = 0;
    return s.replace(/\{(\w*)(?::([^}]*))?\}/g, (_m, n: string, spec: string | undefined) => formatSpec(n === '' ? pos[i++] : /^\d+$/.test(n) ? pos[Number(n)] : kw?.[n], spec ?? ''));
  },
  find: (s, sub) => s.indexOf(String(sub)),
  count: (s, sub) => s.split(String(sub)).length - 1,
  isdigit: (s) => /^\d+$/.test(s),
  isupper: (s) => s === s.toUpperCase() && s !== s.toLowerCase(),
  islower: (s) => s === s.toLowerCase() && s !== s.toUpperCase(),
  zfill: (s, n) => s.padStart(Number(n), '0'),
  rjust: (s, n, fill) => s.padStart(Number(n), typeof fill === 'string' ? fill : ' '),
  ljust: (s, n, fill) => s.padEnd(Number(n), typeof fill === 'string' ? fill : ' '),
  center: (s, n, fill) => formatSpec(s, `${typeof fill === 'string' ? fill : ' '}^${Number(n)}`),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  rfind: (s, sub) => s.lastIndexOf(String(sub)),
};

/** Python's format spec, the common part: [[fill]align][0][width][.precision][type]. */
function formatSpec(v: unknown, spec: string): string {
  const m = /^(?:(.)?([<>^]))?(0)?(\d+)?(?:\.(\d+))?([sdf%])?$/.exec(spec);
  if (!spec || !m) return String(pyStr(v));
  const [, fill = ' ', align, zero, width, precision, type] = m;
  let text = type === 'f' || (precision !== undefined && typeof v === 'number') ? Number(v).toFixed(Number(precision ?? 6)) : type === '%' ? `${(Number(v) * 100).toFixed(Number(precision ?? 6))}%` : type === 'd' ? String(Math.trunc(Number(v))) : String(pyStr(v));
  const w = Number(width ?? 0);
  if (text.length >= w) return text;
  if (zero && !align) return text.startsWith('-') ? `-${text.slice(1).padStart(w - 1, '0')}` : text.padStart(w, '0');
  const a = align ?? (typeof v === 'number' ? '>' : '<');
  const pad = w - text.length;
  if (a === '>') text = fill.repeat(pad) + text;
  else if (a === '<') text += fill.repeat(pad);
  else text = fill.repeat(Math.floor(pad / 2)) + text + fill.repeat(Math.ceil(pad / 2));
  return text;
}

/** Python's `fmt % args`: %s, %r, %d, %i, %f with flags, width and precision. */
function printf(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%([-0]?)(\d*)(?:\.(\d+))?([sdifr%])/g, (_m, flag: string, width: string, precision: string | undefined, c: string) => {
    if (c === '%') return '%';
    const v = args[i++];
    const text = c === 'r' ? pyRepr(v) : c === 'd' || c === 'i' ? String(Math.trunc(Number(v))) : c === 'f' ? Number(v).toFixed(Number(precision ?? 6)) : String(pyStr(v));
    const w = Number(width || 0);
    return flag === '-' ? text.padEnd(w) : flag === '0' && c !== 's' ? text.padStart(w, '0') : text.padStart(w);
  });
}

function trimChars(s: string, chars: string, left: boolean, right: boolean): string {
  let a = 0;
  let b = s.length;
  while (left && a < b && chars.includes(s[a]!)) a++;
  while (right && b > a && chars.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

function pySplit(s: string, sep?: string, max?: number): string[] {
  if (sep === undefined || sep === null) {
    const parts = s.trim().split(/\s+/).filter(Boolean);
    return parts;
  }
  const parts = s.split(sep);
  if (max === undefined || max < 0 || parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(sep)];
}

export function installJinjaCompat(): void {
  if (installed) return;
  installed = true;
  nunjucks.installJinjaCompat();
  const runtime = nunjucks.runtime as unknown as Runtime;
  const prev = runtime.memberLookup;
  runtime.memberLookup = function memberLookup(this: unknown, obj: unknown, val: unknown, ...rest: unknown[]): unknown {
    // obj[a:b]: nunjucks slices arrays only; a string slice is a string in Python.
    if (rest.length === 2 && typeof obj === 'string') return (prev.call(this, obj, val, ...rest) as string[]).join('');
    if (typeof obj === 'string' || obj instanceof String) {
      const m = STRING_METHODS[String(val)];
      if (m) return (...args: unknown[]) => m(String(obj), ...args);
    }
    if ((typeof obj === 'string' || Array.isArray(obj)) && typeof val === 'number' && val < 0) return (obj as ArrayLike<unknown>)[obj.length + val];
    if (Array.isArray(obj) && val === 'extend') return (items: Iterable<unknown>) => (obj.push(...items), '');
    // dict.get(k) is None when k is missing; nunjucks' own get gives undefined, which prints nothing.
    if (isPlainObject(obj) && val === 'get' && !('get' in obj)) return (k: string, d: unknown = null) => (Object.hasOwn(obj, k) ? obj[k] : d);
    return prev.call(this, obj, val, ...rest);
  };
  const suppress = runtime.suppressValue;
  runtime.suppressValue = (v: unknown, autoescape: boolean) => suppress(v === undefined ? v : pyStr(v), autoescape);
  runtime.smAdd = (a: unknown, b: unknown) => (Array.isArray(a) && Array.isArray(b) ? [...a, ...b] : (a as number) + (b as number));
  runtime.smMul = (a: unknown, b: unknown) => {
    if (typeof a === 'string' && typeof b === 'number') return a.repeat(Math.max(0, b));
    if (typeof b === 'string' && typeof a === 'number') return b.repeat(Math.max(0, a));
    if (Array.isArray(a) && typeof b === 'number') return Array.from({ length: Math.max(0, b) }, () => a).flat();
    return (a as number) * (b as number);
  };
  runtime.smIterKeys = (v: unknown) => (isPlainObject(v) ? Object.keys(v) : v);
  runtime.smEq = pyEqual;
  runtime.smMod = (a: unknown, b: unknown) => (typeof a === 'string' ? printf(a, Array.isArray(b) ? b : [b]) : (a as number) % (b as number));
  patchCompiler();
}

interface Runtime {
  memberLookup: (obj: unknown, val: unknown, ...rest: unknown[]) => unknown;
  suppressValue: (v: unknown, autoescape: boolean) => unknown;
  smAdd?: (a: unknown, b: unknown) => unknown;
  smMul?: (a: unknown, b: unknown) => unknown;
  smIterKeys?: (v: unknown) => unknown;
  smEq?: (a: unknown, b: unknown) => boolean;
  smMod?: (a: unknown, b: unknown) => unknown;
}

/** Python's ==: lists and dicts compare by value. */
function pyEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && pyEqual(a[k], b[k]));
  }
  // nunjucks' == is JavaScript's loose ==; keep it for scalars so existing templates behave the same.
  return a == b;
}

interface CompilerProto {
  _emit(code: string): void;
  _emitLine(code: string): void;
  compile(node: unknown, frame: unknown): void;
  compileAdd(node: { left: unknown; right: unknown }, frame: unknown): void;
  compileMul(node: { left: unknown; right: unknown }, frame: unknown): void;
  compileMod(node: { left: unknown; right: unknown }, frame: unknown): void;
  compileCompare(node: { expr: unknown; ops: { type: string; expr: unknown }[] }, frame: unknown): void;
  compileFor(node: { name: unknown; arr: unknown; lineno: number; colno: number }, frame: unknown): void;
  _emitLoopBindings(node: unknown, arr: string, i: string, len: string): void;
  compileSmIterKeys?(node: { inner: unknown }, frame: unknown): void;
  compileSmLoopFilter?(node: { names: string[]; iter: unknown; cond: unknown }, frame: unknown): void;
}

/**
 * Jinja semantics nunjucks compiles differently: `+` concatenates lists and `*` repeats
 * strings (JavaScript would give "1,23" and NaN); `{% for k in dict %}` walks the keys; and a
 * `{% set %}` inside a loop does not leak out of it (why dbt code uses namespace()).
 */
function patchCompiler(): void {
  const lib = nunjucks as unknown as { compiler: { Compiler: { prototype: CompilerProto } }; nodes: { Array: new (...a: unknown[]) => unknown; FunCall: { prototype: object } } };
  const proto = lib.compiler.Compiler.prototype;
  const binary = (fn: string) =>
    function (this: CompilerProto, node: { left: unknown; right: unknown }, frame: unknown): void {
      this._emit(`runtime.${fn}(`);
      this.compile(node.left, frame);
      this._emit(', ');
      this.compile(node.right, frame);
      this._emit(')');
    };
  proto.compileAdd = binary('smAdd');
  proto.compileMul = binary('smMul');
  proto.compileMod = binary('smMod');
  const compileCompare = proto.compileCompare;
  proto.compileCompare = function (node, frame) {
    const op = node.ops.length === 1 ? node.ops[0]!.type : undefined;
    if (op !== '==' && op !== '!=') return compileCompare.call(this, node, frame);
    this._emit(op === '!=' ? '!runtime.smEq(' : 'runtime.smEq(');
    this.compile(node.expr, frame);
    this._emit(', ');
    this.compile(node.ops[0]!.expr, frame);
    this._emit(')');
  };
  proto.compileSmIterKeys = function (node, frame) {
    this._emit('runtime.smIterKeys(');
    this.compile(node.inner, frame);
    this._emit(')');
  };
  // `{% for x in xs if cond %}` parses as a for over the inline if `xs if cond`; Jinja filters the items first.
  proto.compileSmLoopFilter = function (node, frame) {
    const names = node.names.map((n) => JSON.stringify(n));
    this._emit('(function () { var out = []; var src = runtime.fromIterator(');
    this.compile(node.iter, frame);
    this._emit('); if (!src) return out; for (var i = 0; i < src.length; i++) { frame = frame.push();');
    this._emit(names.length === 1 ? `frame.set(${names[0]}, src[i]);` : names.map((n, u) => `frame.set(${n}, src[i][${u}]);`).join(' '));
    this._emit(' var keep = ');
    this.compile(node.cond, frame);
    this._emit('; frame = frame.pop(); if (keep) out.push(src[i]); } return out; })()');
  };
  // Jinja's loop.cycle(), loop.previtem and loop.nextitem, beside nunjucks' own loop variables.
  const emitLoopBindings = proto._emitLoopBindings;
  proto._emitLoopBindings = function (node, arr, i, len) {
    emitLoopBindings.call(this, node, arr, i, len);
    this._emitLine(`frame.set("loop.cycle", (function (n) { return function () { return arguments[n % arguments.length]; }; })(${i}));`);
    this._emitLine(`if (runtime.isArray(${arr})) { frame.set("loop.previtem", ${i} > 0 ? ${arr}[${i} - 1] : undefined); frame.set("loop.nextitem", ${i} < ${len} - 1 ? ${arr}[${i} + 1] : undefined); }`);
  };
  const compileFor = proto.compileFor;
  proto.compileFor = function (node, frame) {
    const single = !(node.name instanceof lib.nodes.Array);
    const names = single ? [(node.name as { value: string }).value] : (node.name as { children: { value: string }[] }).children.map((c) => c.value);
    // A FunCall in nunjucks' eyes (so the for-loop accepts it), compiled by compileSm<typename>.
    const fake = (typename: string, props: Record<string, unknown>): object =>
      Object.create(lib.nodes.FunCall.prototype, {
        typename: { value: typename },
        lineno: { value: node.lineno },
        colno: { value: node.colno },
        ...Object.fromEntries(Object.entries(props).map(([k, v]) => [k, { value: v }])),
      }) as object;
    const inlineIf = node.arr as { typename?: string; cond?: unknown; body?: unknown; else_?: unknown };
    let arr: unknown = node.arr;
    if (inlineIf.typename === 'InlineIf' && !inlineIf.else_) arr = fake('SmLoopFilter', { names, iter: single ? fake('SmIterKeys', { inner: inlineIf.body }) : inlineIf.body, cond: inlineIf.cond });
    else if (single) arr = fake('SmIterKeys', { inner: node.arr });
    if (arr !== node.arr) node = Object.assign(Object.create(Object.getPrototypeOf(node) as object) as typeof node, node, { arr });
    const emitLine = this._emitLine;
    let first = true;
    // Jinja scopes a loop body: writes stay in the loop's frame instead of resolving up.
    this._emitLine = function (this: CompilerProto, code: string) {
      if (first && code === 'frame = frame.push();') {
        first = false;
        code = 'frame = frame.push(true);';
      }
      emitLine.call(this, code);
    };
    try {
      compileFor.call(this, node, frame);
    } finally {
      this._emitLine = emitLine;
    }
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
}

function isKeywords(v: unknown): boolean {
  return isPlainObject(v) && '__keywords' in v;
}

/** How Python's str() prints a value: what `{{ x }}` shows in dbt. */
export function pyStr(v: unknown): unknown {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (Array.isArray(v) || isPlainObject(v)) return pyRepr(v);
  return v;
}

/** Python's repr(): strings quoted, lists and dicts in Python syntax. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') {
    const q = v.includes("'") && !v.includes('"') ? '"' : "'";
    return q + v.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`).replace(/\n/g, '\\n') + q;
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isPlainObject(v)) return `{${Object.entries(v).filter(([k]) => k !== '__keywords').map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  return String(pyStr(v));
}

/** Python's json.dumps: ", " and ": " separators, optionally sorted keys (Jinja's tojson filter sorts). */
export function pyJson(v: unknown, sortKeys: boolean, indent?: number): string {
  const sorted = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sorted) : isPlainObject(x) ? Object.fromEntries((sortKeys ? Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : Object.entries(x)).map(([k, y]) => [k, sorted(y)])) : x;
  const text = JSON.stringify(sorted(v), jsonReplacer, indent);
  if (text === undefined) return 'null';
  if (indent !== undefined) return text;
  // JSON.stringify is compact; re-space it outside strings as Python does.
  return text.replace(/("(?:[^"\\]|\\.)*")|([,:])/g, (_m, str: string | undefined, sep: string | undefined) => str ?? `${sep} `);
}

/** `{% do expr %}`: evaluate for its side effect, print nothing. */
export class DoExtension {
  tags = ['do'];
  parse(parser: any, nodes: any): unknown {
    const tok = parser.nextToken();
    const args = new nodes.NodeList(tok.lineno, tok.colno);
    args.addChild(parser.parseExpression());
    parser.advanceAfterBlockEnd(tok.value);
    return new nodes.CallExtension(this, 'run', args);
  }
  run(_context: unknown, _value: unknown): string {
    return '';
  }
}

/**
 * Jinja's `{% set ns.attr = value %}` is not nunjucks syntax; rewrite it to a `do` of a
 * setter before parsing. Only a dotted target is rewritten, so ordinary sets are untouched.
 */
export function rewriteJinjaSyntax(src: string): string {
  if (!src.includes('{%')) return src;
  return src.replace(/\{%(-?)\s*set\s+([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*=\s*([\s\S]*?)\s*(-?)%\}/g, (_m, l: string, obj: string, attr: string, expr: string, r: string) => {
    return `{%${l} do ${obj}.__set__("${attr}", ${expr}) ${r}%}`;
  });
}

/** Jinja's `namespace(...)`: a mutable bag that survives loop scopes. */
export function namespace(kwargs?: Record<string, unknown>): Record<string, unknown> {
  const ns: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs ?? {})) if (k !== '__keywords') ns[k] = v;
  Object.defineProperty(ns, '__set__', { value: (k: string, v: unknown) => ((ns[k] = v), ''), enumerable: false });
  return ns;
}

export function addCompatFilters(env: nunjucks.Environment): void {
  // Jinja's tojson sorts keys and escapes <, >, & and ' for HTML; dbt's tojson() keeps key order.
  env.addFilter('tojson', (v: unknown, indent?: number) => pyJson(v, true, typeof indent === 'number' ? indent : undefined).replace(/[<>&']/g, (c) => `\\u00${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  env.addGlobal('tojson', (v: unknown) => pyJson(v, false));
  env.addGlobal('fromjson', (s: unknown, dflt: unknown = null) => {
    try {
      return JSON.parse(String(s)) as unknown;
    } catch {
      return dflt;
    }
  });
  env.addGlobal('toyaml', (v: unknown) => stringifyYaml(v));
  env.addGlobal('fromyaml', (s: unknown, dflt: unknown = null) => {
    try {
      return parseYaml(String(s)) as unknown;
    } catch {
      return dflt;
    }
  });
  env.addFilter('int', (v: unknown, dflt: unknown = 0) => {
    const n = typeof v === 'number' ? Math.trunc(v) : parseInt(String(v), 10);
    return Number.isNaN(n) ? dflt : n;
  });
  env.addFilter('float', (v: unknown, dflt: unknown = 0) => {
    const n = typeof v === 'number' ? v : parseFloat(String(v));
    return Number.isNaN(n) ? dflt : n;
  });
  // Python's printf-style `'%s-%s' | format(a, b)`.
  env.addFilter('format', (fmt: string, ...args: unknown[]) => printf(String(fmt), args));
  env.addGlobal('dict', (kw?: Record<string, unknown>) => Object.fromEntries(Object.entries(kw ?? {}).filter(([k]) => k !== '__keywords')));
  // Jinja's groupby: (grouper, list) pairs sorted by key, usable as g.grouper/g.list or `for key, rows in ...`.
  env.addFilter('groupby', (arr: unknown[], attr: string) => {
    const groups = new Map<unknown, unknown[]>();
    for (const item of arr ?? []) {
      const k = String(attr).split('.').reduce<unknown>((o, p) => (o as Record<string, unknown> | undefined)?.[p], item);
      groups.set(k, [...(groups.get(k) ?? []), item]);
    }
    return [...groups.entries()].sort(([a], [b]) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0)).map(([grouper, list]) => Object.assign([grouper, list], { grouper, list }));
  });
  // Python's round(): ties to even at the last kept digit (method 'common'); 'ceil' and 'floor' as named.
  env.addFilter('round', (v: unknown, precision: unknown = 0, method: unknown = 'common') => {
    const f = 10 ** Number(precision);
    const x = Number(v) * f;
    if (method === 'ceil') return Math.ceil(x) / f;
    if (method === 'floor') return Math.floor(x) / f;
    const r = Math.round(x);
    return (Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r) / f;
  });
  env.addFilter('count', (v: unknown) => (Array.isArray(v) || typeof v === 'string' ? v.length : isPlainObject(v) ? Object.keys(v).length : 0));
  const extreme = (sign: number) => (arr: unknown[], ...rest: unknown[]) => {
    const kw = rest.find(isKeywords) as { attribute?: string } | undefined;
    const key = (x: unknown) => (kw?.attribute ? (x as Record<string, unknown>)[kw.attribute] : x) as number;
    return [...(arr ?? [])].reduce((best, x) => (best === undefined || sign * (key(x) - key(best)) > 0 ? x : best), undefined as unknown);
  };
  env.addFilter('max', extreme(1));
  env.addFilter('min', extreme(-1));
  // Jinja's selectattr/rejectattr take an optional test and its arguments: selectattr('type', 'equalto', 'int').
  const byAttr = (keep: boolean) => (arr: unknown[], attr: string, test?: string, ...args: unknown[]) =>
    [...(arr ?? [])].filter((item) => {
      const v = String(attr).split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], item);
      const ok = test === undefined ? !!v : !!(env as unknown as { getTest(n: string): (...a: unknown[]) => unknown }).getTest(test)(v, ...args);
      return ok === keep;
    });
  env.addFilter('selectattr', byAttr(true));
  env.addFilter('rejectattr', byAttr(false));
  env.addFilter('as_text', (v: unknown) => String(v));
  env.addFilter('as_bool', (v: unknown) => v === true || v === 'true' || v === 'True');
  env.addFilter('as_number', (v: unknown) => Number(v));
  env.addFilter('map', (arr: unknown, arg?: unknown) => {
    const list = Array.isArray(arr) ? arr : arr ? [...(arr as Iterable<unknown>)] : [];
    if (arg && typeof arg === 'object' && 'attribute' in (arg as object)) {
      const a = (arg as { attribute: string }).attribute;
      return list.map((x) => (x as Record<string, unknown>)?.[a]);
    }
    if (typeof arg === 'string') {
      const f = env.getFilter(arg) as (x: unknown) => unknown;
      return list.map((x) => f(x));
    }
    return list;
  });
  env.addFilter('items', (o: Record<string, unknown>) => Object.entries(o ?? {}));
  env.addFilter('unique', (arr: unknown[]) => [...new Set(arr ?? [])]);
}

function jsonReplacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
