import type { MacroNode, Stmt, TemplateAst } from './ast.ts';
import { TemplateCompiler } from './compile-template.ts';
import { straightLine } from './straight-line.ts';
import type { TemplateSource } from './errors.ts';
import { builtinFilters, type JinjaFilter } from './filters.ts';
import { normaliseSource, type LexOptions } from './lexer.ts';
import { JMacro, type Context, type MacroFn } from './macro.ts';
import { parseTemplate } from './parser.ts';
import { isDict, Namespace } from './py-values.ts';
import { pyFunction, runtimeHelpers } from './runtime.ts';
import { builtinTests, type JinjaTest } from './tests.ts';

/**
 * A private Jinja environment: its own filters, tests, globals and runtime object, compiled
 * templates cached by source. Nothing here touches process-wide state, so several
 * environments (one per project, or per test) coexist.
 */

export type EnvironmentOptions = LexOptions & {
  /** Compile every template to JavaScript, straight-line ones too (tests compare the two ways). */
  readonly alwaysCompile?: boolean;
  /**
   * What a `{% macro x %}` written inside a template (a model, a hook) is named in it. dbt's
   * parser names it `dbt_macro__x`, so `{{ x() }}` there is undefined (dbt 1.11.16: "'x' is
   * undefined" at compile, none at parse); macro files' macros keep their names.
   */
  readonly inlineMacroPrefix?: string;
};

/** A compiled template. `render` runs it against a context (see {@link Environment.context}). */
export interface Template {
  readonly template: TemplateSource;
  readonly ast: TemplateAst;
  render(c: Context): string;
}

/** A parsed template: its normalised source and tree. */
export interface ParsedTemplate {
  readonly template: TemplateSource;
  readonly ast: TemplateAst;
}

export class Environment {
  readonly options: EnvironmentOptions;
  readonly filters: Record<string, JinjaFilter>;
  readonly tests: Record<string, JinjaTest>;
  /** Jinja's own globals (range, dict, namespace, cycler, joiner); contexts inherit them. */
  readonly globals: Context;
  readonly #rt: Record<string, unknown>;
  readonly #cache = new Map<string, (c: Context) => string>();
  /** Compiled templates by file and source as given (compile() on the same text again costs a lookup). */
  readonly #templates = new Map<string, Template>();

  get inlineMacroPrefix(): string | undefined {
    return this.options.inlineMacroPrefix;
  }

  constructor(options: EnvironmentOptions = {}) {
    this.options = options;
    this.tests = builtinTests({ filter: (n) => Object.hasOwn(this.filters, n), test: (n) => Object.hasOwn(this.tests, n) });
    this.filters = builtinFilters(this.tests, () => this.filters);
    this.globals = Object.create(null) as Context;
    Object.assign(this.globals, jinjaGlobals());
    this.#rt = { ...runtimeHelpers, filters: this.filters, tests: this.tests };
  }

  /** A fresh context whose names fall back to `parent` (default: this environment's globals). */
  context(parent: Context = this.globals): Context {
    return Object.create(parent) as Context;
  }

  parse(source: string, file: string): ParsedTemplate {
    const template: TemplateSource = { file, source: normaliseSource(source, this.options) };
    return { template, ast: parseTemplate(template, this.options) };
  }

  /** Parse and compile; throws TemplateSyntaxError with file, line and column. */
  compile(source: string, file: string): Template {
    const key = `${file}\0${source}`;
    let t = this.#templates.get(key);
    if (!t) this.#templates.set(key, (t = this.fromParsed(this.parse(source, file))));
    return t;
  }

