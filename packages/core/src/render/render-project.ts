import type { Dialect, Relation } from '../adapter.ts';
import { diag, type Diagnostic } from '../diagnostics.ts';
import { Environment, type Template } from '../jinja/environment.ts';
import { ReturnSignal } from '../jinja/errors.ts';
import type { Context } from '../jinja/macro.ts';
import { pyStr } from '../jinja/py-values.ts';
import { pyFunction } from '../jinja/runtime.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { internalMacroFiles } from '../project/internal-macros.ts';
import { RefIndex } from '../project/ref-index.ts';
import type { GraphNode, ModelNode, NodeConfig, SeedNode, SourceNode, TestNode } from '../types.ts';
import { BUILTIN_TEST_MACROS } from './builtin-tests.ts';
import { dbtBuiltins } from './dbt-builtins.ts';
import { NeedRender, newFrame, type Frame } from './frame.ts';
import { renderGenericTest } from './generic-test.ts';
import { Ephemerals } from './ephemerals.ts';
import { INTERNAL_PACKAGE, MacroNamespaces, type MacroEntry, type MacroFile } from './macro-namespaces.ts';
import type { RenderCache } from './render-cache.ts';
import { literalRefs, RenderScheduler, type Schedulable } from './render-scheduler.ts';
import { nodeContext, type RenderHost } from './render-context.ts';
import { TemplateRelation } from './relation.ts';
import { templateDiagnostic } from './template-diagnostic.ts';
import { hintFor, lineOf, refPattern, sourcePattern } from './where.ts';
import { readEnvVar, readVar } from './vars.ts';

export { injectCtes } from './inject-ctes.ts';
export { templateDiagnostic } from './template-diagnostic.ts';

export interface RenderOptions {
  dialect: Dialect;
  /** Whether `is_incremental()` is true for a model; compile without a warehouse says false. */
  isIncremental?: (node: ModelNode) => boolean;
  /** Only these nodes need compiled SQL (selection); their ancestors' configs are still resolved. Default: all. */
  only?: ReadonlySet<string> | undefined;
  runStartedAt?: Date;
  /** Reuse what earlier compiles rendered while inputs are unchanged. */
  cache?: RenderCache | undefined;
  invocationId?: string;
  env?: NodeJS.ProcessEnv;
}

/** The rendered project: nodes with final config, relation, dependencies and compiled SQL. */
export interface CompiledProject {
  project: LoadedProject;
  nodes: Map<string, GraphNode>;
  /** Ephemeral models each node inlines, in dependency order. */
  ephemerals: Map<string, string[]>;
  diagnostics: Diagnostic[];
  /** Every macro, one entry each (`macro.<package>.<name>`), as the manifest lists them. */
  macros: MacroEntry[];
}

/** Overrides of one render (unit tests): vars, context names (macros), environment variables. */
interface Overrides {
  vars?: Record<string, unknown> | undefined;
  macros?: Record<string, unknown> | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

type Rendered = ModelNode | TestNode;

/**
 * Renders every model and test once, in dependency order, without recursion: a `ref()` to a
 * model not rendered yet stops the render ({@link NeedRender}); the scheduler renders that
 * model and comes back. Refs written literally are rendered first, so that rarely happens.
 */
export class ProjectRenderer implements RenderHost, Schedulable {
  readonly project: LoadedProject;
  readonly dialect: Dialect;
  readonly diagnostics: Diagnostic[] = [];
  readonly env = new Environment();
  readonly macros: MacroNamespaces;
  readonly dispatchPrefixes: readonly string[];
  /** The database of relations that name none, as templates read it (dbt-duckdb: the file's name). */
  readonly defaultDatabase: string | undefined;
  readonly #opts: RenderOptions;
  readonly #base: Context;
  readonly #pkgCtx = new Map<string, Context>();
  readonly #refs: RefIndex;
  readonly #sources = new Map<string, SourceNode[]>();
  readonly #byId = new Map<string, GraphNode>();
  readonly #rendered = new Map<string, GraphNode>();
  readonly #ephemerals = new Ephemerals();
  readonly #scheduler = new RenderScheduler(this);
  readonly #templates = new Map<string, Template | null>();
  #volatileSeen = false;
  /** Set while rendering with overrides: such a render is neither read from nor written to the cache. */
  #overrides: Overrides | undefined;

