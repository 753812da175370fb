import type { CallArgs, Expr } from './ast.ts';
import { TemplateSyntaxError, type TemplateSource } from './errors.ts';

/**
 * Expressions to JavaScript. Names resolve at compile time to a JavaScript local (set, for,
 * macro parameters) or to the render context `c`. Every call records its source offset in
 * `$p` just before it runs, so an error inside it points at the right line and column.
 */

export interface Scope {
  readonly vars: Map<string, string>;
  readonly parent: Scope | undefined;
}

/** Per generated JavaScript function: its temporaries and whether `return(x)` may become a plain `return`. */
export interface FnState {
  temps: number;
  directReturn: boolean;
}

export interface Registry {
  filters: Record<string, unknown>;
  tests: Record<string, unknown>;
  /** What a `{% macro x %}` inside a template is named in it (dbt: `dbt_macro__x`); none: `x`. */
  readonly inlineMacroPrefix?: string | undefined;
}

const BINOPS: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '//': 'floordiv', '%': 'mod', '**': 'pow' };

export class ExpressionCompiler {
  protected readonly template: TemplateSource;
  protected readonly registry: Registry;
  /** Module-level declarations (constants, filter and test functions). */
  protected readonly hoisted: string[] = [];
  readonly #hoistedNames = new Map<string, string>();
  protected scope: Scope | undefined;
  protected fn: FnState = { temps: 0, directReturn: false };
  #ids = 0;

  constructor(template: TemplateSource, registry: Registry) {
    this.template = template;
    this.registry = registry;
  }

  protected fail(msg: string, pos: number): never {
    throw new TemplateSyntaxError(msg, this.template, pos);
  }

  protected newId(name: string): string {
    return `l${++this.#ids}_${name.replace(/[^A-Za-z0-9_]/g, '')}`;
  }

  protected temp(): string {
    return `$t${++this.fn.temps}`;
  }

  protected hoist(key: string, init: string): string {
    let id = this.#hoistedNames.get(key);
    if (!id) {
      id = `$k${this.#hoistedNames.size}`;
      this.#hoistedNames.set(key, id);
      this.hoisted.push(`const ${id} = ${init};`);
    }
    return id;
  }

  /** The JavaScript local a name is bound to, or undefined when it comes from the context. */
  protected local(name: string): string | undefined {
    for (let s = this.scope; s; s = s.parent) {
      const id = s.vars.get(name);
      if (id) return id;
    }
    return undefined;
  }

