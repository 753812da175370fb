import { Environment } from '../jinja/environment.ts';
import type { Context } from '../jinja/macro.ts';
import { PyFloat, pyStr } from '../jinja/py-values.ts';
import { pyFunction } from '../jinja/runtime.ts';
import type { Expr } from '../jinja/ast.ts';

/** What Jinja in a YAML value may read: env_var(), var() and target, as in dbt's YAML renderers. */
export interface ValueContext {
  env: NodeJS.ProcessEnv;
  vars: Record<string, unknown>;
  target?: Record<string, unknown> | undefined;
  /** Called with a missing environment variable's name (no default given). */
  onMissingEnv?: ((name: string) => void) | undefined;
  /** Called with a missing var's name (no default given). */
  onMissingVar?: ((name: string) => void) | undefined;
  /** Called with each environment variable env_var() reads and its value (undefined when unset). */
  onEnvRead?: ((name: string, value: string | undefined) => void) | undefined;
}

/** A value's Jinja could not be rendered: the template's own message. */
export class ValueRenderError extends Error {
  readonly kind = 'ValueRenderError';
}

let valueEnv: Environment | undefined;

/** The marker filters' results in the render under way: their text and the kind the whole result becomes. */
const markers = new Map<string, 'bool' | 'number' | 'native' | 'text'>();

/**
 * The environment YAML values render in. dbt renders them natively, where `as_bool`,
 * `as_number`, `as_native` and `as_text` wrap the value's text in a marker (a Python str) that
 * decides the value only as the whole result: inside an expression it is a non-empty string, so
 * `(var('off') | as_bool) and (var('on') | as_bool)` is the second operand and
 * `not (var('off') | as_bool)` is false, as dbt 1.11 decides `enabled`. SQL templates keep
 * these filters as the value itself, as dbt's text rendering does.
 */
function nativeEnvironment(): Environment {
  const env = new Environment();
  const mark = (kind: 'bool' | 'number' | 'native' | 'text') => (_c: unknown, v: unknown) => {
    const s = pyStr(v);
    markers.set(s, kind);
    return s;
  };
  env.filters.as_bool = mark('bool');
  env.filters.as_number = mark('number');
  env.filters.as_native = mark('native');
  env.filters.as_text = mark('text');
  return env;
}

/**
 * Render Jinja in one YAML string value the way dbt 1.11 renders dbt_project.yml, packages.yml
 * and schema YAML (Jinja's native rendering with dbt's markers), recorded on dbt 1.11.16:
 * - a value that is one `{{ expression }}` is the expression's value as it is
 *   (`"{{ var('on', false) }}"` is false, `"{{ var('x') }}"` a list, `"{{ env_var('P') }}"` text);
 * - but an expression Jinja folds at compile time (no variable, call or filter in it:
 *   `"{{ 1 == 2 }}"`, `"{{ true }}"`, `"{{ 5 }}"`, `"{{ [1,2] }}"`, `"{{ none }}"`) is its text
 *   ('False', 'True', '5', '[1, 2]', 'None');
 * - `as_bool`/`as_number`/`as_native` as the whole result are read as a Python literal (an
 *   error when `as_bool` is not a boolean or `as_number` not a number), `as_text` is text;
 * - anything else (text around the expression, statements) is text, never read as a literal.
 * Values without `{{`/`{%` come back as Jinja gives back plain text: dbt renders every value,
 * and Jinja drops one trailing newline (a YAML `|` block's).
 */
export function renderValue(text: string, ctx: ValueContext): unknown {
  if (!text.includes('{{') && !text.includes('{%')) return asJinjaText(text);
  const env = (valueEnv ??= nativeEnvironment());
  const c = valueContext(env, ctx);
  markers.clear();
  try {
    const body = env.parse(text, '<value>').ast.body;
    const only = body.length === 1 && body[0]!.kind === 'output' ? body[0]!.expr : undefined;
    if (!only) return env.renderString(text, c, '<value>');
    if (folds(only)) return env.renderString(text, c, '<value>');
    const v = env.renderNative(text, c, '<value>');
    if (typeof v !== 'string') return v === undefined ? null : toNative(v);
    const kind = markers.get(v);
    if (kind === undefined || kind === 'text') return v;
    return fromMarker(v, kind);
  } catch (e) {
    throw valueError(e);
  } finally {
    markers.clear();
  }
}

/** Whether Jinja folds an expression to a constant when it compiles it (it then outputs the constant's text). */
function folds(e: Expr): boolean {
  switch (e.kind) {
    case 'const':
      return true;
    case 'tuple':
    case 'list':
    case 'concat':
      return e.items.every(folds);
    case 'dict':
      return e.pairs.every(([k, v]) => folds(k) && folds(v));
    case 'binop':
    case 'and':
    case 'or':
      return folds(e.left) && folds(e.right);
    case 'not':
    case 'neg':
    case 'pos':
      return folds(e.expr);
    case 'compare':
      return folds(e.first) && e.ops.every(([, x]) => folds(x));
    case 'cond':
      return folds(e.test) && folds(e.then) && (e.else_ === undefined || folds(e.else_));
    default:
      return false;
  }
}

