import type { Environment } from '../jinja/environment.ts';
import type { Context } from '../jinja/macro.ts';
import { pyFunction } from '../jinja/runtime.ts';
import { pyStr } from '../jinja/py-values.ts';

const views = new WeakMap<Context, Record<string, unknown>>();

/**
 * dbt's `context`: the render's context as a dict (dbt hands every render a fresh dict of its
 * names, `context` among them). Reads see what the render sees (`context['ref']`,
 * `context.get('dbt_utils')`, the node's `this`). What `context.update({...})` or
 * `context[k] = v` adds stays in the dict: later macros of the same render read it back through
 * `context` (dbt-unit-testing keeps its test's state there), but it is no name of the template
 * (dbt: `{{ k }}` is still undefined) and no other node sees it.
 */
export function contextDict(c: Context): Record<string, unknown> {
  let v = views.get(c);
  if (v) return v;
  const added = Object.create(null) as Record<string, unknown>;
  const has = (k: string) => k in added || k in c;
  const read = (k: string) => (k in added ? added[k] : Reflect.get(c, k, c));
  v = new Proxy(Object.create(null) as Record<string, unknown>, {
    get: (_t, k) => (typeof k === 'string' ? read(k) : undefined),
    has: (_t, k) => typeof k === 'string' && has(k),
    set: (_t, k, value) => typeof k === 'string' && ((added[k] = value), true),
    deleteProperty: (_t, k) => typeof k === 'string' && delete added[k],
    ownKeys: () => {
      const out = new Set<string>();
      for (const k in c) out.add(k);
      for (const k in added) out.add(k);
      return [...out];
    },
    getOwnPropertyDescriptor: (_t, k) => (typeof k === 'string' && has(k) ? { value: read(k), enumerable: true, writable: true, configurable: true } : undefined),
    defineProperty: (_t, k, d) => typeof k === 'string' && 'value' in d && ((added[k] = d.value as unknown), true),
  });
  views.set(c, v);
  return v;
}

/**
 * The context names that are the render itself: `context` (above) and dbt's `render(text)`,
 * which renders text as a template in the calling render's context (its macros, `this`, what
 * `context.update` put there) and gives the text.
 */
export function renderContextNames(env: Environment): PropertyDescriptorMap {
  return {
    context: {
      get(this: Context) {
        return contextDict(this);
      },
      enumerable: true,
    },
    render: { value: pyFunction((c, a) => env.renderString(pyStr(a[0]), c, '<render()>')), enumerable: true, writable: true },
  };
}
