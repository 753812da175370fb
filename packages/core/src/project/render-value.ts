import nunjucks from 'nunjucks';

/** What Jinja in a YAML value may read: env_var(), var() and target, as in dbt's YAML renderers. */
export interface ValueContext {
  env: NodeJS.ProcessEnv;
  vars: Record<string, unknown>;
  target?: Record<string, unknown> | undefined;
  /** Called with a missing environment variable's name (no default given). */
  onMissingEnv?: ((name: string) => void) | undefined;
  /** Called with a missing var's name (no default given). */
  onMissingVar?: ((name: string) => void) | undefined;
}

/** A value's Jinja could not be rendered: the template's own message. */
export class ValueRenderError extends Error {
  readonly kind = 'ValueRenderError';
}

const SINGLE = /^\s*\{\{([\s\S]*?)\}\}\s*$/;

/**
 * Render Jinja in one YAML string value the way dbt renders dbt_project.yml, packages.yml and
 * schema YAML: with "native" results, so `"{{ var('on', false) }}"` is the boolean false and
 * `"{{ 5 }}"` the number 5, and text that reads as a Python literal (`True`, `3`, `None`)
 * becomes that value. Values without `{{`/`{%` come back unchanged.
 */
export function renderValue(text: string, ctx: ValueContext): unknown {
  if (!text.includes('{{') && !text.includes('{%')) return text;
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  env.addGlobal('env_var', (name: string, dflt?: unknown) => {
    const v = ctx.env[String(name)];
    if (v !== undefined) return v;
    if (dflt !== undefined) return dflt;
    ctx.onMissingEnv?.(String(name));
    return '';
  });
  env.addGlobal('var', (...args: unknown[]) => {
    const name = String(args[0]);
    if (name in ctx.vars) return ctx.vars[name];
    if (args.length > 1) return args[1];
    ctx.onMissingVar?.(name);
    return '';
  });
  env.addGlobal('target', ctx.target ?? {});
  env.addGlobal('True', true);
  env.addGlobal('False', false);
  env.addGlobal('None', null);
  const single = SINGLE.exec(text);
  try {
    if (single && !single[1]!.includes('}}') && !single[1]!.includes('{{')) {
      let captured: unknown;
      let called = false;
      env.addGlobal('__sm_value', (v: unknown) => {
        captured = v;
        called = true;
        return '';
      });
      env.renderString(`{{ __sm_value(${single[1]}) }}`, {});
      if (called && typeof captured !== 'string') return captured === undefined ? null : captured;
      if (called) return literal(captured as string);
    }
    return literal(env.renderString(text, {}));
  } catch (e) {
    throw new ValueRenderError(String((e as Error).message).replace(/^\(unknown path\)\s*/, '').split('\n').filter(Boolean).slice(0, 2).join(' '));
  }
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
