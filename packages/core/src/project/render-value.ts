import { Environment } from '../jinja/environment.ts';
import type { Context } from '../jinja/macro.ts';
import { PyFloat, pyStr } from '../jinja/py-values.ts';
import { pyFunction } from '../jinja/runtime.ts';

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

/**
 * The environment YAML values render in. dbt renders them natively, where `as_bool` and
 * `as_number` wrap the value's text in a marker (a Python str) that becomes the value only as
 * the whole result: inside an expression it is a non-empty string, so
 * `(var('off') | as_bool) and (var('on') | as_bool)` is the second operand and
 * `not (var('off') | as_bool)` is false, as dbt 1.11 decides `enabled`. SQL templates keep
 * these filters as the value itself, as dbt's text rendering does.
 */
function nativeEnvironment(): Environment {
  const env = new Environment();
  env.filters.as_bool = (_c, v) => pyStr(v);
  env.filters.as_number = (_c, v) => pyStr(v);
  return env;
}

const SINGLE = /^\s*\{\{([\s\S]*?)\}\}\s*$/;

/**
 * Render Jinja in one YAML string value the way dbt renders dbt_project.yml, packages.yml and
 * schema YAML: with "native" results, so `"{{ var('on', false) }}"` is the boolean false and
 * `"{{ 5 }}"` the number 5, and text that reads as a Python literal (`True`, `3`, `None`)
 * becomes that value. Values without `{{`/`{%` come back as Jinja gives back plain text: dbt
 * renders every value, and Jinja drops one trailing newline (a YAML `|` block's).
 */
export function renderValue(text: string, ctx: ValueContext): unknown {
  if (!text.includes('{{') && !text.includes('{%')) return asJinjaText(text);
  const env = (valueEnv ??= nativeEnvironment());
  const c = valueContext(env, ctx);
  const single = SINGLE.exec(text);
  try {
    if (single && !single[1]!.includes('}}') && !single[1]!.includes('{{')) {
      let captured: unknown;
      let called = false;
      c.__sm_value = pyFunction((_c, a) => {
        captured = a[0];
        called = true;
        return '';
      });
      env.renderString(`{{ __sm_value(${single[1]}) }}`, c, '<value>');
      if (called && typeof captured !== 'string') return captured === undefined ? null : toNative(captured);
      if (called) return literal(captured as string);
    }
    return literal(env.renderString(text, c, '<value>'));
  } catch (e) {
    throw valueError(e);
  }
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
