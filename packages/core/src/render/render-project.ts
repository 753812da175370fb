import type { Connection, Dialect, Relation } from '../adapter.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { Environment, type Template } from '../jinja/environment.ts';
import { ControlSignal, ReturnSignal } from '../jinja/errors.ts';
import type { Context } from '../jinja/macro.ts';
import { pyStr } from '../jinja/py-values.ts';
import { parseFallback, parsedRefs, renderFailure } from './parse-fallback.ts';
import type { LoadedProject } from '../project/load-project.ts';
import type { CompiledProject, Overrides, RenderOptions } from './render-options.ts';
import type { FoundRef, GraphNode, ModelNode, NodeConfig, SeedNode, SourceNode, TemplateMessage, TestNode } from '../types.ts';
import { compileHooks, hookDeps, staticHook, type HookRendering } from './compile-hooks.ts';
import { dbtBuiltins } from './dbt-builtins.ts';
import { Ephemerals } from './ephemerals.ts';
import { CTE_PREFIX } from './inject-ctes.ts';
import type { ExecutionRender } from './execution.ts';
import { renderForExecution, renderInline, renderWithOverrides, type RenderOverrides, type RerenderParts } from './rerender.ts';
import { NodeNaming } from './node-naming.ts';
import { NeedRender, newFrame, steady, type Frame, type TargetCall } from './frame.ts';
import { renderGenericTest } from './generic-test.ts';
import { MacroNamespaces } from './macro-namespaces.ts';
import { cloneConfig, macroFiles, recordingMacros, refsOf, sourcesOf, tagsOf } from './render-parts.ts';
import { metaOf } from '../project/folder-config.ts';
import { dbtTemplateText } from '../project/file-text.ts';
import { hookMacrosOf, parseLike, parseLikeHostOf, settleMacroDependsOn, sourcesFirst, type ParseLike } from './parse-like.ts';
import { settleDisabled } from './settle-disabled.ts';
import { ProjectHost } from './project-host.ts';
import { cacheOnDemand, renderKey, type RenderCache } from './render-cache.ts';
import { nodeBuiltins, nodeContext, renderContextNames, withMacroOverrides } from './render-context.ts';
import { parseWarnings } from './parse-warnings.ts';
import { foreignKeyTargets, hasForeignKeys } from '../project/constraints.ts';
import { literalRefs, RenderScheduler, type Schedulable } from './render-scheduler.ts';
import { printedRelationName, type TemplateRelation } from './relation.ts';
import { templateDiagnostic } from './template-diagnostic.ts';
import { WarehouseLog } from './warehouse.ts';

export { CTE_PREFIX, injectCtes } from './inject-ctes.ts';
export type { CompiledProject, RenderOptions } from './render-options.ts';

type Rendered = ModelNode | TestNode;

/**
 * Renders every model and test once, in dependency order, without recursion: a `ref()` to a
 * model not rendered yet stops the render ({@link NeedRender}); the scheduler renders that
 * model and comes back. Refs written literally are rendered first, so that rarely happens.
 * A template that asks the warehouse where there is none (compile) is rendered as dbt's parse
 * phase renders it and marked `needsWarehouse`; execution renders it again with
 * {@link ProjectRenderer.renderForExecution}.
 */
