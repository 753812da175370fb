/**
 * dbt's Python models (`models/**\/*.py`, `def model(dbt, session)`), as sm reads them: like dbt,
 * without running the file, from its literal `dbt.ref(...)`, `dbt.source(...)` and
 * `dbt.config(...)` calls. The node sm keeps is a model whose template is made from those calls
 * (so refs, selection, the graph and the manifest treat it as any model) and whose rendered text
 * is the Python source followed by one comment line with the relations the calls resolved to,
 * which the run hands to the Python process (run/execute-python.ts).
 */

import { fitsInRaw } from '../jinja/lexer.ts';

export interface PythonModelCalls {
  readonly refs: readonly { readonly args: readonly string[]; readonly version?: string | undefined }[];
  readonly sources: readonly (readonly [string, string])[];
  readonly config: Readonly<Record<string, unknown>>;
}

/** The comment line that ends a Python model's rendered text. */
export const RESOLVED_MARK = '# sm:resolved ';

const STR = String.raw`(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")`;

/** A Python model's calls, or what is wrong with them (no model function, a config value that is not a literal). */
export function readPythonModel(source: string): PythonModelCalls | string {
  const refs: { args: string[]; version?: string | undefined }[] = [];
  const sources: (readonly [string, string])[] = [];
  const config: Record<string, unknown> = {};
  const [configKeys, configDefaults, metaKeys, metaDefaults]: unknown[][] = [[], [], [], []];
  let defined = false;
  for (const c of pythonCalls(source)) {
    if (c.name === 'def model') {
      defined = true;
      continue;
    }
    let args: Args;
    try {
      args = new Literal(source, c.at).args();
    } catch (e) {
      // dbt.ref/source with arguments computed at run time: not a dependency read here (the run says so if it is called).
      if (c.name !== 'config') continue;
      const line = source.slice(0, c.at).split('\n').length;
      return `dbt.config() on line ${line} ${(e as Error).message}: dbt reads it without running the file, so its values must be literals (strings, numbers, True/False/None, lists, dicts)`;
    }
    if (c.name === 'config' && args.positional.length) return `dbt.config() on line ${source.slice(0, c.at).split('\n').length} passes something other than name=value`;
    const strings = args.positional.filter((x): x is string => typeof x === 'string');
    if (c.name === 'config.get' || c.name === 'config.meta_get') {
      const [used, defaults] = c.name === 'config.get' ? [configKeys, configDefaults] : [metaKeys, metaDefaults];
      if (args.positional.length) (used.push(args.positional[0]), defaults.push(args.positional[1] ?? null));
    } else if (c.name === 'config') Object.assign(config, args.kwargs);
    else if (c.name === 'source' && strings.length === 2) sources.push([strings[0]!, strings[1]!]);
    else if (c.name === 'ref' && strings.length >= 1 && strings.length <= 2) {
      const v = args.kwargs.v ?? args.kwargs.version;
      refs.push({ args: strings, version: v === undefined || v === null ? undefined : String(v) });
    }
  }
  if (!defined) return 'it defines no model(dbt, session) function';
  // dbt records the keys dbt.config.get() and dbt.config.meta_get() read, with their defaults, as one config call after the others.
  if (configKeys.length || metaKeys.length) Object.assign(config, { config_keys_used: configKeys, config_keys_defaults: configDefaults, meta_keys_used: metaKeys, meta_keys_defaults: metaDefaults });
  return { refs, sources, config };
}

/**
 * The calls that matter in Python source, outside strings and comments (as dbt reads the syntax
 * tree, not the text): `dbt.ref(`, `dbt.source(`, `dbt.config(` with the offset just after the
 * parenthesis, and `def model(` (name `def model`).
 */