  protected nameRef(name: string): string {
    return this.local(name) ?? `c[${JSON.stringify(name)}]`;
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'const':
        if (typeof e.value === 'number') {
          if (e.float && Number.isInteger(e.value)) return this.hoist(`f${e.value}`, `rt.mkFloat(${e.value})`);
          return Number.isFinite(e.value) ? String(e.value) : e.value > 0 ? 'Infinity' : 'NaN';
        }
        return JSON.stringify(e.value);
      case 'name':
        return this.nameRef(e.name);
      case 'tuple':
        return `rt.tuple([${e.items.map((x) => this.expr(x)).join(', ')}])`;
      case 'list':
        return `[${e.items.map((x) => this.expr(x)).join(', ')}]`;
      case 'dict':
        return `rt.dict([${e.pairs.map(([k, v]) => `${this.expr(k)}, ${this.expr(v)}`).join(', ')}])`;
      case 'getattr':
        return `rt.attr(${this.expr(e.obj)}, ${JSON.stringify(e.name)}, ${this.what(e.obj)})`;
      case 'getitem':
        if (e.key.kind === 'slice') {
          const part = (x: Expr | undefined) => (x ? this.expr(x) : 'undefined');
          return `rt.slice(${this.expr(e.obj)}, ${part(e.key.start)}, ${part(e.key.stop)}, ${part(e.key.step)})`;
        }
        return `rt.item(${this.expr(e.obj)}, ${this.expr(e.key)}, ${this.what(e.obj)})`;
      case 'slice':
        return this.fail('a slice is only valid inside [ ]', e.pos);
      case 'call':
        return this.call(e.fn, e, e.pos);
      case 'filter':
        return this.filter(e.name, e.expr ? this.expr(e.expr) : this.fail('filter without a value', e.pos), e.args, e.pos);
      case 'test': {
        const f = this.hoistFn('tests', e.name, e.pos);
        return `${f}(${this.expr(e.expr)}, ${this.argList(e.args)}, ${this.kwObject(e.args)})`;
      }
      case 'cond':
        return `(rt.t(${this.expr(e.test)}) ? ${this.expr(e.then)} : ${e.else_ ? this.expr(e.else_) : 'undefined'})`;
      case 'binop':
        return `rt.${BINOPS[e.op]}(${this.expr(e.left)}, ${this.expr(e.right)})`;
      case 'and': {
        const t = this.temp();
        return `(rt.t(${t} = ${this.expr(e.left)}) ? ${this.expr(e.right)} : ${t})`;
      }
      case 'or': {
        const t = this.temp();
        return `(rt.t(${t} = ${this.expr(e.left)}) ? ${t} : ${this.expr(e.right)})`;
      }
      case 'not':
        return `!rt.t(${this.expr(e.expr)})`;
      case 'neg':
        return `rt.neg(${this.expr(e.expr)})`;
      case 'pos':
        return `rt.pos(${this.expr(e.expr)})`;
      case 'compare':
        return this.compare(e.first, e.ops);
      case 'concat':
        return `rt.concat([${e.items.map((x) => this.expr(x)).join(', ')}])`;
      case 'nsref':
        return `rt.attr(${this.nameRef(e.name)}, ${JSON.stringify(e.attr)}, ${JSON.stringify(e.name)})`;
    }
  }

  /** Source-like text of an expression for "'x.y' is undefined" messages, as a JavaScript literal. */
  protected what(e: Expr): string {
    const t = whatOf(e);
    return t === undefined ? 'undefined' : JSON.stringify(t);
  }

  protected compare(first: Expr, opsList: [string, Expr][]): string {
    if (opsList.length === 1) {
      const [op, right] = opsList[0]!;
      if (op === '==') return `rt.eq(${this.expr(first)}, ${this.expr(right)})`;
      return `rt.compare(${JSON.stringify(op)}, ${this.expr(first)}, ${this.expr(right)})`;
    }
    // Python chains comparisons: a < b < c is a < b and b < c, b evaluated once.
    const parts: string[] = [];
    let left = this.expr(first);
    for (const [op, right] of opsList) {
      const t = this.temp();
      parts.push(`rt.compare(${JSON.stringify(op)}, ${left}, ${t} = ${this.expr(right)})`);
      left = t;
    }
    return `(${parts.join(' && ')})`;
  }

  protected argList(a: CallArgs): string {
    const pos = `[${a.args.map((x) => this.expr(x)).join(', ')}]`;
    return a.star ? `[...${pos}, ...rt.iter(${this.expr(a.star)})]` : pos;
  }

  protected kwObject(a: CallArgs, extra?: [string, string][]): string {
    const entries = [...a.kwargs.map(([k, v]): [string, string] => [k, this.expr(v)]), ...(extra ?? [])];
    if (!entries.length && !a.starstar) return 'null';
    const lit = entries.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(', ');
    if (!a.starstar) return `{${lit}}`;
    return `{${lit}${lit ? ', ' : ''}...rt.kwargsOf(${this.expr(a.starstar)})}`;
  }

  /** A call; `extraKw` adds keyword arguments (the `caller` of a call block). */
  protected call(fn: Expr, a: CallArgs, pos: number, extraKw?: [string, string][]): string {
    const args = this.argList(a);
    const kw = this.kwObject(a, extraKw);
    if (fn.kind === 'getattr') {
      // `$p` is set after the arguments are evaluated, just before the call runs.
      return `rt.callAttr(c, ${this.expr(fn.obj)}, ${JSON.stringify(fn.name)}, ${args}, ${kw}, ($p = ${pos}, ${this.what(fn.obj)}))`;
    }
    return `rt.call(c, ${this.expr(fn)}, ${args}, ${kw}, ($p = ${pos}, ${this.what(fn)}))`;
  }

  protected filter(name: string, value: string, a: CallArgs, pos: number): string {
    const f = this.hoistFn('filters', name, pos);
    return `${f}(c, ${value}, ${this.argList(a)}, ${this.kwObject(a)}, $p = ${pos})`;
  }

  protected hoistFn(kind: 'filters' | 'tests', name: string, pos: number): string {
    if (!Object.hasOwn(this.registry[kind], name)) this.fail(`No ${kind === 'filters' ? 'filter' : 'test'} named '${name}'.`, pos);
    return this.hoist(`${kind}:${name}`, `rt.${kind}[${JSON.stringify(name)}]`);
  }
}

/** Source-like text of an expression for "'x.y' is undefined" messages (a name, its attributes, constant items); undefined for anything else. */
export function whatOf(e: Expr): string | undefined {
  if (e.kind === 'name') return e.name;
  if (e.kind === 'getattr') {
    const o = whatOf(e.obj);
    return o === undefined ? undefined : `${o}.${e.name}`;
  }
  if (e.kind === 'getitem' && e.key.kind === 'const') {
    const o = whatOf(e.obj);
    return o === undefined ? undefined : `${o}[${JSON.stringify(e.key.value)}]`;
  }
  return undefined;
}
