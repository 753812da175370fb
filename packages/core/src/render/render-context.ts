import type { Dialect, Relation } from '../adapter.ts';
import type { Context } from '../jinja/macro.ts';
import { Kwargs } from '../jinja/py-values.ts';
import { pyFunction, type PyCall } from '../jinja/runtime.ts';
import { mergeConfigInto } from '../project/folder-config.ts';
import { FRAME, type Frame } from './frame.ts';
import { introspection } from './introspection.ts';
import type { MacroNamespaces } from './macro-namespaces.ts';
import type { TemplateRelation } from './relation.ts';
import { CompilerError } from './template-diagnostic.ts';

/** What the node-specific functions of a context ask the renderer. */
export interface RenderHost {
  readonly dialect: Dialect;
  readonly macros: MacroNamespaces;
  ref(f: Frame, args: unknown[], kw: Record<string, unknown> | null): unknown;
  source(f: Frame, sourceName: string, table: string): unknown;
  var(f: Frame, c: Context, name: string, dflt: unknown, argc: number): unknown;
  envVar(f: Frame, name: string, dflt: unknown): unknown;
  /** Search order of `adapter.dispatch(name, namespace)`: package names, null meaning "as the node sees it". */
  dispatchOrder(namespace: string | undefined): (string | null)[];
  /** Adapter type names to try in dispatch, most specific first, ending in `default`. */
  readonly dispatchPrefixes: readonly string[];
  relation(rel: Relation, cteName?: string, type?: string | null): TemplateRelation;
  /** dbt's `graph` (nodes, sources, exposures, macros in the manifest's shape), built when first read. */
  graph(): unknown;
  /** dbt's `api` (Relation, Column). */
  readonly api: unknown;
}

/**
 * The context of one node render: dbt's node-specific names (ref, source, config, this, model,
 * var, env_var, is_incremental, adapter) on top of the context of the node's package, which
 * holds the macros it sees and the builtins. A macro of that package named like one of these
 * names wins, as in dbt (`{% macro ref() %}` overrides ref; `builtins.ref` is the original).
 */
export function nodeContext(host: RenderHost, pkgCtx: Context, f: Frame): Context {
  const c = Object.create(pkgCtx) as Context;
  (c as { [FRAME]?: Frame })[FRAME] = f;
  const flat = host.macros.flatFor(f.packageName);
  const intro = introspection(host, f);
  const builtins: Record<string, unknown> = {
    ...intro.context,
    execute: f.execute,
    api: host.api,
    ref: pyFunction((_c, a, kw) => host.ref(f, a, kw)),
    source: pyFunction((_c, a) => host.source(f, String(a[0]), String(a[1]))),
    var: pyFunction((cc, a, kw) => host.var(f, cc ?? c, String(a[0]), kw?.default ?? a[1], a.length + (kw && 'default' in kw ? 1 : 0))),
    env_var: pyFunction((_c, a, kw) => host.envVar(f, String(a[0]), kw?.default ?? a[1])),
    config: configFunction(f),
    is_incremental: pyFunction(() => f.incremental),
    adapter: { ...adapterObject(host, f), ...intro.adapter },
  };
  for (const k in builtins) if (!(k in flat)) c[k] = builtins[k];
  c.builtins = builtins;
  defineGetter(c, flat, 'graph', () => host.graph());
  defineGetter(c, flat, 'this', () => {
    if (!f.relation) return undefined;
    const r = host.relation(f.relation);
    f.thisRead = r.toString();
    return r;
  });
  defineGetter(c, flat, 'model', () => ({ name: f.node.name, unique_id: f.node.uniqueId, config: f.config, resource_type: f.node.resourceType, package_name: f.node.packageName, fqn: f.node.fqn, original_file_path: f.node.originalFilePath, path: f.node.path, tags: f.node.tags, meta: f.node.meta }));
  return c;
}

function defineGetter(c: Context, flat: Readonly<Record<string, unknown>>, name: string, get: () => unknown): void {
  if (name in flat) return;
  Object.defineProperty(c, name, { get, enumerable: true, configurable: true });
}

/** `config(materialized='table')`, `config({...})`, `config.get(k, default)`, `config.require(k)`. */
function configFunction(f: Frame): unknown {
  const call: PyCall = (_c, a, kw) => {
    const add: Record<string, unknown> = {};
    for (const x of a) if (x && typeof x === 'object' && !(x instanceof Kwargs)) Object.assign(add, x);
    Object.assign(add, kw ?? {});
    mergeConfigInto(f.config, add);
    // The root project's config for a package's node beats the package's own config() calls (dbt).
    if (f.node.rootConfig) mergeConfigInto(f.config, f.node.rootConfig);
    return '';
  };
  const fn = pyFunction(call) as unknown as Record<string, unknown>;
  fn.get = pyFunction((_c, a, kw) => {
    const k = String(a[0]);
    const dflt = kw && 'default' in kw ? kw.default : a.length > 1 ? a[1] : null;
    const v = f.config[k];
    return v === undefined ? dflt : v;
  });
  fn.set = pyFunction((_c, a, kw) => {
    f.config[String(kw?.name ?? a[0])] = kw?.value ?? a[1];
    return '';
  });
  fn.require = pyFunction((_c, a) => {
    const v = f.config[String(a[0])];
    if (v === undefined) throw new CompilerError(`config "${String(a[0])}" is required`);
    return v;
  });
  return fn;
}

/** The part of dbt's `adapter` that needs no warehouse: quote, type and dispatch. */
function adapterObject(host: RenderHost, f: Frame): Record<string, unknown> {
  return {
    quote: pyFunction((_c, a) => host.dialect.quoteIdentifier(String(a[0]))),
    type: pyFunction(() => host.dialect.name),
    dispatch: pyFunction((_c, a, kw) => {
      const name = String(kw?.macro_name ?? a[0]);
      const namespace = (kw?.macro_namespace ?? a[1]) as string | undefined | null;
      if (name.includes('.')) {
        const [ns, rest] = name.split('.', 2);
        throw new CompilerError(`In adapter.dispatch, got a macro name of "${name}", but "." is not a valid macro name component. Did you mean \`adapter.dispatch("${rest}", macro_namespace="${ns}")\`?`);
      }
      if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') throw new CompilerError(`In adapter.dispatch, macro_namespace should be None or a string, not ${typeof namespace}`);
      const attempts: string[] = [];
      for (const pkg of host.dispatchOrder(namespace ?? undefined)) {
        for (const prefix of host.dispatchPrefixes) {
          const searchName = `${prefix}__${name}`;
          const m = host.macros.get(pkg, searchName, f.packageName);
          attempts.push(pkg === null ? searchName : `${pkg}.${searchName}`);
          if (m) return m;
        }
      }
      throw new CompilerError(`In dispatch: No macro named '${name}' found within namespace: '${namespace ?? 'None'}'\n    Searched for: ${attempts.map((x) => `'${x}'`).join(', ')}`);
    }),
  };
}
