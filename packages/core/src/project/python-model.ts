/**
 * dbt's Python models (`models/**\/*.py`, `def model(dbt, session)`), as sm reads them: like dbt,
 * without running the file, from its literal `dbt.ref(...)`, `dbt.source(...)` and
 * `dbt.config(...)` calls. The node sm keeps is a model whose template is made from those calls
 * (so refs, selection, the graph and the manifest treat it as any model) and whose rendered text
 * is the Python source followed by one comment line with the relations the calls resolved to,
 * which the run hands to the Python process (run/execute-python.ts).
 */

export interface PythonModelCalls {
  readonly refs: readonly { readonly args: readonly string[]; readonly version?: string | undefined }[];
  readonly sources: readonly (readonly [string, string])[];
  readonly config: Readonly<Record<string, unknown>>;
}

/** The comment line that ends a Python model's rendered text. */
export const RESOLVED_MARK = '# sm:resolved ';

const STR = String.raw`(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")`;
const REF_RE = new RegExp(String.raw`\bdbt\.ref\(\s*(${STR})\s*(?:,\s*(${STR})\s*)?(?:,\s*(?:v|version)\s*=\s*(${STR}|[\d.]+)\s*)?\)`, 'g');
const SOURCE_RE = new RegExp(String.raw`\bdbt\.source\(\s*(${STR})\s*,\s*(${STR})\s*\)`, 'g');
const CONFIG_RE = /\bdbt\.config\(/g;

/** A Python model's calls, or what is wrong with them (a config value that is not a literal). */
export function readPythonModel(source: string): PythonModelCalls | string {
  // Calls in whole-line comments are no calls (dbt reads the syntax tree); lines keep their numbers.
  const text = source.replace(/^[ \t]*#.*$/gm, '');
  if (!/^\s*def\s+model\s*\(/m.test(text)) return 'it defines no model(dbt, session) function';
  const refs = [...text.matchAll(REF_RE)].map((m) => {
    const args = [m[1], m[2]].filter((x): x is string => x !== undefined).map(unquote);
    return { args, version: m[3] === undefined ? undefined : m[3].startsWith("'") || m[3].startsWith('"') ? unquote(m[3]) : m[3] };
  });
  const sources = [...text.matchAll(SOURCE_RE)].map((m) => [unquote(m[1]!), unquote(m[2]!)] as const);
  const config: Record<string, unknown> = {};
  for (const m of text.matchAll(CONFIG_RE)) {
    const p = new Literal(text, m.index + m[0].length);
    try {
      Object.assign(config, p.kwargs());
    } catch (e) {
      const line = text.slice(0, m.index).split('\n').length;
      return `dbt.config() on line ${line} ${(e as Error).message}: dbt reads it without running the file, so its values must be literals (strings, numbers, True/False/None, lists, dicts)`;
    }
  }
  return { refs, sources, config };
}

/** The template sm renders for a Python model: its config, its source verbatim, and the relations its calls resolve to. */
export function pythonModelTemplate(text: string, calls: PythonModelCalls): string | undefined {
  if (text.includes('{% endraw %}') || /\{%-?\s*endraw/.test(text)) return undefined;
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

/** A reader of Python literals: the arguments of one call, from just after its `(`. */
class Literal {
  #s: string;
  #i: number;
  constructor(s: string, at: number) {
    this.#s = s;
    this.#i = at;
  }

  kwargs(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      this.#ws();
      if (this.#eat(')')) return out;
      const name = /^[A-Za-z_]\w*/.exec(this.#s.slice(this.#i))?.[0];
      if (!name) throw new Error('passes something other than name=value');
      this.#i += name.length;
      this.#ws();
      if (!this.#eat('=')) throw new Error(`passes ${name} without a value`);
      out[name] = this.#value();
      this.#ws();
      if (this.#eat(',')) continue;
      this.#ws();
      if (this.#eat(')')) return out;
      throw new Error(`has something after ${name}'s value that is not a literal`);
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
