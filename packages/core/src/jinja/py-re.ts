import { Kwargs, PyTuple } from './py-values.ts';
import { pyFunction } from './runtime.ts';

/**
 * Python's `re` module as templates use it (`modules.re.sub(...)`, dbt_utils' slugify): the
 * pattern syntax translated to JavaScript's (named groups, \A \Z, inline flags), replacement
 * strings too (\1, \g<name>), and match objects with group()/groups()/start()/end()/span().
 */

const I = 2;
const M = 8;
const S = 16;
const X = 64;

function translate(pattern: string, flags: number): { source: string; flags: string } {
  let p = pattern;
  let f = flags;
  // Leading inline flags: (?i), (?ms), (?i)(?s)...
  for (let inline = /^\(\?([aiLmsux]+)\)/.exec(p); inline; inline = /^\(\?([aiLmsux]+)\)/.exec(p)) {
    p = p.slice(inline[0].length);
    for (const ch of inline[1]!) f |= ch === 'i' ? I : ch === 'm' ? M : ch === 's' ? S : ch === 'x' ? X : 0;
  }
  if (f & X) p = p.replace(/\\#/g, '\u0000').replace(/#[^\n]*/g, '').replace(/\s+/g, '').replace(/\u0000/g, '\\#');
  p = literalBracesAndEscapes(p)
    .replace(/\(\?P<(\w+)>/g, '(?<$1>')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$(?![\\s\\S])');
  return { source: p, flags: `${f & I ? 'i' : ''}${f & M ? 'm' : ''}${f & S ? 's' : ''}u` };
}

const JS_SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);

/**
 * What Python reads literally and JavaScript's unicode mode rejects: a brace that is no
 * quantifier (`{{ var(` in dbt_project_evaluator's patterns), and an escaped punctuation mark
 * (`\-`, `\'`, `\#`) outside a class. `{,n}` is Python's `{0,n}`.
 */
function literalBracesAndEscapes(p: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '\\') {
      const nx = p[i + 1];
      if (nx === undefined) return out + ch;
      i++;
      if (/[0-9A-Za-z]/.test(nx) || JS_SYNTAX.has(nx) || (inClass && nx === '-')) out += ch + nx;
      else out += nx;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      if (p[i + 1] === '^') out += p[++i];
      if (p[i + 1] === ']') out += `\\${p[++i]}`;
      continue;
    }
    if (ch === '{') {
      const q = /^\{(\d+(?:,\d*)?|,\d+)\}/.exec(p.slice(i));
      if (q) {
        out += q[1]!.startsWith(',') ? `{0${q[1]}}` : q[0];
        i += q[0].length - 1;
      } else out += '\\{';
      continue;
    }
    out += ch === '}' ? '\\}' : ch;
  }
  return out;
}

function regex(pattern: unknown, flags: unknown, global: boolean, sticky = false): RegExp {
  const src = pattern instanceof PyPattern ? pattern.pattern : String(pattern);
  const fl = (pattern instanceof PyPattern ? pattern.flags : 0) | Number(flags ?? 0);
  const t = translate(src, fl);
  return new RegExp(t.source, t.flags + (global ? 'g' : '') + (sticky ? 'y' : ''));
}

/** A Python replacement string (`\\1`, `\\g<1>`, `\\g<name>`, `\\n`) expanded for one match. */
function expand(repl: string, m: RegExpExecArray): string {
  return repl.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/gs, (_x, name: string | undefined, num: string | undefined, ch: string | undefined) => {
    if (name !== undefined) return (/^\d+$/.test(name) ? m[Number(name)] : m.groups?.[name]) ?? '';
    if (num !== undefined) return m[Number(num)] ?? '';
    return ch === 'n' ? '\n' : ch === 't' ? '\t' : ch === '\\' ? '\\' : `\\${ch}`;
  });
}

