/**
 * What nunjucks lacks of the Jinja that dbt users write: Python string methods,
 * `True/False/None`, `{% do %}`, `namespace()` with `{% set ns.x = ... %}`, and the
 * filters `tojson`, `map`, `items`. Installed once per process; pure.
 */
import nunjucks from 'nunjucks';

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
  title: (s) => s.replace(/\w\S*/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()),
  capitalize: (s) => (s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s),
  join: (s, items) => (items as unknown[]).map(String).join(s),
  format: (s, ...args) => {
    let i = 0;
    return s.replace(/\{(\d*)\}/g, (_m, n: string) => String(args[n === '' ? i++ : Number(n)]));
  },
  find: (s, sub) => s.indexOf(String(sub)),
  count: (s, sub) => s.split(String(sub)).length - 1,
  isdigit: (s) => /^\d+$/.test(s),
  isupper: (s) => s === s.toUpperCase() && s !== s.toLowerCase(),
  islower: (s) => s === s.toLowerCase() && s !== s.toUpperCase(),
  zfill: (s, n) => s.padStart(Number(n), '0'),
};

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
  const runtime = nunjucks.runtime as unknown as { memberLookup: (obj: unknown, val: unknown, autoescape?: boolean) => unknown };
  const prev = runtime.memberLookup;
  runtime.memberLookup = function memberLookup(obj: unknown, val: unknown, autoescape?: boolean): unknown {
    if (typeof obj === 'string' || obj instanceof String) {
      const m = STRING_METHODS[String(val)];
      if (m) return (...args: unknown[]) => m(String(obj), ...args);
    }
    return prev.call(this, obj, val, autoescape);
  };
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
  env.addFilter('tojson', (v: unknown, indent?: number) => JSON.stringify(v, jsonReplacer, indent));
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