/** A marker as the whole result: Python's literal_eval of its text, checked as dbt checks as_bool and as_number. */
function fromMarker(s: string, kind: 'bool' | 'number' | 'native'): unknown {
  const v = literalEval(s);
  if (kind === 'bool' && typeof v !== 'boolean') throw new ValueRenderError(`Could not convert value '${s}' into type 'bool'`);
  if (kind === 'number' && typeof v !== 'number') throw new ValueRenderError(`Could not convert value '${s}' into type 'number'`);
  return v;
}

/** Python's literal_eval: literals, lists, tuples and dicts of them; text that is none of these stays text. */
function literalEval(s: string): unknown {
  const t = s.trim();
  if (!/^[[({'"]/.test(t)) return literal(s);
  try {
    const env = (valueEnv ??= nativeEnvironment());
    const body = env.parse(`{{ ${t} }}`, '<literal>').ast.body;
    const only = body.length === 1 && body[0]!.kind === 'output' ? body[0]!.expr : undefined;
    if (!only || !isLiteral(only)) return s;
    return toNative(env.renderNative(`{{ ${t} }}`, env.context(), '<literal>'));
  } catch {
    return s;
  }
}

function isLiteral(e: Expr): boolean {
  if (e.kind === 'const') return true;
  if (e.kind === 'neg' || e.kind === 'pos') return e.expr.kind === 'const' && typeof e.expr.value === 'number';
  if (e.kind === 'tuple' || e.kind === 'list') return e.items.every(isLiteral);
  if (e.kind === 'dict') return e.pairs.every(([k, v]) => isLiteral(k) && isLiteral(v));
  return false;
}

/**
 * Render Jinja in a text (a description) to text, as dbt's `get_rendered`: `globals` beside
 * env_var(), var() and target (the docs context adds doc()). Text without Jinja comes back as it is.
 */
export function renderText(text: string, ctx: ValueContext, globals: Record<string, unknown> = {}): string {
  if (!text.includes('{{') && !text.includes('{%')) return text;
  const env = (valueEnv ??= nativeEnvironment());
  const c = Object.assign(valueContext(env, ctx), globals);
  try {
    return env.renderString(text, c, '<value>');
  } catch (e) {
    throw valueError(e);
  }
}

/** Plain text as a Jinja template renders it: newlines as `\n`, one trailing newline dropped (dbt leaves keep_trailing_newline off). */
function asJinjaText(text: string): string {
  if (!text.includes('\n') && !text.includes('\r')) return text;
  const t = text.replace(/\r\n?/g, '\n');
  return t.endsWith('\n') ? t.slice(0, -1) : t;
}

/** A template's error as a ValueRenderError: its first two lines. */
function valueError(e: unknown): ValueRenderError {
  return new ValueRenderError(String((e as Error).message).split('\n').filter(Boolean).slice(0, 2).join(' '));
}

/** A context with dbt's YAML globals: env_var(), var() and target. */
function valueContext(env: Environment, ctx: ValueContext): Context {
  const c: Context = env.context();
  c.env_var = pyFunction((_c, a, kw) => {
    const name = String(a[0]);
    const dflt = kw?.default ?? a[1];
    const v = ctx.env[name];
    ctx.onEnvRead?.(name, v);
    if (v !== undefined) return v;
    if (dflt !== undefined) return dflt;
    ctx.onMissingEnv?.(name);
    return '';
  });
  c.var = pyFunction((_c, a, kw) => {
    const name = String(a[0]);
    if (name in ctx.vars) return ctx.vars[name];
    if (a.length > 1 || (kw && 'default' in kw)) return kw?.default ?? a[1];
    ctx.onMissingVar?.(name);
    return '';
  });
  c.target = ctx.target ?? {};
  return c;
}

/** Template values as plain data: a whole float is its number, a tuple an array. */
function toNative(v: unknown): unknown {
  if (v instanceof PyFloat) return v.v;
  if (Array.isArray(v)) return v.map(toNative);
  return v;
}

/** Python's literal_eval for the literals YAML values use: numbers, True/False/None; anything else stays text. */
function literal(s: string): unknown {
  const t = s.trim();
  if (/^[-+]?\d+$/.test(t)) return t.length < 16 ? Number(t) : s;
  if (/^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (t === 'None') return null;
  return s;
}

/** Render every string inside `v` (objects and lists walked) with `renderValue`. */
export function renderDeep(v: unknown, ctx: ValueContext, skip?: (path: readonly (string | number)[]) => boolean, path: (string | number)[] = []): unknown {
  if (skip?.(path)) return v;
  if (typeof v === 'string') return renderValue(v, ctx);
  if (Array.isArray(v)) return v.map((x, i) => renderDeep(x, ctx, skip, [...path, i]));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderDeep(x, ctx, skip, [...path, k])]));
  return v;
}
