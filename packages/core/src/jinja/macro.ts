import { ReturnSignal } from './errors.ts';
import { PyTuple } from './py-values.ts';

/** What the context object of a render is: names to values, looked up by the compiled code. */
export type Context = Record<string, unknown>;

/** A compiled macro body: the calling context, the bound parameters, `varargs`, `kwargs`, `caller`. */
export type MacroFn = (c: Context, v: unknown[], va: PyTuple, kw: Record<string, unknown>, caller: unknown) => unknown;

/** Marks a parameter the call did not bind, so its default applies (an explicit undefined does not). */
export const MISSING: unique symbol = Symbol('missing');

const NO_VARARGS = new PyTuple();

/**
 * Macro calls as they happen, for a node's `depends_on.macros` as dbt lists them: the listener
 * hears the macros the template being rendered calls itself (depth 0), not those that macros
 * call in turn. One per thread: renders do not interleave.
 */
export const macroCalls: { listener: ((m: JMacro) => void) | undefined; depth: number } = { listener: undefined, depth: 0 };

/**
 * A macro as Jinja calls it: positional arguments fill parameters in order; keyword arguments
 * by name; extras go to `varargs`/`kwargs` if the body reads them, otherwise they are errors;
 * `caller` is passed by `{% call %}`. `return(x)` makes the call's value x instead of the
 * rendered text. The body compiles on first call, so unused library macros cost only a parse.
 */
export class JMacro {
  readonly name: string;
  readonly params: readonly string[];
  readonly catchVarargs: boolean;
  readonly catchKwargs: boolean;
  readonly usesCaller: boolean;
  /** Set by whoever defines it (the macro namespaces): `macro.<package>.<name>`, the file. */
  meta: { uniqueId?: string; packageName?: string; file?: string } = {};
  #fn: MacroFn | undefined;
  readonly #compile: (() => MacroFn) | undefined;

  constructor(name: string, params: readonly string[], flags: { varargs: boolean; kwargs: boolean; caller: boolean }, fn: MacroFn | (() => MacroFn), lazy = false) {
    this.name = name;
    this.params = params;
    this.catchVarargs = flags.varargs;
    this.catchKwargs = flags.kwargs;
    this.usesCaller = flags.caller;
    if (lazy) this.#compile = fn as () => MacroFn;
    else this.#fn = fn as MacroFn;
  }

  get fn(): MacroFn {
    return (this.#fn ??= this.#compile!());
  }

  /** Call with Python semantics in the context `c` (the calling node's). */
  invoke(c: Context, args: readonly unknown[], kw: Record<string, unknown> | null): unknown {
    const params = this.params;
    const n = params.length;
    const v: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) v[i] = MISSING;
    let va = NO_VARARGS;
    for (let i = 0; i < args.length; i++) {
      if (i < n) v[i] = args[i];
      else if (this.catchVarargs) {
        if (va === NO_VARARGS) va = new PyTuple();
        va.push(args[i]);
      } else throw new TypeError(`macro '${this.name}' takes not more than ${n} argument(s)`);
    }
    let extra: Record<string, unknown> | undefined;
    let caller: unknown;
    if (kw) {
      for (const k in kw) {
        const idx = params.indexOf(k);
        if (idx >= 0) {
          if (v[idx] !== MISSING) throw new TypeError(`macro '${this.name}' got multiple values for argument '${k}'`);
          v[idx] = kw[k];
        } else if (k === 'caller' && this.usesCaller) caller = kw[k];
        else if (this.catchKwargs) (extra ??= {})[k] = kw[k];
        else throw new TypeError(`macro '${this.name}' takes no keyword argument '${k}'`);
      }
    }
    const calls = macroCalls;
    if (calls.listener !== undefined && calls.depth === 0) calls.listener(this);
    calls.depth++;
    try {
      return this.fn(c, v, va, extra ?? {}, caller);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.value;
      throw e;
    } finally {
      calls.depth--;
    }
  }

  toString(): string {
    return `<Macro ${this.name}>`;
  }
}
