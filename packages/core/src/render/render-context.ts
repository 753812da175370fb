import type { Dialect, Relation } from '../adapter.ts';
import { quoteAsWritten } from '../base-dialect.ts';
import type { Context } from '../jinja/macro.ts';
import { Kwargs, typeName } from '../jinja/py-values.ts';
import { isMicrobatch, utc } from '../plan/microbatch.ts';
import { pyFunction, type PyCall } from '../jinja/runtime.ts';
import { addConfigCall, dropRootAppends, mergeConfigInto } from '../project/folder-config.ts';
import { FRAME, type Frame } from './frame.ts';
import { introspection } from './introspection.ts';
import type { MacroNamespaces } from './macro-namespaces.ts';
import type { TemplateRelation } from './relation.ts';
import { CompilerError } from './template-diagnostic.ts';
import { dbtAttachedNode } from '../types.ts';
import { testMetadataShape } from '../project/test-nodes.ts';
import { GRAPH_COLLECTIONS } from './graph-context.ts';

export { renderContextNames } from './context-dict.ts';

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
  /** A render touched a key of its own in `graph` (a package's cache): the host keeps what it held for a try that stops. */
  graphTouched?(): void;
  /** dbt's `api` (Relation, Column). */
  readonly api: unknown;
  /** dbt's RuntimeConfig as templates reach it: `builtins.ref.config`, `adapter.config`. */
  readonly runtimeConfig: unknown;
  /** The invocation's selected nodes (dbt's `selected_resources`): known when rendering at execution, not at compile. */
  readonly selectedResources: readonly string[] | undefined;
}

/** The render a context serves; a context made for no render (there is none) cannot call node functions. */
export function frameOf(c: Context): Frame {
  const f = (c as { [FRAME]?: Frame } | undefined)?.[FRAME];
  if (!f) throw new CompilerError('This function reads the node being rendered, and there is none here');
  return f;
}

/**
 * dbt's node-specific names (ref, source, config, this, model, var, env_var, is_incremental,
 * execute, adapter, graph, the statement store): defined once, on the renderer's base context;
 * each reads the render it serves from the calling context's frame, so making a node's context
 * costs one object. A macro named like one of them wins, as in dbt (`{% macro ref() %}`
 * overrides ref; `builtins.ref` is the original): macros sit on the package's context, nearer.
 */
const pyType = (x: unknown) => `<class '${typeName(x)}'>`;

/** ref()'s positional arguments as dbt checks them: a name, or a package (a string or none) and a name. */
function refArgs(a: unknown[], kw: Record<string, unknown> | null): unknown[] {
  if (a.length < 1 || a.length > 2) throw new CompilerError(`ref() takes at most two arguments (${a.length} given)`);
  const name = a[a.length - 1];
  if (typeof name !== 'string') throw new CompilerError(`The name argument to ref() must be a string, got ${pyType(name)}`);
  const pkg = a.length === 2 ? a[0] : undefined;
  if (pkg !== undefined && pkg !== null && typeof pkg !== 'string') throw new CompilerError(`The package argument to ref() must be a string or None, got ${pyType(pkg)}`);
  const v = kw?.version ?? kw?.v;
  if (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'number') throw new CompilerError(`The version argument to ref() must be a string, int, float, or None - got ${pyType(v)}`);
  return pkg === null ? [name] : a;
}

/** source()'s arguments as dbt checks them: exactly a source name and a table name, both strings. */
function sourceArgs(a: unknown[]): [string, string] {
  if (a.length !== 2) throw new CompilerError(`source() takes exactly two arguments (${a.length} given)`);
  if (typeof a[0] !== 'string') throw new CompilerError(`The source name (first) argument to source() must be a string, got ${pyType(a[0])}`);
  if (typeof a[1] !== 'string') throw new CompilerError(`The table name (second) argument to source() must be a string, got ${pyType(a[1])}`);
  return [a[0], a[1]];
}

