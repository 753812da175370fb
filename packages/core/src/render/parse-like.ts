import type { Expr, Stmt, TemplateAst } from '../jinja/ast.ts';
import { children } from '../jinja/ast-walk.ts';
import type { ModelNode, PackageInfo, ProjectConfig, SeedNode, SourceNode, TestNode } from '../types.ts';
import { hookNodeName, projectHooks } from '../project/hook-list.ts';
import type { JMacro } from '../jinja/macro.ts';
import type { MacroNamespaces } from './macro-namespaces.ts';
import { decideAtParse, type KnownTarget } from './parse-conditions.ts';
import { literalPair } from '../jinja/ast-walk.ts';

/** An on-run-start/on-run-end hook's text, as {@link parseLike} reads it for its operation node. */
interface HookText {
  readonly resourceType: 'operation';
  readonly packageName: string;
  readonly originalFilePath: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** The macros an on-run hook's text calls itself, as dbt's parse lists them on its operation node; none when it does not parse. */
function hookMacros(text: string, packageName: string, file: string, h: ParseLikeHost): string[] {
  const ast = () => {
    try {
      return h.parse(text, file);
    } catch {
      return undefined;
    }
  };
  return parseLike({ resourceType: 'operation', packageName, originalFilePath: file, config: {} }, ast, h).macros;
}

/** The macros each on-run hook's text calls, by its operation node's id (`operation.<package>.<name>`), for the manifest. */
export function hookMacrosOf(p: { readonly config: ProjectConfig; readonly packages: readonly PackageInfo[] }, h: ParseLikeHost): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const kind of ['on-run-start', 'on-run-end'] as const) {
    for (const hook of projectHooks(p, kind)) out[`operation.${hook.packageName}.${hookNodeName(hook, kind)}`] = hookMacros(hook.sql, hook.packageName, hook.file, h);
  }
  return out;
}

/** What dbt's parse records of a node: the macros its text calls itself, its literal refs and sources and the nodes they name. */
export interface ParseLike {
  macros: string[];
  nodes: string[];
  refs: string[];
  sources: [string, string][];
}

/** How names in a node's text resolve (adapter.dispatch as {@link macroDependsOn} finds it). */
export interface ParseLikeHost extends MacroDepsHost {
  /** The target conditions are decided against (`{% if target.type == 'x' %}`); none: undecided. */
  readonly target?: KnownTarget | undefined;
  resolveRef(name: string, pkg: string | undefined, fromPackage: string): ModelNode | SeedNode | undefined;
  resolveSource(sourceName: string, table: string, fromPackage: string): SourceNode | undefined;
  /** A hook's text parsed; throws on a syntax error. */
  parse(text: string, file: string): TemplateAst;
}

/**
 * What dbt's parse records of a model, snapshot or test, read from its text: the macros its
 * template and hooks call themselves, each once in the order they would run (at depth 0, with
 * `execute` false, so a call under `{% if execute %}` is not one), and its literal
 * `ref()`/`source()` calls with the nodes they name. A call under a condition on the target
 * (`{% if target.type == 'x' %}`) is listed when it holds; under one the text cannot decide
 * (`{% if var('x') %}`) it is listed, where dbt lists it only when the condition held. The refs and sources of the macros it calls, and of theirs in turn, are its own too, as
 * in dbt, whose parse runs them (dbt_project_evaluator's filter_exceptions refs its exceptions
 * seed for every model that calls it). `ast` is asked for only when the node is not a generic
 * test; undefined when its template does not parse.
 */
