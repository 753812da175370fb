import type { CallArgs, Expr, Stmt, TemplateAst } from './ast.ts';
import { whatOf, type Registry } from './compile-expression.ts';
import { TemplateSyntaxError, type TemplateSource } from './errors.ts';
import type { Context } from './macro.ts';
import type { RuntimeHelpers } from './runtime.ts';

/**
 * Templates without their own variables, rendered by walking their tree instead of compiling
 * them to JavaScript.
 *
 * Most model files are text around `{{ ref(...) }}`, `{{ config(...) }}` and an
 * `{% if is_incremental() %}`, rendered once per compile. Compiling such a file costs V8 a parse
 * and a bytecode compile of a function it runs once: at 10,000 models that was three quarters of
 * a second of each render thread, where running the same templates again took 9 ms. Here a
 * template whose statements are text, `{{ }}`, `{% do %}` and `{% if %}` becomes a tree of
 * closures over the same runtime helpers the compiled code calls, in the same order and with the
 * same source offsets recorded for errors (`$p` of compile-template.ts), so the two give the
 * same text, the same values passed to every call and the same errors. A template that assigns a
 * name (set, for, macro, with, call blocks) is left to the compiler: undefined.
 */

type Rt = RuntimeHelpers & { lenient?: boolean; readonly filters: Record<string, unknown>; readonly tests: Record<string, unknown> };
/** Where the render is: the source offset of what runs now (`$p`). */
interface At {
  p: number;
}
type Ev = (c: Context, at: At) => unknown;
type Run = (c: Context, at: At, out: { o: string }) => void;

class Decline extends Error {}

const BINOPS = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '//': 'floordiv', '%': 'mod', '**': 'pow' } as const;