export class PyMatch {
  readonly #m: RegExpExecArray;
  readonly string: string;
  constructor(m: RegExpExecArray, string: string) {
    this.#m = m;
    this.string = string;
  }
  group(...a: unknown[]): unknown {
    const ids = a.filter((x) => !(x instanceof Kwargs));
    const one = (g: unknown) => (typeof g === 'string' ? (this.#m.groups?.[g] ?? null) : (this.#m[Number(g ?? 0)] ?? null));
    return ids.length <= 1 ? one(ids[0]) : PyTuple.fromArray(ids.map(one));
  }
  groups(...a: unknown[]): PyTuple {
    const dflt = a[0] === undefined ? null : a[0];
    return PyTuple.fromArray(this.#m.slice(1).map((x) => x ?? dflt));
  }
  groupdict(): Record<string, unknown> {
    return { ...(this.#m.groups ?? {}) };
  }
  start(): number {
    return this.#m.index;
  }
  end(): number {
    return this.#m.index + this.#m[0].length;
  }
  span(): PyTuple {
    return PyTuple.fromArray([this.start(), this.end()]);
  }
  __getitem__(k: unknown): unknown {
    return this.group(k);
  }
  toString(): string {
    return `<re.Match object; span=(${this.start()}, ${this.end()}), match='${this.#m[0]}'>`;
  }
}

function search(p: unknown, s: string, flags: unknown, anchored: 'start' | 'full' | undefined): PyMatch | null {
  if (anchored === 'full') {
    const src = p instanceof PyPattern ? p.pattern : String(p);
    const m = regex(`(?:${src})$(?![\\s\\S])`, p instanceof PyPattern ? p.flags : flags, false, true).exec(s);
    return m ? new PyMatch(m, s) : null;
  }
  const re = regex(p, flags, false, anchored === 'start');
  const m = re.exec(s);
  return m ? new PyMatch(m, s) : null;
}

/** `re.compile(...)`: the same functions with the pattern bound. */
export class PyPattern {
  readonly pattern: string;
  readonly flags: number;
  constructor(pattern: string, flags: number) {
    this.pattern = pattern;
    this.flags = flags;
  }
  match(s: unknown): PyMatch | null {
    return search(this, String(s), 0, 'start');
  }
  fullmatch(s: unknown): PyMatch | null {
    return search(this, String(s), 0, 'full');
  }
  search(s: unknown): PyMatch | null {
    return search(this, String(s), 0, undefined);
  }
  findall(s: unknown): unknown[] {
    return findall(this, String(s), 0);
  }
  sub(repl: unknown, s: unknown, ...rest: unknown[]): string {
    return sub(this, repl, String(s), rest[0], 0);
  }
  split(s: unknown, ...rest: unknown[]): string[] {
    return split(this, String(s), rest[0], 0);
  }
}

function findall(p: unknown, s: string, flags: unknown): unknown[] {
  const out: unknown[] = [];
  for (const m of s.matchAll(regex(p, flags, true))) out.push(m.length <= 1 ? m[0] : m.length === 2 ? (m[1] ?? '') : PyTuple.fromArray(m.slice(1).map((x) => x ?? '')));
  return out;
}

function sub(p: unknown, repl: unknown, s: string, count: unknown, flags: unknown): string {
  const n = Number(count ?? 0);
  let out = '';
  let last = 0;
  let done = 0;
  for (const m of s.matchAll(regex(p, flags, true))) {
    if (n > 0 && done >= n) break;
    out += s.slice(last, m.index);
    out += typeof repl === 'function' ? String((repl as (x: PyMatch) => unknown)(new PyMatch(m, s))) : expand(String(repl), m);
    last = m.index + m[0].length;
    done++;
  }
  return out + s.slice(last);
}

function split(p: unknown, s: string, maxsplit: unknown, flags: unknown): string[] {
  const n = Number(maxsplit ?? 0);
  const re = regex(p, flags, true);
  const out: string[] = [];
  let last = 0;
  let count = 0;
  for (const m of s.matchAll(re)) {
    if (n > 0 && count >= n) break;
    if (m[0] === '' && m.index === last && m.index !== 0) continue;
    out.push(s.slice(last, m.index), ...m.slice(1).map((x) => x ?? ''));
    last = m.index + m[0].length;
    count++;
  }
  out.push(s.slice(last));
  return out;
}

const kw = (a: Record<string, unknown> | null, k: string, v: unknown) => (a && k in a ? a[k] : v);

export function reModule(): Record<string, unknown> {
  return {
    I,
    IGNORECASE: I,
    M,
    MULTILINE: M,
    S,
    DOTALL: S,
    X,
    VERBOSE: X,
    compile: pyFunction((_c, a, k) => new PyPattern(String(a[0]), Number(kw(k, 'flags', a[1] ?? 0)))),
    match: pyFunction((_c, a, k) => search(a[0], String(a[1]), kw(k, 'flags', a[2]), 'start')),
    fullmatch: pyFunction((_c, a, k) => search(a[0], String(a[1]), kw(k, 'flags', a[2]), 'full')),
    search: pyFunction((_c, a, k) => search(a[0], String(a[1]), kw(k, 'flags', a[2]), undefined)),
    findall: pyFunction((_c, a, k) => findall(a[0], String(a[1]), kw(k, 'flags', a[2]))),
    sub: pyFunction((_c, a, k) => sub(a[0], a[1], String(a[2]), kw(k, 'count', a[3]), kw(k, 'flags', a[4]))),
    split: pyFunction((_c, a, k) => split(a[0], String(a[1]), kw(k, 'maxsplit', a[2]), kw(k, 'flags', a[3]))),
    escape: pyFunction((_c, a) => String(a[0]).replace(/[^\w]/gu, (ch) => `\\${ch}`)),
  };
}