export function parseLike(n: ModelNode | TestNode | HookText, ast: () => TemplateAst | undefined, h: ParseLikeHost): ParseLike {
  const out: ParseLike = { macros: [], nodes: [], refs: [], sources: [] };
  // A generic test calls its test macro and, for its `model` argument, get_where_subquery; dbt's
  // parse does not render dbt's own unique and not_null, so lists their macro alone.
  if (n.resourceType === 'test' && n.testMetadata) {
    const m = h.macros.testMacro(n.testMetadata.name, n.packageName, n.testMetadata.namespace)?.meta.uniqueId;
    const where = m === 'macro.dbt.test_unique' || m === 'macro.dbt.test_not_null' ? undefined : h.macros.get(null, 'get_where_subquery', n.packageName)?.meta.uniqueId;
    out.macros = [m, where].filter((x): x is string => x !== undefined);
    // dbt's order: what its arguments ref (a relationships test's `to`), then the node it tests.
    const args = argumentTargets(n.testMetadata.kwargs, n.packageName, n.originalFilePath, h);
    const targets = [...args, ...n.dependsOn.nodes.map((id) => (id.startsWith('source.') ? { id, source: id.split('.').slice(2) as [string, string] } : { id, ref: id.split('.').pop()! }))];
    const seen = new Set<string>();
    for (const t of targets) {
      if ('ref' in t) out.refs.push(t.ref);
      else out.sources.push(t.source);
      if (t.id && !seen.has(t.id)) seen.add(t.id) && out.nodes.push(t.id);
    }
    return out;
  }
  const tree = ast();
  if (!tree) return out;
  const macros = new Set<string>();
  const nodes = new Set<string>();
  const hooks: string[] = [];
  // Each macro followed once: its refs and sources are the node's, as where dbt's parse runs it.
  const followed = new Set<string>();
  const follow = (m: JMacro | undefined): void => {
    const id = m?.meta.uniqueId;
    if (!id || followed.has(id)) return;
    followed.add(id);
    const reach = macroReach(m!, h);
    for (const t of reach.targets) target(t);
    reach.calls.forEach(follow);
  };
  const target = (t: LiteralTarget): void => {
    if (t.kind === 'ref') {
      out.refs.push(t.name);
      const found = h.resolveRef(t.name, t.pkg, n.packageName);
      if (found) nodes.add(found.uniqueId);
    } else {
      out.sources.push([t.source, t.table]);
      const found = h.resolveSource(t.source, t.table, n.packageName);
      if (found) nodes.add(found.uniqueId);
    }
  };
  const visit = (x: Extract<Expr, { kind: 'call' }>): void => {
    const t = literalTarget(x);
    if (t) return t !== 'dynamic' ? target(t) : undefined;
    if (isDispatch(x.fn)) return follow(dispatched(x, n.packageName, h));
    const m = namedMacro(x.fn, n.packageName, h.macros);
    if (m?.meta.uniqueId) macros.add(m.meta.uniqueId);
    follow(m);
    if (x.fn.kind === 'name' && x.fn.name === 'config') {
      for (const [k, v] of x.kwargs) if (/^(pre|post)[-_]hook$/.test(k)) for (const e of v.kind === 'list' || v.kind === 'tuple' ? v.items : [v]) if (e.kind === 'const' && typeof e.value === 'string') hooks.push(e.value);
    }
  };
  parseCalls(tree.body, h.target, visit);
  for (const k of ['pre-hook', 'post-hook']) for (const hk of (n.config[k] as { sql?: unknown }[] | undefined) ?? []) if (typeof hk?.sql === 'string') hooks.push(hk.sql);
  for (const text of hooks) {
    try {
      parseCalls(h.parse(text, n.originalFilePath).body, h.target, visit);
    } catch {
      // A hook that does not parse is reported when it renders.
    }
  }
  out.macros = [...macros];
  out.nodes = sourcesFirst([...nodes]);
  return out;
}

/** How {@link macroDependsOn} resolves names: the macros, and adapter.dispatch's search. */
/** A {@link ParseLikeHost} over a renderer's macros, its host's name resolution and dispatch, its target and Jinja environment. */
export function parseLikeHostOf(r: {
  readonly macros: MacroNamespaces;
  readonly host: Omit<MacroDepsHost, 'macros'> & Pick<ParseLikeHost, 'resolveRef' | 'resolveSource'>;
  readonly project: { readonly target?: KnownTarget | undefined };
  readonly env: { parse(text: string, file: string): { ast: TemplateAst } };
}): ParseLikeHost {
  const h = r.host;
  return {
    macros: r.macros,
    dispatchPrefixes: h.dispatchPrefixes,
    dispatchOrder: (namespace) => h.dispatchOrder(namespace),
    target: r.project.target,
    resolveRef: (name, pkg, from) => h.resolveRef(name, pkg, from),
    resolveSource: (source, table, from) => h.resolveSource(source, table, from),
    parse: (text, file) => r.env.parse(text, file).ast,
  };
}