  constructor(project: LoadedProject, opts: RenderOptions) {
    this.project = project;
    this.dialect = opts.dialect;
    this.#opts = opts;
    this.dispatchPrefixes = [...new Set([opts.dialect.name, project.target.type, 'default'])];
    this.defaultDatabase = opts.dialect.defaultDatabase ? opts.dialect.defaultDatabase(project.target) : project.target.database;
    this.#refs = new RefIndex([...project.models, ...project.seeds], project.config.name);
    for (const n of [...project.models, ...project.seeds, ...project.sources, ...project.tests]) this.#byId.set(n.uniqueId, n);
    for (const s of project.sources) {
      const k = `${s.sourceName}.${s.name}`;
      const list = this.#sources.get(k);
      if (list) list.push(s);
      else this.#sources.set(k, [s]);
    }
    const files: MacroFile[] = [
      { packageName: INTERNAL_PACKAGE, file: 'macros/sm_builtin_tests.sql', sql: BUILTIN_TEST_MACROS },
      ...internalMacroFiles().map((f) => ({ packageName: INTERNAL_PACKAGE, file: f.file, sql: f.sql })),
      ...project.macros.map((m) => ({ packageName: m.packageName, file: m.originalFilePath, sql: m.macroSql })),
    ];
    this.macros = new MacroNamespaces(this.env, files, project.config.name, this.diagnostics);
    this.#base = this.env.context();
    Object.defineProperties(
      this.#base,
      dbtBuiltins({ project, defaultDatabase: this.defaultDatabase, runStartedAt: opts.runStartedAt ?? new Date(), invocationId: opts.invocationId ?? '', onVolatile: () => (this.#volatileSeen = true) }),
    );
    this.#base.context = this.#base;
  }

  /** Whether anything rendered so far read the environment or the clock: its output may differ from an earlier render of the same inputs. */
  get readVolatile(): boolean {
    return this.#volatileSeen;
  }

  /** Render everything (or the `only` set and what it refs); returns the compiled project. */
  renderAll(): CompiledProject {
    const only = this.#opts.only;
    for (const m of this.project.models) if (!only || only.has(m.uniqueId)) this.#scheduler.ensure(m.uniqueId);
    for (const s of this.project.seeds) this.#renderSeed(s);
    for (const t of this.project.tests) if (!only || only.has(t.uniqueId)) this.#scheduler.ensure(t.uniqueId);
    const nodes = new Map<string, GraphNode>();
    for (const n of [...this.project.models, ...this.project.seeds, ...this.project.sources, ...this.project.tests, ...this.project.unitTests, ...this.project.exposures]) {
      nodes.set(n.uniqueId, this.#rendered.get(n.uniqueId) ?? n);
    }
    return { project: this.project, nodes, ephemerals: this.#ephemerals.byNode, diagnostics: [...this.project.diagnostics, ...this.diagnostics], macros: this.macros.entries };
  }

  /**
   * Render a model with `vars`, context names (`macros`, e.g. `is_incremental: true`) and
   * environment variables overridden, for this call only; the model's normal render stays and
   * the render cache is neither read nor written.
   */
  renderModelWithOverrides(node: ModelNode, o: { vars?: Record<string, unknown>; macros?: Record<string, unknown>; envVars?: Record<string, unknown> }): string {
    const base = (this.#byId.get(node.uniqueId) as ModelNode | undefined) ?? node;
    const env = o.envVars ? { ...(this.#opts.env ?? process.env), ...Object.fromEntries(Object.entries(o.envVars).map(([k, v]) => [k, String(v)])) } : undefined;
    return this.#withDeps(() => {
      this.#overrides = { vars: o.vars, macros: o.macros, env };
      try {
        const frame = newFrame(base, { ...base.config, tags: [...((base.config.tags as string[] | undefined) ?? [])] }, !!o.macros?.is_incremental);
        frame.relation = this.relationFor(base, frame.config);
        const sql = this.#renderTemplate(base, frame);
        return this.#ephemerals.inline(undefined, sql, frame.ephemerals);
      } finally {
        this.#overrides = undefined;
      }
    });
  }

  /** Render free text (`--inline`) in the root project's context. Throws the template's error. */
  renderString(text: string): string {
    const node = { uniqueId: 'sql_operation.inline', name: 'inline', resourceType: 'model', packageName: this.project.config.name, config: {}, originalFilePath: '<inline>', fqn: [], tags: [], meta: {}, path: '' } as unknown as GraphNode;
    return this.#withDeps(() => {
      const frame = newFrame(node, {});
      const c = nodeContext(this, this.#pkgContext(frame.packageName), frame);
      try {
        return this.env.renderString(text, c, '<inline>').trim();
      } catch (e) {
        if (e instanceof ReturnSignal) return pyStr(e.value);
        throw e;
      }
    });
  }

  /** Run `fn`, rendering whatever model it waits for first, until it completes. */
  #withDeps<T>(fn: () => T): T {
    for (;;) {
      try {
        return fn();
      } catch (e) {
        if (!(e instanceof NeedRender)) throw e;
        this.#scheduler.ensure(e.id);
      }
    }
  }

  relationFor(node: GraphNode, config: NodeConfig): Relation {
    const t = this.project.target;
    if (node.resourceType === 'source') return node.relation;
    const custom = typeof config.schema === 'string' && config.schema ? config.schema : undefined;
    // Legacy snapshots name their schema and database verbatim (target_schema/target_database).
    const legacy = node.resourceType === 'snapshot' && typeof config.target_schema === 'string' && config.target_schema ? config.target_schema : undefined;
    const legacyDb = node.resourceType === 'snapshot' && typeof config.target_database === 'string' ? config.target_database : undefined;
    const database = legacyDb ?? (typeof config.database === 'string' ? config.database : t.database);
    const schema = legacy ?? this.#schemaName(custom, node);
    const version = node.resourceType === 'model' ? node.version : undefined;
    // dbt's default alias: the name, or <name>_v<version> for a model version.
    const identifier = typeof config.alias === 'string' && config.alias ? config.alias : version !== undefined ? `${node.name}_v${version.replace(/\./g, '_')}` : node.name;
    return { database, schema, identifier };
  }

  #schemaName(custom: string | undefined, node: GraphNode): string {
    const m = this.macros.namespace(this.project.config.name)?.generate_schema_name;
    if (m) {
      const frame = newFrame(node, node.config);
      const c = nodeContext(this, this.#pkgContext(this.project.config.name), frame);
      try {
        return pyStr(m.invoke(c, [custom ?? null, { name: node.name, resource_type: node.resourceType, fqn: node.fqn, package_name: node.packageName, config: node.config }], null)).trim();
      } catch (e) {
        if (e instanceof NeedRender) throw e;
        this.diagnostics.push(templateDiagnostic(e, node.originalFilePath, node.uniqueId));
      }
    }
    const base = this.project.target.schema;
    return custom ? `${base}_${custom.trim()}` : base;
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
    const c = nodeContext(this, this.#pkgContext(frame.packageName), frame);
    const o = this.#overrides?.macros;
    if (o) for (const [k, v] of Object.entries(o)) c[k] = typeof v === 'function' || (v && typeof v === 'object' && 'invoke' in v) ? v : pyFunction(() => v);
    return c;
  }

  /** Models a node refs by literal name, or that its cache entry says it depends on. */
  staticDeps(id: string): string[] {
    const n = this.#byId.get(id);
    if (!n || (n.resourceType !== 'model' && n.resourceType !== 'snapshot' && n.resourceType !== 'test')) return [];
    const out: string[] = [];
    if (n.resourceType === 'test' && n.attachedNode) out.push(n.attachedNode);
    const cached = this.#overrides ? undefined : this.#opts.cache?.get(id);
    if (cached && 'checksum' in n && cached.checksum === n.checksum) {
      for (const d of Object.keys(cached.deps)) if (!d.startsWith('source.')) out.push(d);
      return out;
    }
    const t = this.#template(n as Rendered);
    if (!t) return out;
    for (const [pkg, name] of literalRefs(t.ast)) {
      const target = this.#refs.resolve(name, pkg, n.packageName);
      if (target && target.resourceType !== 'seed') out.push(target.uniqueId);
    }
    return out;
  }

  isRendered(id: string): boolean {
    return this.#rendered.has(id);
  }

  /** Render one node; returns the id of a model it must wait for, or undefined when done. */
  renderOnce(id: string): string | undefined {
    const n = this.#byId.get(id);
    if (!n) return undefined;
    const before = this.diagnostics.length;
    try {
      if (n.resourceType === 'seed') this.#renderSeed(n);
      else if (n.resourceType === 'source') this.#rendered.set(id, n);
      else if (n.resourceType === 'test') this.#renderTest(n);
      else if (n.resourceType === 'model' || n.resourceType === 'snapshot') this.#renderModel(n);
      return undefined;
    } catch (e) {
      if (!(e instanceof NeedRender)) throw e;
      // The render starts over later: what it reported so far will be reported again.
      this.diagnostics.length = before;
      return e.id;
    }
  }

  #renderSeed(s: SeedNode): GraphNode {
    const done = this.#rendered.get(s.uniqueId);
    if (done) return done;
    const r: SeedNode = { ...s, relation: this.relationFor(s, s.config), tags: tagsOf(s.config) };
    this.#rendered.set(s.uniqueId, r);
    return r;
  }

  #isIncremental(m: ModelNode): boolean {
    return m.config.materialized === 'incremental' && (this.#opts.isIncremental?.(m) ?? false);
  }

  #renderModel(m: ModelNode): GraphNode {
    const hit = this.#fromCache(m);
    if (hit) return hit;
    let frame = newFrame(m, cloneConfig(m.config), this.#isIncremental(m));
    frame.relation = this.relationFor(m, frame.config);
    const before = this.diagnostics.length;
    let sql = this.#renderTemplate(m, frame);
    let relation = this.relationFor(m, frame.config);
    // dbt renders with the final config: `this` read before a config() that moved it renders again.
    if (frame.thisRead !== undefined && frame.thisRead !== this.relation(relation).toString()) {
      this.diagnostics.length = before;
      const again = newFrame(m, cloneConfig(frame.config), frame.incremental);
      again.relation = relation;
      sql = this.#renderTemplate(m, again);
      frame = again;
      relation = this.relationFor(m, frame.config);
    }
    frame.relation = relation;
    const nodes = [...frame.refs];
    const r = this.#modelResult(m, frame.config, relation, nodes, sql, frame.ephemerals);
    const cache = this.#opts.cache;
    if (cache) {
      if (frame.volatile || this.diagnostics.length > before || m.config.materialized === 'incremental') cache.delete(m.uniqueId);
      else {
        const deps: Record<string, string> = {};
        for (const id of nodes) deps[id] = this.#depSignature(id) ?? '';
        cache.set(m.uniqueId, { checksum: m.checksum, sql, config: frame.config, relation, deps, ephemerals: [...frame.ephemerals] });
      }
    }
    return r;
  }

  /** What a dependency renders as in a referring model (it is rendered by now); undefined when it no longer exists. */
  #depSignature(id: string): string | undefined {
    const n = this.#byId.get(id);
    if (!n) return undefined;
    if (n.resourceType === 'source') return this.dialect.relationName(n.relation);
    if (n.resourceType === 'seed') return this.dialect.relationName((this.#renderSeed(n) as SeedNode).relation);
    const r = this.#rendered.get(id) as ModelNode | undefined;
    if (!r) return undefined;
    return r.config.materialized === 'ephemeral' ? `ephemeral:${r.name}` : this.dialect.relationName(r.relation);
  }

  /** A cached render whose dependencies render as they did then; throws NeedRender for a dependency not rendered yet. */
  #fromCache(m: ModelNode): GraphNode | undefined {
    if (this.#isIncremental(m)) return undefined;
    const e = this.#opts.cache?.get(m.uniqueId);
    if (!e || e.checksum !== m.checksum) return undefined;
    for (const [id, sig] of Object.entries(e.deps)) {
      const n = this.#byId.get(id);
      if (n && (n.resourceType === 'model' || n.resourceType === 'snapshot') && !this.#rendered.has(id)) {
        if (this.#scheduler.started.has(id) || id === m.uniqueId) return undefined;
        throw new NeedRender(id);
      }
      if (this.#depSignature(id) !== sig) return undefined;
    }
    return this.#modelResult(m, e.config, e.relation, Object.keys(e.deps), e.sql, e.ephemerals);
  }

  /** A rendered model: final config and relation, what it depends on, its SQL with ephemerals inlined. */
  #modelResult(m: ModelNode, config: NodeConfig, relation: Relation, nodes: string[], sql: string, ephemerals: Iterable<string>): ModelNode {
    this.#ephemerals.setBare(m.uniqueId, m.name, sql);
    const r: ModelNode = {
      ...m,
      config,
      tags: tagsOf(config),
      relation,
      refs: nodes.filter((n) => !n.startsWith('source.')).map((n) => ({ name: n.split('.').pop()! })),
      sources: nodes.filter((n) => n.startsWith('source.')).map((n) => n.split('.').slice(2) as [string, string]),
      dependsOn: { nodes, macros: [] },
      compiledCode: this.#ephemerals.inline(m.uniqueId, sql, ephemerals),
    };
    this.#rendered.set(m.uniqueId, r);
    return r;
  }

  #renderTest(t: TestNode): GraphNode {
    const frame = newFrame(t, cloneConfig(t.config));
    for (const d of t.dependsOn.nodes) frame.refs.add(d);
    const sql = t.testMetadata ? renderGenericTest(this, t, this.#context(frame), frame, (id) => this.#relationOf(id)) : this.#renderTemplate(t, frame);
    const nodes = [...frame.refs];
    const r: TestNode = {
      ...t,
      config: frame.config,
      tags: [...new Set([...t.tags, ...tagsOf(frame.config)])],
      dependsOn: { nodes, macros: [] },
      refs: nodes.filter((n) => !n.startsWith('source.')).map((n) => ({ name: n.split('.').pop()! })),
      compiledCode: this.#ephemerals.inline(t.uniqueId, sql, frame.ephemerals),
    };
    this.#rendered.set(t.uniqueId, r);
    return r;
  }

  /** The relation a node renders as, once rendered (throws NeedRender before). */
  #relationOf(id: string): TemplateRelation | undefined {
    const n = this.#byId.get(id);
    if (!n) return undefined;
    if (n.resourceType === 'source') return this.relation(n.relation);
    if (n.resourceType === 'seed') return this.relation((this.#renderSeed(n) as SeedNode).relation);
    const r = this.#rendered.get(id) as ModelNode | undefined;
    if (!r) throw new NeedRender(id);
    return this.relation(r.relation);
  }

  #template(n: Rendered): Template | null {
    let t = this.#templates.get(n.uniqueId);
    if (t === undefined) {
      try {
        t = this.env.compile(n.rawCode, n.originalFilePath);
      } catch (e) {
        this.diagnostics.push(templateDiagnostic(e, n.originalFilePath, n.uniqueId, 'SM_TEMPLATE_SYNTAX'));
        t = null;
      }
      this.#templates.set(n.uniqueId, t);
    }
    return t;
  }

  #renderTemplate(n: Rendered, frame: Frame): string {
    const t = this.#template(n);
    if (!t) return '';
    try {
      return t.render(this.#context(frame)).trim();
    } catch (e) {
      if (e instanceof NeedRender) throw e;
      if (e instanceof ReturnSignal) return pyStr(e.value).trim();
      this.diagnostics.push(templateDiagnostic(e, n.originalFilePath, n.uniqueId));
      return '';
    }
  }

  ref(f: Frame, args: unknown[], kw: Record<string, unknown> | null): unknown {
    const positional = args.map(String);
    const name = positional[positional.length - 1] ?? '';
    const pkg = positional.length > 1 ? positional[0] : undefined;
    const v = kw?.v ?? kw?.version;
    const target = this.#refs.resolve(name, pkg, f.packageName, v === undefined || v === null ? undefined : pyStr(v));
    if (!target) {
      const raw = 'rawCode' in f.node ? f.node.rawCode : '';
      this.diagnostics.push(
        diag('SM_REF_NOT_FOUND', `${f.node.resourceType === 'test' ? 'Test' : 'Model'} "${f.node.name}" refers to "${name}", which is not a model, seed or snapshot`, { file: f.node.originalFilePath, line: lineOf(raw, refPattern(name)) }, {
          nodeId: f.node.uniqueId,
          hint: pkg !== undefined && !this.#refs.hasPackage(pkg) ? `No package named "${pkg}" is installed.` : hintFor(name, this.#refs.names()),
        }),
      );
      return `__sm_missing_ref__${name}`;
    }
    f.refs.add(target.uniqueId);
    if (target.resourceType === 'seed') return this.relation((this.#renderSeed(target) as SeedNode).relation);
    let r = this.#rendered.get(target.uniqueId) as ModelNode | undefined;
    if (!r) {
      // On the scheduler's stack: a cycle (the graph phase reports it); use the config before rendering.
      if (this.#scheduler.started.has(target.uniqueId) || target.uniqueId === f.node.uniqueId) r = { ...target, relation: this.relationFor(target, target.config) } as ModelNode;
      else throw new NeedRender(target.uniqueId);
    }
    if (r.config.materialized === 'ephemeral') {
      f.ephemerals.add(r.uniqueId);
      return this.relation(r.relation, `__sm_cte__${r.name}`);
    }
    return this.relation(r.relation);
  }

  /** dbt's source resolution: the root project's, the node's package's, then any. */
  source(f: Frame, sourceName: string, table: string): unknown {
    const list = this.#sources.get(`${sourceName}.${table}`);
    const s = list?.find((x) => x.packageName === this.project.config.name) ?? list?.find((x) => x.packageName === f.packageName) ?? list?.[0];
    if (!s) {
      const raw = 'rawCode' in f.node ? f.node.rawCode : '';
      this.diagnostics.push(
        diag('SM_SOURCE_NOT_FOUND', `"${f.node.name}" reads source("${sourceName}", "${table}"), which no YAML declares`, { file: f.node.originalFilePath, line: lineOf(raw, sourcePattern(sourceName, table)) }, {
          nodeId: f.node.uniqueId,
          hint: hintFor(`${sourceName}.${table}`, this.#sources.keys()) + ' Declare it under `sources:` in a YAML file.',
        }),
      );
      return `__sm_missing_source__${sourceName}_${table}`;
    }
    f.refs.add(s.uniqueId);
    return this.relation(s.relation);
  }

  var(f: Frame, c: Context, name: string, dflt: unknown, argc: number): unknown {
    return readVar(this, f, c, name, dflt, argc);
  }

  envVar(f: Frame, name: string, dflt: unknown): unknown {
    this.#volatileSeen = true;
    return readEnvVar(this, f, name, dflt);
  }

  /** What var() and env_var() see: overridden vars (unit tests), the process environment. */
  get varOverrides(): Record<string, unknown> | undefined {
    return this.#overrides?.vars;
  }

  get processEnv(): NodeJS.ProcessEnv {
    return this.#overrides?.env ?? this.#opts.env ?? process.env;
  }

  /** A relation as templates see it: the target's default database behind `.database`. */
  relation(rel: Relation, cteName?: string): TemplateRelation {
    return new TemplateRelation(rel, this.dialect, cteName, { defaultDatabase: this.defaultDatabase });
  }

  /** dbt's dispatch search order for `macro_namespace`: the project's `dispatch:` entry, else the root project then the namespace. */
  dispatchOrder(namespace: string | undefined): (string | null)[] {
    if (namespace === undefined) return [null];
    const entry = this.project.config.dispatch?.find((d) => d.macroNamespace === namespace);
    if (entry) return entry.searchOrder;
    const known = namespace === INTERNAL_PACKAGE || namespace === this.project.config.name || this.project.packages.some((p) => p.name === namespace) || this.macros.namespace(namespace) !== undefined;
    return known ? [this.project.config.name, namespace] : [null];
  }
}

function cloneConfig(c: NodeConfig): NodeConfig {
  const out: NodeConfig = { ...c };
  if (Array.isArray(c.tags)) out.tags = [...c.tags];
  return out;
}

function tagsOf(c: NodeConfig): string[] {
  const t = c.tags as unknown;
  return Array.isArray(t) ? t.map(String) : typeof t === 'string' ? [t] : [];
}