export function nodeBuiltins(host: RenderHost): PropertyDescriptorMap {
  const intro = introspection(host, frameOf);
  const builtins: Record<string, unknown> = {
    ...intro.context,
    api: host.api,
    // dbt's ref carries the RuntimeConfig: packages read `builtins.ref.config.dependencies[name].version`.
    ref: Object.assign(pyFunction((c, a, kw) => host.ref(frameOf(c), refArgs(a, kw), kw)), { config: host.runtimeConfig }),
    source: pyFunction((c, a) => host.source(frameOf(c), ...sourceArgs(a))),
    var: pyFunction((c, a, kw) => {
      if (!a.length) throw new CompilerError("var() is missing its one required argument: the variable's name");
      return host.var(frameOf(c), c, String(a[0]), kw?.default ?? a[1], a.length + (kw && 'default' in kw ? 1 : 0));
    }),
    env_var: pyFunction((c, a, kw) => host.envVar(frameOf(c), String(a[0]), kw?.default ?? a[1])),
    config: configFunction(),
    is_incremental: pyFunction((c) => {
      const f = frameOf(c);
      f.readIncremental = true;
      return f.incremental;
    }),
    adapter: { ...adapterObject(host), ...intro.adapter, config: host.runtimeConfig },
  };
  const out: PropertyDescriptorMap = {};
  for (const [k, v] of Object.entries(builtins)) out[k] = { value: v, enumerable: true, writable: true };
  out.builtins = { value: builtins, enumerable: true, writable: true };
  const getter = (get: (f: Frame) => unknown): PropertyDescriptor => ({
    get(this: Context) {
      const f = (this as { [FRAME]?: Frame })[FRAME];
      return f ? get(f) : undefined;
    },
    enumerable: true,
  });
  out.execute = getter((f) => {
    f.readExecute = true;
    return f.execute;
  });
  out.graph = getter((f) => graphView(host.graph(), f, () => host.graphTouched?.()));
  // dbt's selected_resources: the unique ids this invocation selected. Compile, shared by
  // invocations that select differently, renders it as dbt's parse phase ([]) and leaves the
  // node to render again when it runs, where the selection is known.
  out.selected_resources = getter((f) => {
    const s = host.selectedResources;
    if (s) return [...s];
    f.askedWarehouse = true;
    f.volatile = true;
    return [];
  });
  out.this = getter((f) => {
    // dbt: None in a project hook, undefined in an operation.
    if (!f.relation) return f.node.resourceType === ('operation' as string) ? null : undefined;
    const r = host.relation(f.relation);
    f.thisRead = r.toString();
    return r;
  });
  out.model = getter((f) => {
    const m: Record<string, unknown> = { name: f.node.name, unique_id: f.node.uniqueId, config: f.config, resource_type: f.node.resourceType, package_name: f.node.packageName, fqn: f.node.fqn, original_file_path: f.node.originalFilePath, path: f.node.path, tags: f.node.tags, meta: f.node.meta, batch: batchOf(f) };
    // A generic test's `model` is its node as dbt's: what it tests (elementary's tests read
    // attached_node) and how it was called; dbt leaves out the keys that are none.
    const n = f.node;
    if (n.resourceType === 'test' && n.testMetadata) {
      const { namespace, ...t } = testMetadataShape(n);
      const attached = dbtAttachedNode(n);
      const alias = typeof f.config.alias === 'string' && f.config.alias ? f.config.alias : n.name;
      Object.assign(m, { alias, test_metadata: namespace ? { ...t, namespace } : t, depends_on: { macros: [...n.dependsOn.macros], nodes: [...n.dependsOn.nodes] } });
      if (attached) m.attached_node = attached;
      if (n.columnName) m.column_name = n.columnName;
    }
    return m;
  });
  return out;
}

/**
 * `graph` as a render sees it: the run's one graph, which packages also use as a cache shared
 * across the run (elementary: set up in on-run-start, filled by its tests, read in on-run-end).
 * A render that reads or writes a key of its own renders again when the node runs (as dbt
 * renders each node then), so what it stores reaches the run's graph.
 */
function graphView(g: unknown, f: Frame, touched: () => void): unknown {
  if (!g || typeof g !== 'object') return g;
  const own = (k: PropertyKey) => typeof k === 'string' && !GRAPH_COLLECTIONS.has(k) && !k.startsWith('__');
  const touch = (k: PropertyKey) => {
    if (!own(k)) return;
    f.askedWarehouse = true;
    f.volatile = true;
    touched();
  };
  return new Proxy(g, {
    get(t, k, r) {
      if (typeof k === 'string' && Object.hasOwn(t, k)) touch(k);
      return Reflect.get(t, k, r) as unknown;
    },
    has(t, k) {
      touch(k);
      return Reflect.has(t, k);
    },
    getOwnPropertyDescriptor(t, k) {
      touch(k);
      return Reflect.getOwnPropertyDescriptor(t, k);
    },
    set(t, k, v, r) {
      touch(k);
      return Reflect.set(t, k, v, r);
    },
    defineProperty(t, k, d) {
      touch(k);
      return Reflect.defineProperty(t, k, d);
    },
    deleteProperty(t, k) {
      touch(k);
      return Reflect.deleteProperty(t, k);
    },
  });
}

/** dbt's `model.batch`: the batch a microbatch model renders for (its bounds aware UTC datetimes), else none. */
function batchOf(f: Frame): Record<string, unknown> | null {
  const b = f.batch;
  if (!b) {
    if (isMicrobatch({ config: f.config })) f.readBatch = true;
    return null;
  }
  return { id: b.id, event_time_start: utc(b.start), event_time_end: utc(b.end) };
}