/** The render function of `ast`, or undefined when it is not straight-line (the caller compiles it). Throws the compiler's TemplateSyntaxError where it would. */
export function straightLine(ast: TemplateAst, template: TemplateSource, rt: Rt, registry: Registry): ((c: Context) => string) | undefined {
  let body: Run;
  try {
    body = new Builder(template, rt, registry).stmts(ast.body);
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
  const first = ast.body[0]?.pos ?? 0;
  return (c) => {
    const at: At = { p: first };
    const out = { o: '' };
    try {
      body(c, at, out);
      return out.o;
    } catch (e) {
      throw rt.fail(e, template, at.p, undefined);
    }
  };
}

class Builder {
  readonly #template: TemplateSource;
  readonly #rt: Rt;
  readonly #registry: Registry;

  constructor(template: TemplateSource, rt: Rt, registry: Registry) {
    this.#template = template;
    this.#rt = rt;
    this.#registry = registry;
  }

  stmts(body: readonly Stmt[]): Run {
    const runs = body.map((s) => this.#stmt(s));
    if (runs.length === 1) return runs[0]!;
    return (c, at, out) => {
      for (const r of runs) r(c, at, out);
    };
  }

  #stmt(s: Stmt): Run {
    const rt = this.#rt;
    switch (s.kind) {
      case 'data': {
        const text = s.text;
        return (_c, _at, out) => void (out.o += text);
      }
      case 'output': {
        const e = this.expr(s.expr);
        const pos = s.pos;
        return (c, at, out) => {
          at.p = pos;
          out.o += rt.s(e(c, at));
        };
      }
      case 'do': {
        const e = this.expr(s.expr);
        const pos = s.pos;
        return (c, at) => {
          at.p = pos;
          e(c, at);
        };
      }
      case 'if': {
        const test = this.expr(s.test);
        const then = this.stmts(s.body);
        const else_ = s.else_.length ? this.stmts(s.else_) : undefined;
        const pos = s.pos;
        return (c, at, out) => {
          at.p = pos;
          if (rt.t(test(c, at))) then(c, at, out);
          else if (else_) else_(c, at, out);
        };
      }
      case 'snapshot':
        return this.stmts(s.body);
      default:
        throw new Decline();
    }
  }

  #fail(msg: string, pos: number): never {
    throw new TemplateSyntaxError(msg, this.#template, pos);
  }

  expr(e: Expr): Ev {
    const rt = this.#rt;
    switch (e.kind) {
      case 'const': {
        let v: unknown = e.value;
        if (typeof e.value === 'number' && e.float && Number.isInteger(e.value)) v = rt.mkFloat(e.value);
        // The compiled code writes a number as its digits, which read -0 as 0.
        else if (Object.is(v, -0)) v = 0;
        return () => v;
      }
      case 'name': {
        const name = e.name;
        return (c) => c[name];
      }
      case 'tuple': {
        const items = e.items.map((x) => this.expr(x));
        return (c, at) => rt.tuple(items.map((x) => x(c, at)));
      }
      case 'list': {
        const items = e.items.map((x) => this.expr(x));
        return (c, at) => items.map((x) => x(c, at));
      }
      case 'dict': {
        const flat = e.pairs.flatMap(([k, v]) => [this.expr(k), this.expr(v)]);
        return (c, at) => rt.dict(flat.map((x) => x(c, at)));
      }
      case 'getattr': {
        const obj = this.expr(e.obj);
        const { name } = e;
        const what = whatOf(e.obj);
        return (c, at) => rt.attr(obj(c, at), name, what);
      }
      case 'getitem': {
        if (e.key.kind === 'slice') {
          const obj = this.expr(e.obj);
          const part = (x: Expr | undefined): Ev => (x ? this.expr(x) : () => undefined);
          const [start, stop, step] = [part(e.key.start), part(e.key.stop), part(e.key.step)];
          return (c, at) => rt.slice(obj(c, at), start(c, at), stop(c, at), step(c, at));
        }
        const obj = this.expr(e.obj);
        const key = this.expr(e.key);
        const what = whatOf(e.obj);
        return (c, at) => rt.item(obj(c, at), key(c, at), what);
      }
      case 'slice':
        return this.#fail('a slice is only valid inside [ ]', e.pos);
      case 'call':
        return this.#call(e.fn, e, e.pos);
      case 'filter': {
        const value = e.expr ? this.expr(e.expr) : this.#fail('filter without a value', e.pos);
        const f = this.#hoisted('filters', e.name, e.pos) as (c: Context, v: unknown, a: unknown[], kw: Record<string, unknown> | null, p: number) => unknown;
        const args = this.#args(e.args);
        const kw = this.#kwargs(e.args);
        const pos = e.pos;
        return (c, at) => f(c, value(c, at), args(c, at), kw(c, at), (at.p = pos));
      }
      case 'test': {
        const f = this.#hoisted('tests', e.name, e.pos) as (v: unknown, a: unknown[], kw: Record<string, unknown> | null) => unknown;
        const value = this.expr(e.expr);
        const args = this.#args(e.args);
        const kw = this.#kwargs(e.args);
        return (c, at) => f(value(c, at), args(c, at), kw(c, at));
      }
      case 'cond': {
        const test = this.expr(e.test);
        const then = this.expr(e.then);
        const else_ = e.else_ ? this.expr(e.else_) : () => undefined;
        return (c, at) => (rt.t(test(c, at)) ? then(c, at) : else_(c, at));
      }
      case 'binop': {
        const op = BINOPS[e.op];
        const left = this.expr(e.left);
        const right = this.expr(e.right);
        return (c, at) => rt[op](left(c, at), right(c, at));
      }
      case 'and': {
        const left = this.expr(e.left);
        const right = this.expr(e.right);
        return (c, at) => {
          const l = left(c, at);
          return rt.t(l) ? right(c, at) : l;
        };
      }
      case 'or': {
        const left = this.expr(e.left);
        const right = this.expr(e.right);
        return (c, at) => {
          const l = left(c, at);
          return rt.t(l) ? l : right(c, at);
        };
      }
      case 'not': {
        const x = this.expr(e.expr);
        return (c, at) => !rt.t(x(c, at));
      }
      case 'neg': {
        const x = this.expr(e.expr);
        return (c, at) => rt.neg(x(c, at));
      }
      case 'pos': {
        const x = this.expr(e.expr);
        return (c, at) => rt.pos(x(c, at));
      }
      case 'compare':
        return this.#compare(e.first, e.ops);
      case 'concat': {
        const items = e.items.map((x) => this.expr(x));
        return (c, at) => rt.concat(items.map((x) => x(c, at)));
      }
      case 'nsref': {
        const { name, attr } = e;
        return (c) => rt.attr(c[name], attr, name);
      }
    }
  }

  #compare(first: Expr, ops: [string, Expr][]): Ev {
    const rt = this.#rt;
    const left = this.expr(first);
    if (ops.length === 1) {
      const [op, r] = ops[0]!;
      const right = this.expr(r);
      if (op === '==') return (c, at) => rt.eq(left(c, at), right(c, at));
      return (c, at) => rt.compare(op as Parameters<Rt['compare']>[0], left(c, at), right(c, at));
    }
    // Python chains comparisons: a < b < c is a < b and b < c, b evaluated once (the compiled `&&` chain).
    const steps = ops.map(([op, r]) => [op as Parameters<Rt['compare']>[0], this.expr(r)] as const);
    return (c, at) => {
      let l = left(c, at);
      let result: unknown = true;
      for (const [op, right] of steps) {
        const r = right(c, at);
        result = rt.compare(op, l, r);
        if (!result) return result;
        l = r;
      }
      return result;
    };
  }

  /** As compile-expression.ts `call`: arguments, keywords, then `$p` just before the call runs. */
  #call(fn: Expr, a: CallArgs, pos: number): Ev {
    const rt = this.#rt;
    const args = this.#args(a);
    const kw = this.#kwargs(a);
    if (fn.kind === 'getattr') {
      const obj = this.expr(fn.obj);
      const { name } = fn;
      const what = whatOf(fn.obj);
      return (c, at) => {
        const o = obj(c, at);
        const av = args(c, at);
        const kv = kw(c, at);
        at.p = pos;
        return rt.callAttr(c, o, name, av, kv, what);
      };
    }
    const f = this.expr(fn);
    const what = whatOf(fn);
    return (c, at) => {
      const fv = f(c, at);
      const av = args(c, at);
      const kv = kw(c, at);
      at.p = pos;
      return rt.call(c, fv, av, kv, what);
    };
  }

  #args(a: CallArgs): (c: Context, at: At) => unknown[] {
    const rt = this.#rt;
    const items = a.args.map((x) => this.expr(x));
    if (!a.star) return (c, at) => items.map((x) => x(c, at));
    const star = this.expr(a.star);
    return (c, at) => {
      const head = items.map((x) => x(c, at));
      return [...head, ...rt.iter(star(c, at))];
    };
  }

  #kwargs(a: CallArgs): (c: Context, at: At) => Record<string, unknown> | null {
    const rt = this.#rt;
    // An object literal's "__proto__" key sets the prototype; leave such a call to the compiler.
    if (a.kwargs.some(([k]) => k === '__proto__')) throw new Decline();
    const entries = a.kwargs.map(([k, v]) => [k, this.expr(v)] as const);
    if (!entries.length && !a.starstar) return () => null;
    const rest = a.starstar ? this.expr(a.starstar) : undefined;
    return (c, at) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of entries) o[k] = v(c, at);
      return rest ? { ...o, ...rt.kwargsOf(rest(c, at)) } : o;
    };
  }

  #hoisted(kind: 'filters' | 'tests', name: string, pos: number): unknown {
    if (!Object.hasOwn(this.#registry[kind], name)) this.#fail(`No ${kind === 'filters' ? 'filter' : 'test'} named '${name}'.`, pos);
    return this.#rt[kind][name];
  }
}