export class ProjectRenderer implements Schedulable {
  readonly project: LoadedProject;
  readonly dialect: Dialect;
  readonly diagnostics: Diagnostic[] = [];
  /** dbt's Jinja: a `{% macro x %}` inside a model or hook is `dbt_macro__x` there. */
  readonly env = new Environment({ inlineMacroPrefix: 'dbt_macro__' });
  readonly macros: MacroNamespaces;
  readonly host: ProjectHost;
  readonly #opts: RenderOptions;
  readonly #base: Context;
  readonly #pkgCtx = new Map<string, Context>();
  /** Every loaded node by id, made on first use: a hook's render at run time may need none (execution-renderer.ts). */
  #byIdMap: Map<string, GraphNode> | undefined;
  readonly #rendered = new Map<string, GraphNode>();
  readonly #ephemerals = new Ephemerals();
  readonly #scheduler = new RenderScheduler(this);
  readonly #templates = new Map<string, Template | null>();
  /** The macros each on-run hook's text calls (hookMacrosOf), once `graph` asks. */
  #hookMacros: Record<string, string[]> | undefined;
  #volatileSeen = false;
  /** Set when a node's render was not {@link steady} (see HostRenderer `steadyRenders`). */
  #unsteady = false;
  /** The render cache, opened when first asked for (RenderOptions `cache`). */
  readonly #cache: () => RenderCache | undefined;
  readonly #naming: NodeNaming;
  /** The renderer's parts that a render outside compile's pass uses (rerender.ts). */
  readonly #rerender: RerenderParts;
  /** Started model -> the models rendered with its loaded relation meanwhile (see Frame.waitedOn). */
  readonly #provisional = new Map<string, string[]>();
  /** Hooks rendered at compile (compile-hooks.ts), with what they rendered. */
  readonly #hooks: HookRendering = { diagnostics: this.diagnostics, renders: new Map(), render: (text, name, frame) => this.#renderText(text, name, frame).trim() };
  /** Set while rendering with overrides: such a render is neither read from nor written to the cache. */
  #overrides: Overrides | undefined;