export interface MacroDepsHost {
  readonly macros: MacroNamespaces;
  readonly dispatchPrefixes: readonly string[];
  dispatchOrder(namespace: string | undefined): (string | null)[];
}

/** Each macro's `depends_on.macros` ({@link macroDependsOn} of its body), as dbt's parse records them. */
export function settleMacroDependsOn(macros: MacroNamespaces, h: MacroDepsHost): void {
  for (const e of macros.entries) {
    const node = macros.nodeOf(e.uniqueId);
    if (node) e.dependsOn = macroDependsOn(node.body, e.packageName, h);
  }
}

/**
 * The macros a macro's body calls, as dbt's parse records them on its manifest entry: each call
 * of a macro by name (`x()`, `dbt_utils.x()`) in the order written, whatever branch it is under,
 * and for `adapter.dispatch('x', 'ns')` the macro that dispatch finds for this adapter
 * (`default__x` when there is no `<adapter>__x`); each once, names that are no macro left out.
 */
export function macroDependsOn(body: readonly Stmt[], pkg: string, h: MacroDepsHost): string[] {
  const out = new Set<string>();
  const visit = (x: Stmt | Expr): void => {
    if (x.kind === 'call') {
      const m = isDispatch(x.fn) ? dispatched(x, pkg, h) : namedMacro(x.fn, pkg, h.macros);
      if (m?.meta.uniqueId) out.add(m.meta.uniqueId);
    }
    for (const c of children(x)) visit(c);
  };
  body.forEach(visit);
  return [...out];
}

/** The macro a literal `adapter.dispatch(name, namespace)` finds, as it would at render. */
function dispatched(x: Extract<Expr, { kind: 'call' }>, pkg: string, h: MacroDepsHost) {
  const literal = (e: Expr | undefined) => (e?.kind === 'const' && typeof e.value === 'string' ? e.value : undefined);
  const kw = (k: string) => x.kwargs.find(([name]) => name === k)?.[1];
  const name = literal(kw('macro_name') ?? x.args[0]);
  if (name === undefined) return undefined;
  const namespace = literal(kw('macro_namespace') ?? x.args[1]);
  for (const p of h.dispatchOrder(namespace)) {
    for (const prefix of h.dispatchPrefixes) {
      const m = h.macros.get(p, `${prefix}__${name}`, pkg);
      if (m) return m;
    }
  }
  return undefined;
}

/** The macro a call names as written, seen from package `pkg`: `x(...)` or `<package>.x(...)`; undefined for anything else. */
function namedMacro(fn: Expr, pkg: string, macros: MacroNamespaces) {
  if (fn.kind === 'name') return macros.get(null, fn.name, pkg);
  if (fn.kind === 'getattr' && fn.obj.kind === 'name') return macros.get(fn.obj.name, fn.name, pkg);
  return undefined;
}

/** A model's parents as dbt lists them: the sources it reads, then the nodes it refs, each in the order called. */
export function sourcesFirst(ids: readonly string[]): string[] {
  return [...ids.filter((id) => id.startsWith('source.')), ...ids.filter((id) => !id.startsWith('source.'))];
}

/** A literal `ref('name')`, `ref('package', 'name')` or `source('source', 'table')` call. */
type LiteralTarget = { kind: 'ref'; pkg: string | undefined; name: string } | { kind: 'source'; source: string; table: string };

/** What a call is if it is ref() or source(): literal, or `dynamic` when its arguments are not literal strings; undefined for any other call. */
function literalTarget(x: Extract<Expr, { kind: 'call' }>): LiteralTarget | 'dynamic' | undefined {
  if (x.fn.kind !== 'name' || (x.fn.name !== 'ref' && x.fn.name !== 'source')) return undefined;
  const pair = literalPair(x.args);
  if (!pair) return 'dynamic';
  const [first, last] = pair;
  if (x.fn.name === 'ref') return { kind: 'ref', pkg: first, name: last };
  return first === undefined ? 'dynamic' : { kind: 'source', source: first, table: last };
}

