import type { Context } from './macro.ts';
import { printf, pyRound } from './py-format.ts';
import { iterList, STR_METHODS } from './py-methods.ts';
import { add, pyCompare } from './py-ops.ts';
import { PyDecimal } from './py-decimal.ts';
import { isDict, mkFloat, PyFloat, pyJson, pyRepr, pyStr, PyTuple, truthy, tuple } from './py-values.ts';
import { attr } from './runtime.ts';
import { applyTest, type JinjaTest } from './tests.ts';

/** A filter: the calling context, the value, positional and keyword arguments. */
export type JinjaFilter = (c: Context, v: unknown, args: unknown[], kw: Record<string, unknown> | null) => unknown;

/** Positional argument i or keyword `name`, else the default. */
function arg(args: unknown[], kw: Record<string, unknown> | null, i: number, name: string, dflt?: unknown): unknown {
  if (kw && Object.hasOwn(kw, name)) return kw[name];
  return i < args.length ? args[i] : dflt;
}

/** `attribute='a.b'` or `attribute=0` lookups of map, sort, groupby and friends. */
function getter(attribute: unknown, dflt?: unknown): (x: unknown) => unknown {
  if (attribute === undefined || attribute === null) return (x) => x;
  const parts = typeof attribute === 'string' ? attribute.split('.') : [attribute];
  return (x) => {
    let v: unknown = x;
    for (const p of parts) {
      if (v === undefined || v === null) return dflt;
      const k = typeof p === 'string' && /^\d+$/.test(p) && Array.isArray(v) ? Number(p) : p;
      v = typeof k === 'number' ? (v as unknown[])[k] : attr(v, String(k));
    }
    return v === undefined ? dflt : v;
  };
}

/** Jinja sorts and compares strings case-insensitively unless asked not to. */
function fold(caseSensitive: unknown): (x: unknown) => unknown {
  return (x) => (!truthy(caseSensitive) && typeof x === 'string' ? x.toLowerCase() : x);
}