function* pythonCalls(src: string): Generator<{ name: string; at: number }> {
  let i = 0;
  let prev = '';
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (ch === '"' || ch === "'") {
      i = afterString(src, i);
      prev = ')';
    } else if (/[A-Za-z_]/.test(ch)) {
      const word = /^\w+/.exec(src.slice(i, i + 64))![0];
      const rest = src.slice(i + word.length, i + word.length + 24);
      if (word === 'dbt' && prev !== '.') {
        const m = /^\s*\.\s*(ref|source|config(?:\s*\.\s*(?:get|meta_get))?)\s*\(/.exec(rest);
        if (m) yield { name: m[1]!.replace(/\s/g, ''), at: i + word.length + m[0].length };
      } else if (word === 'def') {
        const m = /^\s+model\s*\(/.exec(rest);
        if (m) yield { name: 'def model', at: i + word.length + m[0].length };
      }
      i += word.length;
      prev = 'w';
      continue;
    } else if (!/\s/.test(ch)) prev = ch;
    i++;
  }
}

/** Past the string literal opening at `i` (single, double or triple quoted). */
function afterString(src: string, i: number): number {
  const q = src[i]!;
  const triple = src.startsWith(q.repeat(3), i);
  const close = triple ? q.repeat(3) : q;
  let j = i + close.length;
  while (j < src.length) {
    if (src[j] === '\\') j += 2;
    else if (src.startsWith(close, j)) return j + close.length;
    else if (!triple && src[j] === '\n') return j;
    else j++;
  }
  return j;
}

/** The template sm renders for a Python model: its config, its source verbatim, and the relations its calls resolve to. */
export function pythonModelTemplate(text: string, calls: PythonModelCalls): string | undefined {
  if (!fitsInRaw(text)) return undefined;
  const config = Object.keys(calls.config).length ? `{{ config(${jinja(calls.config)}) }}` : '';
  const q = (s: string) => JSON.stringify(s);
  const refs = calls.refs.map((r) => `${q(r.args.join('.'))}: ref(${[...r.args.map(q), ...(r.version === undefined ? [] : [`v=${q(r.version)}`])].join(', ')}) | string`);
  const sources = calls.sources.map(([s, t]) => `${q(`${s}.${t}`)}: source(${q(s)}, ${q(t)}) | string`);
  const resolved = `{{ {"refs": {${refs.join(', ')}}, "sources": {${sources.join(', ')}}, "this": this | string} | tojson }}`;
  return `${config}{% raw %}${text}{% endraw %}\n${RESOLVED_MARK}${resolved}\n`;
}

/** What a rendered Python model resolved: relation names by `name` (or `package.name`) and by `source.table`. */
export function resolvedOf(rendered: string): { refs: Record<string, string>; sources: Record<string, string>; this: string } {
  const at = rendered.lastIndexOf(RESOLVED_MARK);
  if (at < 0) throw new Error('internal: a Python model rendered without its resolved relations');
  return JSON.parse(rendered.slice(at + RESOLVED_MARK.length).split('\n')[0]!) as { refs: Record<string, string>; sources: Record<string, string>; this: string };
}

/** The Python source of a rendered Python model (what dbt calls its compiled code, less dbt's helpers). */
export function pythonSourceOf(rendered: string): string {
  const at = rendered.lastIndexOf(RESOLVED_MARK);
  return at < 0 ? rendered : rendered.slice(0, at).trimEnd();
}

function unquote(s: string): string {
  const body = s.slice(1, -1);
  return body.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' })[c] ?? `\\${c}`);
}

/** A value as a Jinja literal. */
function jinja(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jinja).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${jinja(x)}`).join(', ')}}`;
}

interface Args {
  positional: unknown[];
  kwargs: Record<string, unknown>;
}

/** A reader of Python literals: the arguments of one call, from just after its `(`. */
class Literal {
  #s: string;
  #i: number;
  constructor(s: string, at: number) {
    this.#s = s;
    this.#i = at;
  }

  /** The call's arguments up to its `)`: literal values, positional then `name=value`. */
  args(): Args {
    const out: Args = { positional: [], kwargs: {} };
    for (;;) {
      this.#ws();
      if (this.#eat(')')) return out;
      const name = /^([A-Za-z_]\w*)\s*=(?!=)/.exec(this.#s.slice(this.#i));
      if (name) {
        this.#i += name[0].length;
        out.kwargs[name[1]!] = this.#value();
      } else {
        out.positional.push(this.#value());
      }
      this.#ws();
      if (this.#eat(',')) continue;
      this.#ws();
      if (this.#eat(')')) return out;
      throw new Error('has something after a value that is not a literal');
    }
  }

  #ws(): void {
    while (this.#i < this.#s.length) {
      const c = this.#s[this.#i]!;
      if (c === '#') while (this.#i < this.#s.length && this.#s[this.#i] !== '\n') this.#i++;
      else if (/\s/.test(c)) this.#i++;
      else break;
    }
  }

  #eat(c: string): boolean {
    if (this.#s[this.#i] !== c) return false;
    this.#i++;
    return true;
  }

  #value(): unknown {
    this.#ws();
    const rest = this.#s.slice(this.#i);
    const str = new RegExp(`^${STR}`).exec(rest);
    if (str) {
      this.#i += str[0].length;
      return unquote(str[0]);
    }
    const num = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(rest);
    if (num) {
      this.#i += num[0].length;
      return Number(num[0]);
    }
    for (const [word, v] of [['True', true], ['False', false], ['None', null]] as const) {
      if (rest.startsWith(word) && !/\w/.test(rest[word.length] ?? '')) {
        this.#i += word.length;
        return v;
      }
    }
    const open = rest[0];
    if (open === '[' || open === '(') {
      this.#i++;
      const close = open === '[' ? ']' : ')';
      const out: unknown[] = [];
      for (;;) {
        this.#ws();
        if (this.#eat(close)) return out;
        out.push(this.#value());
        this.#ws();
        if (!this.#eat(',') && this.#s[this.#i] !== close) throw new Error('has a list that is not literal');
      }
    }
    if (open === '{') {
      this.#i++;
      const out: Record<string, unknown> = {};
      for (;;) {
        this.#ws();
        if (this.#eat('}')) return out;
        const k = this.#value();
        this.#ws();
        if (!this.#eat(':')) throw new Error('has a dict that is not literal');
        out[String(k)] = this.#value();
        this.#ws();
        if (!this.#eat(',') && this.#s[this.#i] !== '}') throw new Error('has a dict that is not literal');
      }
    }
    throw new Error(`has a value that is not a literal (${rest.slice(0, 20).split('\n')[0]})`);
  }
}