/** `adapter.dispatch`, called. */
function isDispatch(fn: Expr): boolean {
  return fn.kind === 'getattr' && fn.obj.kind === 'name' && fn.obj.name === 'adapter' && fn.name === 'dispatch';
}

/**
 * Every call in `body` that dbt's parse would run, inner calls before the call they are arguments
 * of: of an `if` (or `x if c else y`) whose condition the text decides ({@link decideAtParse}:
 * `execute` is false, the target is known) only the branch taken; a macro defined in the text
 * runs only when called.
 */
function parseCalls(body: readonly Stmt[], target: KnownTarget | undefined, onCall: (x: Extract<Expr, { kind: 'call' }>) => void): void {
  const visit = (x: Stmt | Expr): void => {
    if (x.kind === 'if' || x.kind === 'cond') {
      const holds = decideAtParse(x.test, target);
      if (holds !== undefined) {
        visit(x.test);
        if (x.kind === 'if') return (holds ? x.body : x.else_).forEach(visit);
        const taken = holds ? x.then : x.else_;
        return taken && visit(taken);
      }
    }
    if (x.kind === 'macro') return;
    for (const c of children(x)) visit(c);
    if (x.kind === 'call') onCall(x);
  };
  body.forEach(visit);
}

/** What a macro's body reaches at parse: its literal refs and sources, and the macros it calls (found from its own package). */
interface MacroReach {
  readonly targets: readonly LiteralTarget[];
  readonly calls: readonly JMacro[];
}

const reaches = new WeakMap<MacroNamespaces, Map<string, MacroReach>>();

function macroReach(m: JMacro, h: ParseLikeHost): MacroReach {
  const id = m.meta.uniqueId ?? '';
  let byId = reaches.get(h.macros);
  if (!byId) reaches.set(h.macros, (byId = new Map()));
  let r = byId.get(id);
  if (r) return r;
  const node = h.macros.nodeOf(id);
  const pkg = m.meta.packageName;
  const targets: LiteralTarget[] = [];
  const calls: JMacro[] = [];
  if (node && pkg !== undefined) {
    parseCalls(node.body, h.target, (x) => {
      const t = literalTarget(x);
      if (t) return void (t !== 'dynamic' && targets.push(t));
      const callee = isDispatch(x.fn) ? dispatched(x, pkg, h) : namedMacro(x.fn, pkg, h.macros);
      if (callee) calls.push(callee);
    });
  }
  byId.set(id, (r = { targets, calls }));
  return r;
}

/** One ref or source a generic test's arguments name, and the node it finds (none: not found). */
type ArgumentTarget = { id: string | undefined; ref: string } | { id: string | undefined; source: [string, string] };

/**
 * The refs and sources a generic test's arguments name (`to: ref('x')`), in the order written.
 * dbt renders each string argument but `column_name`: one that looks like a call of ref,
 * source, var, env_var or doc as an expression, any other as a template.
 */
function argumentTargets(kwargs: Readonly<Record<string, unknown>>, pkg: string, file: string, h: ParseLikeHost): ArgumentTarget[] {
  const out: ArgumentTarget[] = [];
  const onCall = (x: Extract<Expr, { kind: 'call' }>) => {
    const t = literalTarget(x);
    if (!t || t === 'dynamic') return;
    if (t.kind === 'ref') out.push({ id: h.resolveRef(t.name, t.pkg, pkg)?.uniqueId, ref: t.name });
    else out.push({ id: h.resolveSource(t.source, t.table, pkg)?.uniqueId, source: [t.source, t.table] });
  };
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (v && typeof v === 'object') return Object.values(v).forEach(visit);
    if (typeof v !== 'string' || !/\b(ref|source)\s*\(/.test(v)) return;
    const text = /^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$/s.test(v) ? `{{ ${v} }}` : v;
    try {
      parseCalls(h.parse(text, file).body, h.target, onCall);
    } catch {
      // An argument that does not parse is reported when the test renders.
    }
  };
  for (const [k, v] of Object.entries(kwargs)) if (k !== 'column_name') visit(v);
  return out;
}