/** The context of one render: the package's context (its macros over the builtins) and the frame. */
export function nodeContext(pkgCtx: Context, f: Frame): Context {
  const c = Object.create(pkgCtx) as Context;
  (c as { [FRAME]?: Frame })[FRAME] = f;
  return c;
}

/**
 * A render's context with a unit test's or a call's macro overrides over it: a function, or a
 * value any call returns; `pkg.name` overrides the macro as that package's namespace gives it.
 */
export function withMacroOverrides(c: Context, overrides: Record<string, unknown> | undefined): Context {
  for (const [k, v] of Object.entries(overrides ?? {})) {
    const fn = typeof v === 'function' || (v && typeof v === 'object' && 'invoke' in v) ? v : pyFunction(() => v);
    const dot = k.indexOf('.');
    const pkg = k.slice(0, dot);
    if (dot > 0 && c[pkg] && typeof c[pkg] === 'object') c[pkg] = Object.assign(Object.create(null) as Record<string, unknown>, c[pkg], { [k.slice(dot + 1)]: fn });
    else c[k] = fn;
  }
  return c;
}

/** A config() call's keys as dbt records them: pre_hook/post_hook become pre-hook/post-hook; both spellings at once fail, as dbt's. */
function hyphenHooks(call: Record<string, unknown>): Record<string, unknown> {
  const out = { ...call };
  for (const old of ['pre_hook', 'post_hook'] as const) {
    if (!(old in out)) continue;
    const key = old.replace('_', '-');
    if (key in out) throw new CompilerError(`Invalid config, has conflicting keys "${old}" and "${key}": give the hook once, as ${key}`);
    const v = out[old];
    delete out[old];
    out[key] = v;
  }
  return out;
}

/** `config(materialized='table')`, `config({...})`, `config.get(k, default)`, `config.require(k)`. */
function configFunction(): unknown {
  const call: PyCall = (c, a, kw) => {
    const f = frameOf(c);
    const add: Record<string, unknown> = {};
    // As dbt 1.11.16: one mapping, or keyword arguments, not both and not neither ("Invalid inline model
    // config"); one argument that is not a mapping fails as Python's dict update does (config('table')).
    const positional = a.filter((x) => !(x instanceof Kwargs));
    const named = Object.keys(kw ?? {}).length > 0;
    if (positional.length + (named ? 1 : 0) !== 1) throw new CompilerError("Invalid inline model config: call config() with keyword arguments, as in config(materialized='table'), or with one mapping");
    const only = positional[0];
    if (positional.length && (!only || typeof only !== 'object' || Array.isArray(only))) {
      throw new CompilerError(`config() takes keyword arguments or one mapping, not a ${typeName(only)}: write config(materialized='table'), not config('table')`);
    }
    if (positional.length) Object.assign(add, only);
    Object.assign(add, kw ?? {});
    // dbt's config() renames pre_hook/post_hook to pre-hook/post-hook before it records the call.
    addConfigCall((f.configCall ??= {}), hyphenHooks(add));
    if (f.readConfig) f.configAfterRead = true;
    // The root project's config for a package's node beats the package's own config() calls (dbt).
    if (f.node.rootConfig) dropRootAppends(f.config, f.node.rootConfig);
    mergeConfigInto(f.config, add);
    if (f.node.rootConfig) mergeConfigInto(f.config, f.node.rootConfig);
    return '';
  };
  const fn = pyFunction(call) as unknown as Record<string, unknown>;
  fn.get = pyFunction((c, a, kw) => {
    const f = frameOf(c);
    f.readConfig = true;
    if (f.parsing) return '';
    const k = String(a[0]);
    const dflt = kw && 'default' in kw ? kw.default : a.length > 1 ? a[1] : null;
    const v = (f.finalConfig ?? f.config)[k];
    return v === undefined ? dflt : v;
  });
  fn.set = pyFunction((c, a, kw) => {
    const f = frameOf(c);
    f.config[String(kw?.name ?? a[0])] = kw?.value ?? a[1];
    return '';
  });
  fn.require = pyFunction((c, a) => {
    const f = frameOf(c);
    f.readConfig = true;
    if (f.parsing) return '';
    const v = (f.finalConfig ?? f.config)[String(a[0])];
    if (v === undefined) throw new CompilerError(`config "${String(a[0])}" is required`);
    return v;
  });
  return fn;
}

/** The part of dbt's `adapter` that needs no warehouse: quote, type and dispatch. */
function adapterObject(host: RenderHost): Record<string, unknown> {
  return {
    // dbt's adapter.quote() keeps the case: on Snowflake `"x"` is not the unquoted x (X).
    quote: pyFunction((_c, a) => quoteAsWritten(host.dialect, String(a[0]))),
    type: pyFunction(() => host.dialect.name),
    dispatch: pyFunction((c, a, kw) => {
      const f = frameOf(c);
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