  constructor(project: LoadedProject, opts: RenderOptions) {
    this.project = project;
    this.dialect = opts.dialect;
    this.#opts = opts;
    this.#cache = cacheOnDemand(opts.cache);
    this.macros = new MacroNamespaces(this.env, macroFiles(project), project.config.name, this.diagnostics);
    const self = this;
    this.host = new ProjectHost(project, opts.dialect, this.macros, this.env, this.diagnostics, {
      rendered: (id) => this.#rendered.get(id),
      isStarted: (id) => this.#scheduler.started.has(id),
      renderSeed: (s) => this.#renderSeed(s),
      relationFor: (n, c) => this.relationFor(n, c),
      parseLike: (id) => this.parseLike(id),
      get overrides() {
        return self.#overrides;
      },
      processEnvDefault: opts.env ?? process.env,
      onVolatile: () => (this.#volatileSeen = true),
      selectedResources: opts.selectedResources,
      graphStore: opts.graphStore,
      steadyRenders: () => !this.#unsteady,
    });
    this.#base = this.env.context();
    const flags = { WHICH: 'compile', FULL_REFRESH: false, EMPTY: false, WARN_ERROR: false, FAIL_FAST: false, DEBUG: false, ...opts.flags, STORE_FAILURES: !!project.storeFailures };
    Object.defineProperties(this.#base, nodeBuiltins(this.host));
    Object.defineProperties(
      this.#base,
      dbtBuiltins({ project, flags, defaultDatabase: this.host.defaultDatabase, runStartedAt: opts.runStartedAt ?? new Date(), invocationId: opts.invocationId ?? '', env: opts.env ?? process.env, onVolatile: () => (this.#volatileSeen = true) }),
    );
    Object.defineProperties(this.#base, renderContextNames(this.env));
    this.#naming = new NodeNaming(project, this.macros, this.diagnostics, (pkg) => this.#pkgContext(pkg));
    this.#rerender = {
      project,
      env: opts.env ?? process.env,
      setOverrides: (o) => (this.#overrides = o),
      host: this.host,
      diagnostics: this.diagnostics,
      jinja: this.env,
      ephemerals: this.#ephemerals,
      byId: (id) => this.#byId.get(id),
      rendered: (id) => this.#rendered.get(id),
      withDeps: (fn) => this.#withDeps(fn),
      relationFor: (n, c) => this.relationFor(n, c),
      renderText: (text, name, frame, extra) => this.#renderText(text, name, frame, extra),
      renderTemplate: (n, frame) => this.#renderTemplate(n, frame),
      renderGenericTest: (t, frame) => renderGenericTest(this, t, this.#context(frame), frame, (id) => this.#relationOf(id, frame)),
    };
  }

  get #byId(): Map<string, GraphNode> {
    return (this.#byIdMap ??= new Map([...this.project.models, ...this.project.seeds, ...this.project.sources, ...this.project.tests].map((n) => [n.uniqueId, n])));
  }

  /** Whether anything rendered so far read the environment or the clock: its output may differ from an earlier render of the same inputs. */
  get readVolatile(): boolean {
    return this.#volatileSeen;
  }

  /** Render everything (or the `only` set and what it refs); returns the compiled project. */
  renderAll(): CompiledProject {
    const only = this.#opts.only;
    // Sources first: what a bad external location says is said here, not inside a model's render that may start over.
    for (const s of this.project.sources) this.#renderSource(s);
    for (const m of this.project.models) if (!only || only.has(m.uniqueId)) this.#scheduler.ensure(m.uniqueId);
    for (const s of this.project.seeds) this.#renderSeed(s);
    for (const t of this.project.tests) if (!only || only.has(t.uniqueId)) this.#scheduler.ensure(t.uniqueId);
    const { nodes, disabled, disabledTests } = settleDisabled(
      { project: this.project, rendered: this.#rendered, byId: this.#byId, targetless: this.host.targetless, parseHost: parseLikeHostOf(this), relationFor: (n, c) => this.relationFor(n, c) },
      this.diagnostics,
    );
    this.diagnostics.push(...parseWarnings(this.project, this.macros, nodes.values(), (n, p, from) => this.host.resolveRef(n, p, from), this.#cache()?.reused));
    settleMacroDependsOn(this.macros, this.host);
    return { project: this.project, nodes, disabled, disabledTests, ephemerals: this.#ephemerals.byNode, diagnostics: [...this.project.diagnostics, ...this.diagnostics], macros: this.macros.entries, hookMacros: hookMacrosOf(this.project, parseLikeHostOf(this)) };
  }

  /** Render a model with vars, context names and environment variables overridden, for this call only (see {@link renderWithOverrides}). */
  renderModelWithOverrides(node: ModelNode, o: RenderOverrides): { sql: string; askedWarehouse: boolean } {
    return renderWithOverrides(this.#rerender, node, o);
  }

  /** Render free text (`--inline`) in the root project's context (or package `pkg`'s); `say` is told what it showed (`log(msg, info=True)`). Throws the template's error. */
  renderString(text: string, say?: (m: TemplateMessage) => void, pkg = this.project.config.name): string {
    return renderInline(this.#rerender, text, say, pkg);
  }

  /** Render again with a live connection what compile could not (rerender.ts); template and warehouse errors throw, naming where. */
  renderForExecution(what: ExecutionRender, conn: Connection): Promise<string> {
    return renderForExecution(this.#rerender, what, conn);
  }

  /** Whether a node inlines an ephemeral that must be rendered again at execution (so must the node). */
  #inlinesLive(id: string): boolean {
    return (this.#ephemerals.byNode.get(id) ?? []).some((e) => this.#rendered.get(e)?.needsWarehouse);
  }

  /** Render text in a frame's context, kept as rendered (dbt's inline compiled_code); a template error throws. */
  #renderText(text: string, name: string, frame: Frame, extra?: Record<string, unknown>): string {
    try {
      return this.env.renderString(text, extra ? Object.assign(this.#context(frame), extra) : this.#context(frame), name);
    } catch (e) {
      if (e instanceof ReturnSignal) return pyStr(e.value);
      throw e;
    }
  }

  /** Run `fn`, rendering whatever model it waits for first, until it completes. */
  #withDeps<T>(fn: () => T): T {
    for (;;) {
      try {
        return fn();
      } catch (e) {
        if (!(e instanceof NeedRender)) throw e;
        for (const id of e.ids) this.#scheduler.ensure(id);
      }
    }
  }

  relationFor(node: GraphNode, config: NodeConfig): Relation {
    return this.#naming.relationFor(node, config);
  }

  /** The context of a package: the macros its nodes see over dbt's builtins. */
  #pkgContext(pkg: string): Context {
    let c = this.#pkgCtx.get(pkg);
    if (!c) {
      c = Object.assign(Object.create(this.#base) as Context, this.macros.flatFor(pkg));
      this.#pkgCtx.set(pkg, c);
    }
    return c;
  }

  #context(frame: Frame): Context {
    return withMacroOverrides(nodeContext(this.#pkgContext(frame.packageName), frame), this.#overrides?.macros);
  }

  /** Models a node refs by literal name, or that its cache entry says it depends on. */
  staticDeps(id: string): string[] {
    const n = this.#byId.get(id);
    if (!n || (n.resourceType !== 'model' && n.resourceType !== 'snapshot' && n.resourceType !== 'test')) return [];
    const out: string[] = [];
    if (n.resourceType === 'test' && n.attachedNode) out.push(n.attachedNode);
    const cached = this.#overrides ? undefined : this.#cache()?.get(id);
    if (cached && 'checksum' in n && cached.checksum === renderKey(n as Rendered)) {
      for (const d of Object.keys(cached.deps)) if (!d.startsWith('source.')) out.push(d);
      return out;
    }
    const t = this.#template(n as Rendered);
    if (!t) return out;
    for (const [pkg, name] of literalRefs(t.ast)) {
      const target = this.host.resolveRef(name, pkg, n.packageName);
      if (target && target.resourceType !== 'seed') out.push(target.uniqueId);
    }
    return out;
  }

  isRendered(id: string): boolean {
    return this.#rendered.has(id);
  }

  finished(id: string): string[] {
    const again = this.#provisional.get(id) ?? [];
    this.#provisional.delete(id);
    for (const d of again) this.#rendered.delete(d);
    return again;
  }

  /** Render one node; returns the ids of the models it must wait for, or undefined when done. */
  renderOnce(id: string): readonly string[] | undefined {
    const n = this.#byId.get(id);
    if (!n) return undefined;
    const before = this.diagnostics.length;
    try {
      if (n.resourceType === 'seed') this.#renderSeed(n);
      else if (n.resourceType === 'source') this.#renderSource(n);
      else if (n.resourceType === 'test') this.#renderTest(n);
      else if (n.resourceType === 'model' || n.resourceType === 'snapshot' || n.resourceType === 'analysis') this.#renderModel(n);
      return undefined;
    } catch (e) {
      if (!(e instanceof NeedRender)) throw e;
      // The render starts over later: what it reported so far will be reported again.
      this.diagnostics.length = before;
      return e.ids;
    }
  }

  #renderSeed(s: SeedNode): SeedNode {
    const done = this.#rendered.get(s.uniqueId) as SeedNode | undefined;
    if (done) return done;
    // A seed is often rendered within a model's render (its first ref): the macros its hooks call are the seed's (dbt's depends_on), not the model's.
    const macros = new Set<string>();
    return recordingMacros((m) => void (m.meta.uniqueId && macros.add(m.meta.uniqueId)), () => {
      const r: SeedNode = { ...s, relation: this.relationFor(s, s.config), tags: tagsOf(s.config, s.yamlTagSpan) };
      const deps = hookDeps(this.#hooks, s, s.config, r.relation, false);
      const hooks = compileHooks(r.config, (text, name) => staticHook(this.#hooks, r, text, name));
      if (hooks) r.renderedHooks = hooks;
      if (deps.length || macros.size) r.dependsOn = { nodes: deps, macros: [...macros] };
      this.#rendered.set(s.uniqueId, r);
      return r;
    });
  }

  /** A source as compiled SQL reads it: its relation, or what the dialect reads instead (an external location). */
  #renderSource(s: SourceNode): void {
    this.#rendered.set(s.uniqueId, { ...s, relation: this.host.sourceRelationOf(s) });
  }

  #isIncremental(m: ModelNode): boolean {
    return m.config.materialized === 'incremental' && (this.#opts.isIncremental?.(m) ?? false);
  }

  #renderModel(m: ModelNode): GraphNode {
    const hit = this.#fromCache(m);
    if (hit) return hit;
    let frame = newFrame(m, cloneConfig(m.config), this.#isIncremental(m), new WarehouseLog(false));
    frame.relation = this.relationFor(m, frame.config);
    const before = this.diagnostics.length;
    let sql = this.#renderTemplate(m, frame);
    let relation = this.relationFor(m, frame.config);
    // dbt renders with the final config: `this` read before a config() that moved it renders again.
    // So does a config.get() read before a config() call: dbt's answers with the node's final config.
    if ((frame.thisRead !== undefined && frame.thisRead !== this.host.relation(relation).toString()) || frame.configAfterRead) {
      this.diagnostics.length = before;
      // Its config() calls apply once more to the config it started from; config.get() reads the final one.
      const again = newFrame(m, cloneConfig(frame.configAfterRead ? m.config : frame.config), frame.incremental, new WarehouseLog(false));
      if (frame.configAfterRead) again.finalConfig = frame.config;
      again.relation = relation;
      sql = this.#renderTemplate(m, again);
      frame = again;
      relation = this.relationFor(m, frame.config);
    }
    frame.relation = relation;
    const foreignKeys = foreignKeyTargets(m, (to) => this.#renderText(`{{ ${to} }}`, `${m.originalFilePath} (foreign key to ${to})`, frame));
    for (const w of frame.waitedOn ?? []) this.#provisional.set(w, [...(this.#provisional.get(w) ?? []), m.uniqueId]);
    // The macros its hooks call are the model's too, after its own (dbt's depends_on.macros).
    const hookMacros = new Set<string>();
    const fromHooks = recordingMacros((h) => void (h.meta.uniqueId && hookMacros.add(h.meta.uniqueId)), () => hookDeps(this.#hooks, m, frame.config, relation, true));
    const nodes = sourcesFirst([...new Set([...frame.refs, ...fromHooks])]);
    const ran = [...new Set([...frame.macros, ...hookMacros])];
    // dbt's order: what its parse recorded (execute false; hooks' after its own), then what only execute true called, added when it compiled.
    // What its parse alone records (a call under {% else %} of execute included), for `parse` and `ls` manifests;
    // compile's and run's list those, then what execute true called (dbt's order).
    const parsed = frame.readExecute ? this.parseLike(m.uniqueId).macros : undefined;
    const macros = parsed ? [...new Set([...parsed, ...ran])] : ran;
    const r = Object.assign(this.#modelResult(m, frame.config, relation, nodes, sql, frame.ephemerals, frame.askedWarehouse, macros, frame.said, frame.refCalls, frame.configCall, frame.sourceCalls, parsed), foreignKeys ? { foreignKeys } : {});
    if (!steady(frame)) this.#unsteady = true;
    const cache = this.#cache();
    if (cache) {
      if (frame.volatile || frame.waitedOn || this.diagnostics.length > before || m.config.materialized === 'incremental' || foreignKeys) cache.delete(m.uniqueId);
      else {
        const deps: Record<string, string> = {};
        for (const id of nodes) deps[id] = this.#depSignature(id) ?? '';
        cache.set(m.uniqueId, { checksum: renderKey(m), sql, config: frame.config, relation, deps, ephemerals: [...frame.ephemerals], macros, ...(parsed ? { parseMacros: parsed } : {}), ...(frame.said?.length ? { said: frame.said } : {}), ...(frame.refCalls.length ? { refCalls: frame.refCalls } : {}), ...(frame.sourceCalls.length ? { sourceCalls: frame.sourceCalls } : {}), ...(frame.configCall ? { configCall: frame.configCall } : {}) });
      }
    }
    return r;
  }

  /** What a dependency renders as in a referring model (it is rendered by now); undefined when it no longer exists. */
  #depSignature(id: string): string | undefined {
    const n = this.#byId.get(id);
    if (!n) return undefined;
    if (n.resourceType === 'source') return printedRelationName(this.host.sourceRelationOf(n), this.dialect, this.project.target);
    if (n.resourceType === 'seed') return this.dialect.relationName(this.#renderSeed(n).relation);
    const r = this.#rendered.get(id) as ModelNode | undefined;
    if (!r) return undefined;
    return r.config.materialized === 'ephemeral' ? `ephemeral:${r.name}` : this.dialect.relationName(r.relation);
  }

  /** A cached render whose dependencies render as they did then; throws NeedRender for a dependency not rendered yet. */
  #fromCache(m: ModelNode): GraphNode | undefined {
    if (this.#isIncremental(m) || hasForeignKeys(m)) return undefined;
    const e = this.#cache()?.get(m.uniqueId);
    if (!e || e.checksum !== renderKey(m)) return undefined;
    for (const [id, sig] of Object.entries(e.deps)) {
      const n = this.#byId.get(id);
      if (n && (n.resourceType === 'model' || n.resourceType === 'snapshot') && !this.#rendered.has(id)) {
        if (this.#scheduler.started.has(id) || id === m.uniqueId) return undefined;
        throw new NeedRender(id);
      }
      if (this.#depSignature(id) !== sig) return undefined;
    }
    this.#cache()!.reused.add(m.uniqueId);
    return this.#modelResult(m, e.config, e.relation, Object.keys(e.deps), e.sql, e.ephemerals, false, e.macros, e.said, e.refCalls ?? [], e.configCall, e.sourceCalls ?? [], e.parseMacros);
  }

  /** A rendered model: final config and relation, what it depends on, its SQL with ephemerals inlined. */
  #modelResult(m: ModelNode, config: NodeConfig, relation: Relation, nodes: string[], sql: string, ephemerals: Iterable<string>, needsWarehouse: boolean, macros: string[], said: TemplateMessage[] | undefined, refCalls: readonly FoundRef[], configCall: Record<string, unknown> | undefined, sourceCalls: readonly [string, string][], parseMacros?: string[]): ModelNode {
    this.#ephemerals.setBare(m.uniqueId, relation.identifier, sql);
    const r: ModelNode = {
      ...m,
      ...(parseMacros ? { parseMacros } : {}),
      config,
      tags: tagsOf(config, m.yamlTagSpan),
      meta: metaOf(config),
      relation,
      refs: refsOf(refCalls, nodes),
      sources: sourcesOf(sourceCalls, nodes),
      dependsOn: { nodes, macros },
      compiledCode: this.#ephemerals.inline(m.uniqueId, sql, ephemerals),
      extraCtes: this.#ephemerals.extraCtes(m.uniqueId),
      ...(configCall ? { configCall } : {}),
    };
    if (needsWarehouse || this.#inlinesLive(m.uniqueId)) r.needsWarehouse = true;
    else if (said?.length) r.said = said;
    const hooks = compileHooks(config, (text, name) => staticHook(this.#hooks, r, text, name));
    if (hooks) r.renderedHooks = hooks;
    this.#rendered.set(m.uniqueId, r);
    return r;
  }

  #renderTest(t: TestNode, finalConfig?: NodeConfig): GraphNode {
    const before = this.diagnostics.length;
    const frame = newFrame(t, cloneConfig(t.config), false, new WarehouseLog(false));
    frame.finalConfig = finalConfig;
    for (const d of t.dependsOn.nodes) frame.refs.add(d);
    // dbt's `this` in a singular test: the relation its failures would be stored in; a generic test has none.
    if (!t.testMetadata) frame.relation = this.relationFor(t, frame.config);
    const sql = t.testMetadata ? parseFallback(this, frame, () => renderGenericTest(this, t, this.#context(frame), frame, (id) => this.#relationOf(id, frame))) : this.#renderTemplate(t, frame);
    // A config.get() before a config() call: dbt's reads the final config.
    if (frame.configAfterRead && !finalConfig) {
      this.diagnostics.length = before;
      return this.#renderTest(t, frame.config);
    }
    if (!steady(frame)) this.#unsteady = true;
    if (frame.readConfig && !t.testMetadata) for (const id of parsedRefs(this, t, frame.relation, (p) => this.#renderTemplate(t, p))) frame.refs.add(id);
    // dbt's order: the sources, then the refs its arguments render (a relationships test's `to`) before the node it tests.
    // A call that found nothing is among its refs or sources where it was made (the test is disabled).
    const attached = new Set(t.dependsOn.nodes);
    const calls = [...frame.refs].map((id): TargetCall => (id.startsWith('source.') ? { id, source: id.split('.').slice(2) as [string, string] } : { id, ref: id.split('.').pop()! }));
    frame.missing?.forEach((m, i) => calls.splice(m.at + i, 0, m));
    const byRef = [...calls.filter((c) => !c.id || !attached.has(c.id)), ...calls.filter((c) => c.id && attached.has(c.id))];
    const refs = byRef.filter((c) => 'ref' in c);
    const sources = byRef.filter((c) => 'source' in c);
    const nodes = [...sources, ...refs].flatMap((c) => (c.id ? [c.id] : []));
    const r: TestNode = {
      ...t,
      config: frame.config,
      tags: [...new Set([...t.tags, ...tagsOf(frame.config)])],
      meta: metaOf(frame.config),
      dependsOn: { nodes, macros: [...frame.macros] },
      refs: refs.map((c) => ({ name: c.ref })),
      sources: sources.map((c) => c.source),
      compiledCode: this.#ephemerals.inline(t.uniqueId, sql, frame.ephemerals),
      extraCtes: this.#ephemerals.extraCtes(t.uniqueId),
      ...(frame.configCall ? { configCall: { ...t.configCall, ...frame.configCall } } : {}),
    };
    if (frame.askedWarehouse || this.#inlinesLive(t.uniqueId)) r.needsWarehouse = true;
    else if (frame.said?.length) r.said = frame.said;
    // Where its failures are stored; only a project's own naming macros move it from the default testRelation gives.
    if (this.#naming.custom) r.relation = this.relationFor(t, frame.config);
    this.#rendered.set(t.uniqueId, r);
    return r;
  }

  /** The relation a node renders as, once rendered (throws NeedRender before); an ephemeral's CTE, noted in `frame`. */
  #relationOf(id: string, frame: Frame): TemplateRelation | undefined {
    const n = this.#byId.get(id);
    if (!n) return undefined;
    // As ref() and source() give them (project-host.ts): --defer's relation, --empty's subquery.
    const deferred = this.project.deferred?.get(id);
    if (deferred) return this.host.refRelation(deferred);
    if (n.resourceType === 'source') return this.host.refRelation(n.relation);
    if (n.resourceType === 'seed') return this.host.refRelation(this.#renderSeed(n).relation);
    const r = this.#rendered.get(id) as ModelNode | undefined;
    if (!r) throw new NeedRender(id);
    if (r.config.materialized === 'ephemeral') {
      frame.ephemerals.add(id);
      return this.host.refRelation(r.relation, `${CTE_PREFIX}${r.relation.identifier}`, 'cte');
    }
    return this.host.refRelation(r.relation);
  }

  /** What dbt's parse records of a model, snapshot, test or hook operation, read from its text (see {@link parseLike}), for `graph`. */
  parseLike(id: string): ParseLike {
    if (id.startsWith('operation.')) return { macros: (this.#hookMacros ??= hookMacrosOf(this.project, parseLikeHostOf(this)))[id] ?? [], nodes: [], refs: [], sources: [] };
    const n = this.#byId.get(id);
    if (!n || (n.resourceType !== 'model' && n.resourceType !== 'snapshot' && n.resourceType !== 'test')) return { macros: [], nodes: [], refs: [], sources: [] };
    return parseLike(n as Rendered, () => this.#template(n as Rendered)?.ast, parseLikeHostOf(this));
  }

  #template(n: Rendered): Template | null {
    let t = this.#templates.get(n.uniqueId);
    if (t !== undefined) return t;
    try {
      t = this.env.compile(dbtTemplateText(n), n.originalFilePath);
    } catch (e) {
      this.diagnostics.push(templateDiagnostic(e, n.originalFilePath, n.uniqueId, 'SM_TEMPLATE_SYNTAX'));
      t = null;
    }
    this.#templates.set(n.uniqueId, t);
    return t;
  }

  #renderTemplate(n: Rendered, frame: Frame): string {
    const t = this.#template(n);
    if (!t) return '';
    const render = () => {
      // The macros this render calls itself (a render replayed starts over).
      frame.macros.clear();
      return recordingMacros(
        (m) => void (m.meta.uniqueId && frame.macros.add(m.meta.uniqueId)),
        () => {
          try {
            return t.render(this.#context(frame));
          } catch (e) {
            if (e instanceof ControlSignal && !(e instanceof ReturnSignal)) throw e;
            if (e instanceof ReturnSignal) return pyStr(e.value);
            this.diagnostics.push(renderFailure(frame, e, n.originalFilePath, n.uniqueId));
            return '';
          }
        },
      );
    };
    return frame.warehouse?.live ? render() : parseFallback(this, frame, render);
  }
}