  fromParsed(p: ParsedTemplate): Template {
    const key = `${p.template.file}\0${p.template.source}`;
    let fn = this.#cache.get(key);
    if (!fn) {
      // A template run once (a model file) is walked as a tree when it can be: compiling it cost V8 more than running it (jinja/straight-line.ts).
      fn = (this.options.alwaysCompile ? undefined : straightLine(p.ast, p.template, this.#rt as Parameters<typeof straightLine>[2], this)) ?? this.#compiled(p);
      this.#cache.set(key, fn);
    }
    const render = fn;
    return { template: p.template, ast: p.ast, render: (c) => render(c) };
  }

  #compiled(p: ParsedTemplate): (c: Context) => string {
    const code = new TemplateCompiler(p.template, this).templateModule(p.ast);
    return new Function('rt', 'T', code)(this.#rt, p.template) as (c: Context) => string;
  }

  /** A macro of a macro file, compiled on first call; it resolves names in the calling context only. */
  macro(node: MacroNode, template: TemplateSource): JMacro {
    return new JMacro(
      node.name,
      node.params.map((p) => p.name),
      { varargs: node.usesVarargs, kwargs: node.usesKwargs, caller: node.usesCaller },
      () => {
        const code = new TemplateCompiler(template, this).macroModule(node);
        return new Function('rt', 'T', code)(this.#rt, template) as MacroFn;
      },
      true,
    );
  }

  /**
   * Run `fn` with dbt's parse-phase undefined: attributes, items and calls of an undefined value
   * give undefined instead of an error (templates that read the warehouse, rendered without one).
   */
  lenient<T>(fn: () => T): T {
    const was = this.#rt.lenient;
    this.#rt.lenient = true;
    try {
      return fn();
    } finally {
      this.#rt.lenient = was;
    }
  }

  /**
   * dbt's native rendering: a template that is one `{{ expression }}` gives the expression's
   * value (a relation, a list, a number); anything else renders to text.
   */
  renderNative(source: string, c: Context, file = '<value>'): unknown {
    if (!source.includes('{{') && !source.includes('{%') && !source.includes('{#')) return source;
    const p = this.parse(source, file);
    const body = p.ast.body;
    if (body.length !== 1 || body[0]!.kind !== 'output') return this.fromParsed(p).render(c);
    const key = `value\0${file}\0${p.template.source}`;
    let fn = this.#cache.get(key) as ((c: Context) => unknown) | undefined;
    if (!fn) {
      const out = body[0]!;
      const code = new TemplateCompiler(p.template, this).valueModule(out.expr, out.pos);
      fn = new Function('rt', 'T', code)(this.#rt, p.template) as (c: Context) => unknown;
      this.#cache.set(key, fn as (c: Context) => string);
    }
    return fn(c);
  }

  /** Render a string once in a context (`{{ }}` in YAML values, `--inline`). */
  renderString(source: string, c: Context, file = '<string>'): string {
    return this.compile(source, file).render(c);
  }
}

/** The macro-like blocks at the top level of a template (what dbt extracts from a macro file). */
export function topLevelMacros(body: readonly Stmt[]): MacroNode[] {
  return body.filter((s): s is MacroNode => s.kind === 'macro');
}

/** Jinja's sandbox.MAX_RANGE: the most items range() makes. */
const MAX_RANGE = 100_000;

function jinjaGlobals(): Context {
  return {
    range: pyFunction((_c, a) => {
      const [start, stop, step] = a.length === 1 ? [0, Number(a[0]), 1] : [Number(a[0]), Number(a[1]), a[2] === undefined ? 1 : Number(a[2])];
      if (step === 0) throw new Error('ValueError: range() arg 3 must not be zero');
      // Jinja's sandbox (dbt's) refuses a range of more than MAX_RANGE items before making it: counted
      // afterwards, range(10 ** 9) took 9 s and 2.6 GB before failing as "Invalid array length".
      const length = Math.max(0, Math.ceil((stop - start) / step));
      if (length > MAX_RANGE) throw new Error(`OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE (${MAX_RANGE}).`);
      const out: number[] = [];
      if (step > 0) for (let i = start; i < stop; i += step) out.push(i);
      else for (let i = start; i > stop; i += step) out.push(i);
      return out;
    }),
    dict: pyFunction((_c, a, kw) => {
      const out: Record<string, unknown> = {};
      if (a[0] !== undefined) {
        if (isDict(a[0])) Object.assign(out, a[0]);
        else for (const pair of a[0] as unknown[][]) out[String(pair[0])] = pair[1];
      }
      return Object.assign(out, kw ?? {});
    }),
    namespace: pyFunction((_c, a, kw) => {
      const ns = new Namespace();
      if (isDict(a[0])) Object.assign(ns, a[0]);
      return Object.assign(ns, kw ?? {});
    }),
    cycler: pyFunction((_c, a) => {
      let i = 0;
      return {
        next: () => a[i++ % a.length],
        reset: () => {
          i = 0;
          return null;
        },
        get current() {
          return a[i % a.length];
        },
      };
    }),
    joiner: pyFunction((_c, a) => {
      const sep = a[0] === undefined ? ', ' : String(a[0]);
      let used = false;
      return () => {
        if (used) return sep;
        used = true;
        return '';
      };
    }),
  };
}