function toInt(v: unknown, dflt: unknown, base: number): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : dflt;
  if (v instanceof PyFloat) return Number.isFinite(v.v) ? Math.trunc(v.v) : dflt;
  if (v instanceof PyDecimal) return Math.trunc(v.valueOf());
  if (typeof v === 'boolean') return Number(v);
  if (typeof v !== 'string') return dflt;
  const s = v.trim().replace(/_/g, '');
  if (base === 10 && /^[+-]?\d+$/.test(s)) return Number(s);
  if (base !== 10) {
    const n = parseInt(s.replace(/^0[xob]/i, ''), base);
    return Number.isNaN(n) ? dflt : n;
  }
  const f = Number(s);
  return s !== '' && Number.isFinite(f) ? Math.trunc(f) : dflt;
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/** Jinja's built-in filters and dbt's additions, with Jinja's defaults. `tests` backs select/reject. */
export function builtinFilters(tests: Record<string, JinjaTest>, filters: () => Record<string, JinjaFilter>): Record<string, JinjaFilter> {
  const f: Record<string, JinjaFilter> = {
    abs: (_c, v) => (v instanceof PyFloat ? new PyFloat(Math.abs(v.v)) : v instanceof PyDecimal ? new PyDecimal(false, v.coef, v.exp) : Math.abs(Number(v))),
    attr: (_c, v, a, kw) => attr(v, String(arg(a, kw, 0, 'name'))),
    batch: (_c, v, a, kw) => {
      const n = Number(arg(a, kw, 0, 'linecount'));
      const fill = arg(a, kw, 1, 'fill_with', null);
      const items = iterList(v);
      const out: unknown[][] = [];
      for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
      if (fill !== null && out.length && out[out.length - 1]!.length < n) while (out[out.length - 1]!.length < n) out[out.length - 1]!.push(fill);
      return out;
    },
    capitalize: (_c, v) => STR_METHODS.capitalize!(pyStr(v), [], null),
    center: (_c, v, a, kw) => STR_METHODS.center!(pyStr(v), [arg(a, kw, 0, 'width', 80)], null),
    default: (_c, v, a, kw) => {
      const dflt = arg(a, kw, 0, 'default_value', '');
      return v === undefined || (truthy(arg(a, kw, 1, 'boolean', false)) && !truthy(v)) ? dflt : v;
    },
    dictsort: (_c, v, a, kw) => {
      const cs = fold(arg(a, kw, 0, 'case_sensitive', false));
      const by = arg(a, kw, 1, 'by', 'key') === 'value' ? 1 : 0;
      const items = Object.entries(v as Record<string, unknown>).map(([k, x]) => tuple(k, x));
      items.sort((x, y) => pyCompare(cs(x[by]), cs(y[by])));
      if (truthy(arg(a, kw, 2, 'reverse', false))) items.reverse();
      return items;
    },
    escape: (_c, v) => pyStr(v).replace(/[&<>"']/g, (ch) => HTML[ch]!),
    filesizeformat: (_c, v, a, kw) => {
      const bytes = Number(v);
      const binary = truthy(arg(a, kw, 0, 'binary', false));
      const base = binary ? 1024 : 1000;
      const units = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
      if (bytes === 1) return '1 Byte';
      if (bytes < base) return `${bytes} Bytes`;
      let i = 0;
      let unit = base;
      while (i < units.length - 1 && bytes >= unit * base) {
        unit *= base;
        i++;
      }
      return `${(bytes / unit).toFixed(1)} ${units[i]}`;
    },
    first: (_c, v) => iterList(v)[0],
    float: (_c, v, a, kw) => {
      const n = typeof v === 'number' || v instanceof PyFloat || v instanceof PyDecimal ? Number(v) : typeof v === 'boolean' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : NaN;
      return Number.isNaN(n) && !(typeof v === 'string' && /^\s*[+-]?nan\s*$/i.test(v)) ? arg(a, kw, 0, 'default', new PyFloat(0)) : mkFloat(n);
    },
    format: (_c, v, a, kw) => printf(pyStr(v), kw ? kw : PyTuple.fromArray(a)),
    groupby: (_c, v, a, kw) => {
      const key = getter(arg(a, kw, 0, 'attribute'), arg(a, kw, 1, 'default'));
      const cs = fold(arg(a, kw, 2, 'case_sensitive', false));
      const items = [...iterList(v)].sort((x, y) => pyCompare(cs(key(x)), cs(key(y))));
      const out: PyTuple[] = [];
      for (const x of items) {
        const k = key(x);
        const last = out[out.length - 1] as (PyTuple & { grouper: unknown; list: unknown[] }) | undefined;
        if (last && pyCompare(cs(last.grouper), cs(k)) === 0) last.list.push(x);
        else {
          const list = [x];
          out.push(Object.assign(tuple(k, list), { grouper: k, list }));
        }
      }
      return out;
    },
    indent: (_c, v, a, kw) => {
      const w = arg(a, kw, 0, 'width', 4);
      const pad = typeof w === 'string' ? w : ' '.repeat(Number(w));
      const first = truthy(arg(a, kw, 1, 'first', false));
      const blank = truthy(arg(a, kw, 2, 'blank', false));
      const lines = pyStr(v).split('\n');
      return lines.map((l, i) => ((i === 0 && !first) || (!blank && !l.trim()) ? l : pad + l)).join('\n');
    },
    int: (_c, v, a, kw) => toInt(v, arg(a, kw, 0, 'default', 0), Number(arg(a, kw, 1, 'base', 10))),
    items: (_c, v) => (v === undefined ? [] : Object.entries(v as Record<string, unknown>).map(([k, x]) => tuple(k, x))),
    join: (_c, v, a, kw) => {
      const sep = pyStr(arg(a, kw, 0, 'd', ''));
      const g = getter(arg(a, kw, 1, 'attribute'));
      return iterList(v).map((x) => pyStr(g(x))).join(sep);
    },
    last: (_c, v) => {
      const l = iterList(v);
      return l[l.length - 1];
    },
    length: (_c, v) => (v === undefined ? 0 : typeof v === 'string' || Array.isArray(v) ? v.length : isDict(v) ? Object.keys(v).length : iterList(v).length),
    list: (_c, v) => [...iterList(v)],
    lower: (_c, v) => pyStr(v).toLowerCase(),
    // Jinja's map, select, reject, selectattr and rejectattr give nothing for a falsy value (None included).
    map: (c, v, a, kw) => {
      const items = truthy(v) ? iterList(v) : [];
      if (kw && 'attribute' in kw) {
        const g = getter(kw.attribute, kw.default);
        return items.map(g);
      }
      const name = String(a[0]);
      const fn = filters()[name];
      if (!fn) throw new Error(`No filter named '${name}'.`);
      return items.map((x) => fn(c, x, a.slice(1), kw));
    },
    max: (_c, v, a, kw) => extreme(v, a, kw, 1),
    min: (_c, v, a, kw) => extreme(v, a, kw, -1),
    pprint: (_c, v) => pyRepr(v),
    random: (_c, v) => {
      const l = iterList(v);
      return l[Math.floor(Math.random() * l.length)];
    },
    reject: (_c, v, a) => (truthy(v) ? iterList(v) : []).filter((x) => !applyTest(tests, a[0], x, a.slice(1))),
    rejectattr: (_c, v, a) => (truthy(v) ? iterList(v) : []).filter((x) => !applyTest(tests, a[1], getter(a[0])(x), a.slice(2))),
    replace: (_c, v, a, kw) => STR_METHODS.replace!(pyStr(v), [arg(a, kw, 0, 'old'), arg(a, kw, 1, 'new'), arg(a, kw, 2, 'count')].filter((x) => x !== undefined && x !== null), null),
    reverse: (_c, v) => (typeof v === 'string' ? [...v].reverse().join('') : [...iterList(v)].reverse()),
    round: (_c, v, a, kw) => {
      const p = Number(arg(a, kw, 0, 'precision', 0));
      const method = arg(a, kw, 1, 'method', 'common');
      const x = Number(v);
      const f = 10 ** p;
      if (method === 'ceil') return mkFloat(Math.ceil(x * f) / f);
      if (method === 'floor') return mkFloat(Math.floor(x * f) / f);
      if (method !== 'common') throw new Error("method must be 'common', 'ceil' or 'floor'");
      // round() of a Decimal is a Decimal at that many places (half to even).
      if (v instanceof PyDecimal) return v.round(p);
      // round() of an int stays an int in Python; of a float it is a float.
      return typeof v === 'number' && Number.isInteger(v) ? pyRound(x, p) : mkFloat(pyRound(x, p));
    },
    safe: (_c, v) => v,
    select: (_c, v, a) => (truthy(v) ? iterList(v) : []).filter((x) => applyTest(tests, a[0], x, a.slice(1))),
    selectattr: (_c, v, a) => (truthy(v) ? iterList(v) : []).filter((x) => applyTest(tests, a[1], getter(a[0])(x), a.slice(2))),
    slice: (_c, v, a, kw) => {
      const items = iterList(v);
      const n = Number(arg(a, kw, 0, 'slices'));
      const fill = arg(a, kw, 1, 'fill_with', null);
      const per = Math.floor(items.length / n);
      const extra = items.length % n;
      const out: unknown[][] = [];
      let off = 0;
      for (let i = 0; i < n; i++) {
        const size = per + (i < extra ? 1 : 0);
        const part = items.slice(off, off + size);
        off += size;
        if (fill !== null && i >= extra && extra) part.push(fill);
        out.push(part);
      }
      return out;
    },
    sort: (_c, v, a, kw) => {
      const reverse = truthy(arg(a, kw, 0, 'reverse', false));
      const cs = fold(arg(a, kw, 1, 'case_sensitive', false));
      const g = getter(arg(a, kw, 2, 'attribute'));
      const out = [...iterList(v)].sort((x, y) => pyCompare(cs(g(x)), cs(g(y))));
      return reverse ? out.reverse() : out;
    },
    string: (_c, v) => pyStr(v),
    striptags: (_c, v) => pyStr(v).replace(/<!--[\s\S]*?-->|<[^>]*>/g, '').replace(/\s+/g, ' ').trim(),
    sum: (_c, v, a, kw) => {
      const g = getter(arg(a, kw, 0, 'attribute'));
      let total = arg(a, kw, 1, 'start', 0);
      for (const x of iterList(v)) total = add(total, g(x));
      return total;
    },
    title: (_c, v) => pyStr(v).split(/([-\s({[<]+)/).map((w) => (w ? w[0]!.toUpperCase() + w.slice(1).toLowerCase() : w)).join(''),
    tojson: (_c, v, a, kw) => {
      const indent = arg(a, kw, 0, 'indent');
      // Jinja's tojson sorts keys and escapes <, >, & and ' so the JSON is safe inside HTML.
      return pyJson(v, true, typeof indent === 'number' ? indent : undefined).replace(/[<>&']/g, (ch) => `\\u00${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
    },
    trim: (_c, v, a, kw) => STR_METHODS.strip!(pyStr(v), [arg(a, kw, 0, 'chars')], null),
    truncate: (_c, v, a, kw) => {
      const s = pyStr(v);
      const length = Number(arg(a, kw, 0, 'length', 255));
      const killwords = truthy(arg(a, kw, 1, 'killwords', false));
      const end = pyStr(arg(a, kw, 2, 'end', '...'));
      const leeway = Number(arg(a, kw, 3, 'leeway', 5));
      if (s.length <= length + leeway) return s;
      if (killwords) return s.slice(0, length - end.length) + end;
      const cut = s.slice(0, length - end.length);
      const sp = cut.lastIndexOf(' ');
      return (sp >= 0 ? cut.slice(0, sp) : cut) + end;
    },
    unique: (_c, v, a, kw) => {
      const cs = fold(arg(a, kw, 0, 'case_sensitive', false));
      const g = getter(arg(a, kw, 1, 'attribute'));
      const seen: unknown[] = [];
      const out: unknown[] = [];
      for (const x of iterList(v)) {
        const k = cs(g(x));
        if (!seen.some((s) => s === k || (typeof s === 'object' && JSON.stringify(s) === JSON.stringify(k)))) {
          seen.push(k);
          out.push(x);
        }
      }
      return out;
    },
    upper: (_c, v) => pyStr(v).toUpperCase(),
    urlencode: (_c, v) => (isDict(v) ? Object.entries(v).map(([k, x]) => `${encodeURIComponent(k)}=${encodeURIComponent(pyStr(x))}`).join('&') : encodeURIComponent(pyStr(v)).replace(/%2F/g, '/')),
    wordcount: (_c, v) => (pyStr(v).match(/\w+/gu) ?? []).length,
    wordwrap: (_c, v, a, kw) => {
      const width = Number(arg(a, kw, 0, 'width', 79));
      const words = pyStr(v).split(/\s+/).filter(Boolean);
      const lines: string[] = [];
      let cur = '';
      for (const w of words) {
        if (cur && cur.length + 1 + w.length > width) {
          lines.push(cur);
          cur = w;
        } else cur = cur ? `${cur} ${w}` : w;
      }
      if (cur) lines.push(cur);
      return lines.join(String(arg(a, kw, 2, 'wrapstring', '\n')));
    },
    // dbt's text-rendering filters: markers in native rendering, the value itself in SQL.
    as_text: (_c, v) => v,
    as_bool: (_c, v) => v,
    as_native: (_c, v) => v,
    as_number: (_c, v) => v,
    is_list: (_c, v) => Array.isArray(v) && !(v instanceof PyTuple),
  };
  Object.assign(f, { d: f.default, e: f.escape, forceescape: f.escape, count: f.length });
  return f;
}

function extreme(v: unknown, a: unknown[], kw: Record<string, unknown> | null, sign: number): unknown {
  const cs = fold(arg(a, kw, 0, 'case_sensitive', false));
  const g = getter(arg(a, kw, 1, 'attribute'));
  let best: unknown;
  let found = false;
  for (const x of iterList(v)) {
    if (!found || sign * pyCompare(cs(g(x)), cs(g(best))) > 0) best = x;
    found = true;
  }
  return best;
}
