import nunjucks from 'nunjucks';
import type { Dialect, Relation } from '../adapter.ts';
import { closestNames, diag, type Diagnostic } from '../diagnostics.ts';
import { mergeConfigInto } from '../project/folder-config.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { RefIndex } from '../project/ref-index.ts';
import type { GraphNode, ModelNode, NodeConfig, SeedNode, SourceLocation, TestNode } from '../types.ts';
import { BUILTIN_TEST_ARGS, BUILTIN_TEST_MACROS, BUILTIN_TEST_USAGE } from './builtin-tests.ts';
import { addCompatFilters, DoExtension, installJinjaCompat, namespace, rewriteJinjaSyntax } from './jinja-compat.ts';
import type { RenderCache } from './render-cache.ts';
import { TemplateRelation } from './relation.ts';

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
}

class ReturnSignal {
  readonly value: unknown;
  constructor(value: unknown) {
    this.value = value;
  }
}

class CompilerError extends Error {
  readonly kind = 'CompilerError';
}

interface Frame {
  node: GraphNode;
  config: NodeConfig;
  refs: Set<string>;
  relation: Relation | undefined;
  ephemerals: Set<string>;
  /** Read the environment or the clock: its output may differ next time, so it is not cached. */
  volatile: boolean;
}

const MACRO_SIG = /\{%-?\s*(macro|test)\s+([A-Za-z_]\w*)\s*\(([^)]*)\)\s*-?%\}/g;

/**
 * Renders every model and test once. `ref()` to a model not yet rendered renders that model
 * first (to learn its config, hence its relation), so one pass suffices in any file order.
 */
export class ProjectRenderer {
  readonly project: LoadedProject;
  readonly dialect: Dialect;
  readonly env: nunjucks.Environment;
  readonly diagnostics: Diagnostic[] = [];
  readonly #opts: RenderOptions;
  readonly #refs: RefIndex;
  /** The vars each package's nodes see (the root project's are `project.vars`). */
  readonly #packageVars: Map<string, Record<string, unknown>>;
  readonly #sources = new Map<string, GraphNode>();
  readonly #byId = new Map<string, GraphNode>();
  readonly #rendered = new Map<string, GraphNode>();
  readonly #ephemerals = new Map<string, string[]>();
  readonly #inProgress = new Set<string>();
  readonly #stack: Frame[] = [];
  readonly #templates = new Map<string, nunjucks.Template>();
  /** Required arguments of each generic test macro, from its signature. */
  readonly #testArgs = new Map<string, string[]>(Object.entries(BUILTIN_TEST_ARGS).map(([k, v]) => [k, [...v]]));
  readonly #userMacros = new Set<string>();
  /** Each model's SQL before ephemeral CTEs were put in front of it. */
  readonly #bare = new Map<string, string>();

  constructor(project: LoadedProject, opts: RenderOptions) {
    this.project = project;
    this.dialect = opts.dialect;
    this.#opts = opts;
    installJinjaCompat();
    this.#refs = new RefIndex([...project.models, ...project.seeds], project.config.name);
    this.#packageVars = new Map(project.packages.map((p) => [p.name, p.vars]));
    for (const n of [...project.models, ...project.seeds, ...project.sources]) this.#byId.set(n.uniqueId, n);
    for (const s of project.sources) this.#sources.set(`${(s as { sourceName: string }).sourceName}.${s.name}`, s);
    this.env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
    this.env.addExtension('DoExtension', new DoExtension());
    addCompatFilters(this.env);
    this.#installGlobals();
    this.#loadMacros();
  }

  get #frame(): Frame | undefined {
    return this.#stack[this.#stack.length - 1];
  }

  #installGlobals(): void {
    const g = (this.env as unknown as { globals: Record<string, unknown> }).globals;
    const self = this;
    const target = this.project.target;
    g.target = Object.freeze({
      name: target.name,
      schema: target.schema,
      database: target.database,
      type: target.type,
      threads: target.threads,
      profile_name: this.project.config.profile,
    });
    g.project_name = this.project.config.name;
    g.execute = true;
    g.flags = {};
    const startedAt = (this.#opts.runStartedAt ?? new Date()).toISOString();
    const volatile = <T>(v: T): T => {
      if (self.#frame) self.#frame.volatile = true;
      self.#volatileSeen = true;
      return v;
    };
    Object.defineProperty(g, 'run_started_at', { get: () => volatile(startedAt), configurable: true });
    Object.defineProperty(g, 'invocation_id', { get: () => volatile(this.#opts.invocationId ?? ''), configurable: true });
    g.namespace = (kw?: Record<string, unknown>) => namespace(kw);
    g.ref = (...args: unknown[]) => this.#ref(args);
    g.source = (a: unknown, b: unknown) => this.#source(String(a), String(b));
    g.var = (...args: unknown[]) => this.#var(String(args[0]), args[1], args.length);
    g.env_var = (name: unknown, dflt?: unknown) => this.#envVar(String(name), dflt);
    g.is_incremental = () => {
      const f = this.#frame;
      if (!f || f.node.resourceType !== 'model') return false;
      // Set by the run-time render when plan chose an incremental build (incremental or partitioned external).
      if (this.#incrementalNow === f.node.uniqueId) return true;
      if (f.config.materialized !== 'incremental') return false;
      return this.#opts.isIncremental?.(f.node as ModelNode) ?? false;
    };
    const config = (...args: unknown[]) => {
      const f = this.#frame;
      const kw = args.find((a) => a && typeof a === 'object' && '__keywords' in (a as object)) as Record<string, unknown> | undefined;
      const positional = args.find((a) => a && typeof a === 'object' && !('__keywords' in (a as object))) as Record<string, unknown> | undefined;
      const add: Record<string, unknown> = { ...(positional ?? {}), ...(kw ?? {}) };
      delete add.__keywords;
      if (f) mergeConfigInto(f.config, add);
      // The root project's config for a package node beats the package's own config() calls.
      if (f?.node.rootConfig) mergeConfigInto(f.config, f.node.rootConfig);
      return '';
    };
    (config as unknown as Record<string, unknown>).get = (k: string, d?: unknown) => this.#frame?.config[k] ?? d;
    (config as unknown as Record<string, unknown>).require = (k: string) => {
      const v = this.#frame?.config[k];
      if (v === undefined) throw new CompilerError(`config "${k}" is required`);
      return v;
    };
    g.config = config;
    Object.defineProperty(g, 'this', { get: () => (self.#frame?.relation ? new TemplateRelation(self.#frame.relation, self.dialect) : undefined), configurable: true });
    Object.defineProperty(g, 'model', {
      get: () => {
        const f = self.#frame;
        return f ? { name: f.node.name, unique_id: f.node.uniqueId, config: f.config, resource_type: f.node.resourceType } : undefined;
      },
      configurable: true,
    });
    g.log = () => '';
    g.print = () => '';
    g.exceptions = {
      raise_compiler_error: (msg: unknown) => {
        throw new CompilerError(String(msg));
      },
      warn: () => '',
    };
    g.return = (v: unknown) => {
      throw new ReturnSignal(v);
    };
    g.adapter = {
      quote: (id: string) => this.dialect.quoteIdentifier(id),
      dispatch: (name: string) => g[`${this.dialect.name}__${name}`] ?? g[`default__${name}`] ?? g[name],
      type: () => this.project.target.type,
    };
    g.dbt = { string_literal: (s: string) => this.dialect.quoteString(s) };
    g.modules = { datetime: { datetime: { now: () => volatile(new Date().toISOString()) } } };
    g.zip = (...lists: unknown[][]) => lists[0]!.map((_, i) => lists.map((l) => l[i]));
  }

  #loadMacros(): void {
    const sources: [string, string][] = [['(builtin tests)', BUILTIN_TEST_MACROS]];
    for (const m of this.project.macros) {
      // `{% test x(...) %}` blocks are generic test definitions: a macro named test_x.
      const text = m.macroSql.replace(/\{%(-?)\s*test\s+([A-Za-z_]\w*)\s*\(/g, '{%$1 macro test_$2(').replace(/\{%(-?)\s*endtest\s*(-?)%\}/g, '{%$1 endmacro $2%}');
      sources.push([m.originalFilePath, text]);
      for (const match of m.macroSql.matchAll(MACRO_SIG)) {
        const name = match[1] === 'test' ? `test_${match[2]}` : match[2]!;
        this.#userMacros.add(name);
        if (match[1] === 'test') {
          const args = match[3]!.split(',').map((a) => a.trim()).filter(Boolean);
          this.#testArgs.set(match[2]!, args.filter((a) => !a.includes('=') && a !== 'model'));
        }
      }
    }
    const g = (this.env as unknown as { globals: Record<string, unknown> }).globals;
    for (const [file, text] of sources) {
      try {
        const tmpl = new nunjucks.Template(rewriteJinjaSyntax(text), this.env, file, true);
        let exported: Record<string, unknown> = {};
        (tmpl as unknown as { getExported: (c: object, p: null, cb: (e: unknown, x: Record<string, unknown>) => void) => void }).getExported({}, null, (err, x) => {
          if (err) throw err;
          exported = x;
        });
        for (const [name, fn] of Object.entries(exported)) {
          if (typeof fn !== 'function') continue;
          if (file === '(builtin tests)' && this.#userMacros.has(name)) continue;
          g[name] = wrapMacro(fn as (...a: unknown[]) => unknown);
        }
      } catch (e) {
        this.diagnostics.push(templateDiagnostic(e, file, undefined));
      }
    }
  }

  /** Render everything (or the `only` set and what it refs); returns the compiled project. */
  renderAll(): CompiledProject {
    const only = this.#opts.only;
    for (const m of this.project.models) if (!only || only.has(m.uniqueId)) this.#renderModel(m);
    for (const s of this.project.seeds) this.#renderSeed(s);
    for (const t of this.project.tests) if (!only || only.has(t.uniqueId)) this.#renderTest(t);
    const nodes = new Map<string, GraphNode>();
    for (const n of [...this.project.models, ...this.project.seeds, ...this.project.sources, ...this.project.tests, ...this.project.unitTests, ...this.project.exposures]) {
      nodes.set(n.uniqueId, this.#rendered.get(n.uniqueId) ?? n);
    }
    return { project: this.project, nodes, ephemerals: this.#ephemerals, diagnostics: [...this.project.diagnostics, ...this.diagnostics] };
  }

  /** Render one model on demand (e.g. again with `is_incremental()` true at run time). */
  renderModelSql(node: ModelNode, isIncremental = false): string {
    this.#rendered.delete(node.uniqueId);
    // Plan decides incrementality at run time; is_incremental() answers it for this render only.
    this.#incrementalNow = isIncremental ? node.uniqueId : undefined;
    try {
      const r = this.#renderModel(node) as ModelNode;
      return r.compiledCode ?? '';
    } finally {
      this.#incrementalNow = undefined;
    }
  }

  #incrementalNow: string | undefined;
  #volatileSeen = false;

  /**
   * Whether anything rendered so far read the environment or the clock (env_var, run_started_at,
   * invocation_id, modules.datetime): then the output may differ from an earlier render of the
   * same inputs.
   */
  get readVolatile(): boolean {
    return this.#volatileSeen;
  }
  /** Set while rendering with overridden vars or macros: such a render is neither read from nor written to the cache. */
  #uncached = false;

  /**
   * Render a model for a unit test with `vars`, `macros` (e.g. `is_incremental: true`) and
   * `env_vars` overridden. The override lasts for this call only; the model's normal render stays.
   */
  renderModelWithOverrides(node: ModelNode, o: { vars?: Record<string, unknown>; macros?: Record<string, unknown>; envVars?: Record<string, unknown> }): string {
    const g = (this.env as unknown as { globals: Record<string, unknown> }).globals;
    const savedGlobals = new Map<string, unknown>();
    const savedVars = { ...this.project.vars };
    const savedEnv = this.#opts.env;
    const prev = this.#rendered.get(node.uniqueId);
    for (const [k, v] of Object.entries(o.macros ?? {})) {
      savedGlobals.set(k, g[k]);
      g[k] = typeof v === 'function' ? v : () => v;
    }
    Object.assign(this.project.vars, o.vars ?? {});
    if (o.envVars) this.#opts.env = { ...(savedEnv ?? process.env), ...Object.fromEntries(Object.entries(o.envVars).map(([k, v]) => [k, String(v)])) };
    this.#uncached = true;
    this.#rendered.delete(node.uniqueId);
    try {
      return (this.#renderModel(node) as ModelNode).compiledCode ?? '';
    } finally {
      this.#uncached = false;
      for (const [k, v] of savedGlobals) g[k] = v;
      for (const k of Object.keys(this.project.vars)) if (!(k in savedVars)) delete this.project.vars[k];
      Object.assign(this.project.vars, savedVars);
      this.#opts.env = savedEnv;
      if (prev) this.#rendered.set(node.uniqueId, prev);
      else this.#rendered.delete(node.uniqueId);
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
    const g = (this.env as unknown as { globals: Record<string, unknown> }).globals;
    const fn = g.generate_schema_name;
    if (typeof fn === 'function' && this.#userMacros.has('generate_schema_name')) {
      const out = fn(custom ?? null, { name: node.name, resource_type: node.resourceType, fqn: node.fqn });
      return String(out).trim();
    }
    const base = this.project.target.schema;
    return custom ? `${base}_${custom.trim()}` : base;
  }

  #renderSeed(s: SeedNode): GraphNode {
    const done = this.#rendered.get(s.uniqueId);
    if (done) return done;
    const r: SeedNode = { ...s, relation: this.relationFor(s, s.config), tags: tagsOf(s.config) };
    this.#rendered.set(s.uniqueId, r);
    return r;
  }

  #renderModel(m: ModelNode): GraphNode {
    const done = this.#rendered.get(m.uniqueId);
    if (done) return done;
    const hit = this.#uncached ? undefined : this.#fromCache(m);
    if (hit) return hit;
    const diagsBefore = this.diagnostics.length;
    const frame: Frame = { node: m, config: structuredCloneConfig(m.config), refs: new Set(), relation: undefined, ephemerals: new Set(), volatile: false };
    frame.relation = this.relationFor(m, frame.config);
    this.#inProgress.add(m.uniqueId);
    this.#stack.push(frame);
    let sql = '';
    try {
      sql = this.#renderTemplate(m.rawCode, m.originalFilePath, m.uniqueId);
      // config() may have changed schema or alias: recompute so `this` and refs agree.
      frame.relation = this.relationFor(m, frame.config);
    } finally {
      this.#stack.pop();
      this.#inProgress.delete(m.uniqueId);
    }
    this.#bare.set(m.uniqueId, sql);
    const ephemerals = this.#ephemeralClosure(frame.ephemerals);
    if (ephemerals.length) this.#ephemerals.set(m.uniqueId, ephemerals);
    const nodes = [...frame.refs];
    const r: ModelNode = {
      ...m,
      config: frame.config,
      tags: tagsOf(frame.config),
      relation: frame.relation,
      refs: nodes.filter((n) => !n.startsWith('source.')).map((n) => ({ name: n.split('.').pop()! })),
      sources: nodes.filter((n) => n.startsWith('source.')).map((n) => n.split('.').slice(2) as [string, string]),
      dependsOn: { nodes, macros: [] },
      compiledCode: ephemerals.length ? injectCtes(sql, ephemerals.map((id) => this.#cte(id))) : sql,
    };
    this.#rendered.set(m.uniqueId, r);
    const cache = this.#uncached ? undefined : this.#opts.cache;
    if (cache) {
      if (frame.volatile || this.diagnostics.length > diagsBefore || m.config.materialized === 'incremental') cache.delete(m.uniqueId);
      else {
        const deps: Record<string, string> = {};
        for (const id of nodes) deps[id] = this.#depSignature(id) ?? '';
        cache.set(m.uniqueId, { checksum: m.checksum, sql, config: frame.config, relation: frame.relation!, deps, ephemerals: [...frame.ephemerals] });
      }
    }
    return r;
  }

  /** What a dependency renders as in a referring model; undefined when it no longer exists or is mid-render. */
  #depSignature(id: string): string | undefined {
    const n = this.#nodeById(id);
    if (!n) return undefined;
    if (n.resourceType === 'source') return this.dialect.relationName(n.relation);
    if (n.resourceType === 'seed') return this.dialect.relationName((this.#renderSeed(n) as SeedNode).relation);
    if (this.#inProgress.has(id)) return undefined;
    const r = this.#renderModel(n as ModelNode) as ModelNode;
    return r.config.materialized === 'ephemeral' ? `ephemeral:${r.name}` : this.dialect.relationName(r.relation);
  }

  #fromCache(m: ModelNode): GraphNode | undefined {
    // A cached render answered is_incremental() with false; an incremental re-render must not reuse it.
    if (this.#incrementalNow === m.uniqueId) return undefined;
    const e = this.#opts.cache?.get(m.uniqueId);
    if (!e || e.checksum !== m.checksum) return undefined;
    this.#inProgress.add(m.uniqueId);
    try {
      for (const [id, sig] of Object.entries(e.deps)) if (this.#depSignature(id) !== sig) return undefined;
    } finally {
      this.#inProgress.delete(m.uniqueId);
    }
    this.#bare.set(m.uniqueId, e.sql);
    const ephemerals = this.#ephemeralClosure(new Set(e.ephemerals));
    if (ephemerals.length) this.#ephemerals.set(m.uniqueId, ephemerals);
    const nodes = Object.keys(e.deps);
    const r: ModelNode = {
      ...m,
      config: e.config,
      tags: tagsOf(e.config),
      relation: e.relation,
      refs: nodes.filter((n) => !n.startsWith('source.')).map((n) => ({ name: n.split('.').pop()! })),
      sources: nodes.filter((n) => n.startsWith('source.')).map((n) => n.split('.').slice(2) as [string, string]),
      dependsOn: { nodes, macros: [] },
      compiledCode: ephemerals.length ? injectCtes(e.sql, ephemerals.map((id) => this.#cte(id))) : e.sql,
    };
    this.#rendered.set(m.uniqueId, r);
    return r;
  }

  #ephemeralClosure(direct: Set<string>): string[] {
    const out: string[] = [];
    const visit = (id: string) => {
      if (out.includes(id)) return;
      for (const d of this.#ephemerals.get(id) ?? []) visit(d);
      out.push(id);
    };
    for (const id of direct) visit(id);
    return out;
  }

  #cte(id: string): [string, string] {
    const n = this.#rendered.get(id) as ModelNode;
    // The inner model's own CTEs are already listed by the closure: use its SQL without them.
    return [`__sm_cte__${n.name}`, this.#bare.get(id) ?? ''];
  }

  #renderTest(t: TestNode): GraphNode {
    const done = this.#rendered.get(t.uniqueId);
    if (done) return done;
    const frame: Frame = { node: t, config: structuredCloneConfig(t.config), refs: new Set(t.dependsOn.nodes), relation: undefined, ephemerals: new Set(), volatile: false };
    this.#stack.push(frame);
    let sql = '';
    try {
      if (t.testMetadata) sql = this.#renderGenericTest(t, frame);
      else sql = this.#renderTemplate(t.rawCode, t.originalFilePath, t.uniqueId);
    } finally {
      this.#stack.pop();
    }
    const ephemerals = this.#ephemeralClosure(frame.ephemerals);
    const nodes = [...frame.refs];
    const r: TestNode = {
      ...t,
      config: frame.config,
      tags: [...new Set([...t.tags, ...tagsOf(frame.config)])],
      dependsOn: { nodes, macros: [] },
      refs: nodes.filter((n) => !n.startsWith('source.')).map((n) => ({ name: n.split('.').pop()! })),
      compiledCode: ephemerals.length ? injectCtes(sql, ephemerals.map((id) => this.#cte(id))) : sql,
    };
    this.#rendered.set(t.uniqueId, r);
    return r;
  }

  #renderGenericTest(t: TestNode, frame: Frame): string {
    const meta = t.testMetadata!;
    const loc: SourceLocation = t.declaredAt ?? { file: t.originalFilePath };
    const macroName = `test_${meta.name}`;
    const g = (this.env as unknown as { globals: Record<string, unknown> }).globals;
    const fn = g[macroName];
    const known = [...this.#testArgs.keys()];
    if (typeof fn !== 'function') {
      this.diagnostics.push(
        diag('SM_TEST_INVALID', `Unknown test "${meta.name}" on ${t.attachedNode?.split('.').slice(2).join('.')}`, loc, {
          nodeId: t.uniqueId,
          hint: `Known tests: ${closestNames(meta.name, known).join(', ') || known.join(', ')}. Define it with {% test ${meta.name}(model, column_name) %} under macros/ or tests/generic/.`,
        }),
      );
      return '';
    }
    const missing = (this.#testArgs.get(meta.name) ?? []).filter((a) => !(a in meta.kwargs));
    if (missing.length) {
      const usage = BUILTIN_TEST_USAGE[meta.name];
      this.diagnostics.push(
        diag('SM_TEST_INVALID', `Test "${meta.name}" on ${t.attachedNode?.split('.').slice(2).join('.')} is missing its argument${missing.length > 1 ? 's' : ''} ${missing.map((a) => `"${a}"`).join(' and ')}`, loc, {
          nodeId: t.uniqueId,
          hint: missing.includes('column_name') ? 'Declare the test under a column, or pass column_name.' : usage ? `Write it as ${usage}` : `Add ${missing.map((a) => `\`${a}:\``).join(' and ')} under the test.`,
        }),
      );
      return '';
    }
    const attached = t.attachedNode ? this.#nodeById(t.attachedNode) : undefined;
    let model = attached ? this.#relationOf(attached) : '';
    const where = frame.config.where;
    if (typeof where === 'string' && where) model = `(select * from ${model} where ${where}) sm_subquery`;
    const kwargs: Record<string, unknown> = { model };
    for (const [k, v] of Object.entries(meta.kwargs)) kwargs[k] = typeof v === 'string' && /^\s*(ref|source)\s*\(/.test(v) ? this.#evalExpr(v, t) : v;
    try {
      const kw = (nunjucks.runtime as unknown as { makeKeywordArgs: (o: object) => object }).makeKeywordArgs(kwargs);
      return String((fn as (...a: unknown[]) => unknown)(kw)).trim();
    } catch (e) {
      this.diagnostics.push(templateDiagnostic(e, t.originalFilePath, t.uniqueId));
      return '';
    }
  }

  #evalExpr(expr: string, t: TestNode): unknown {
    try {
      return this.env.renderString(`{{ ${expr} }}`, {});
    } catch (e) {
      this.diagnostics.push(templateDiagnostic(e, t.originalFilePath, t.uniqueId));
      return '';
    }
  }

  #nodeById(id: string): GraphNode | undefined {
    return this.#byId.get(id);
  }

  #relationOf(n: GraphNode): string {
    if (n.resourceType === 'source') return new TemplateRelation(n.relation, this.dialect).toString();
    const r = n.resourceType === 'seed' ? this.#renderSeed(n) : this.#renderModel(n as ModelNode);
    return new TemplateRelation((r as ModelNode | SeedNode).relation, this.dialect).toString();
  }

  #renderTemplate(src: string, file: string, nodeId: string): string {
    let tmpl = this.#templates.get(nodeId);
    try {
      if (!tmpl) {
        tmpl = new nunjucks.Template(rewriteJinjaSyntax(src), this.env, file, true);
        this.#templates.set(nodeId, tmpl);
      }
    } catch (e) {
      const d = templateDiagnostic(e, file, nodeId, 'SM_TEMPLATE_SYNTAX');
      const open = d.location?.line === undefined ? unclosedBlock(src) : undefined;
      this.diagnostics.push(
        open ? { ...d, location: { file, line: open.line, column: open.column }, message: `${d.message} (the {% ${open.tag} %} opened here is never closed)` } : d,
      );
      return '';
    }
    try {
      return tmpl.render({}).trim();
    } catch (e) {
      if (isRefError(e)) return '';
      this.diagnostics.push(templateDiagnostic(e, file, nodeId));
      return '';
    }
  }

  #ref(args: unknown[]): TemplateRelation | string {
    const f = this.#frame;
    const positional = args.filter((a) => !(a && typeof a === 'object'));
    const name = String(positional.length > 1 ? positional[1] : positional[0]);
    const pkg = positional.length > 1 ? String(positional[0]) : undefined;
    const kw = args.find((a) => a && typeof a === 'object') as Record<string, unknown> | undefined;
    const v = kw?.v ?? kw?.version;
    const target = this.#refs.resolve(name, pkg, f?.node.packageName, v === undefined || v === null ? undefined : String(v));
    if (!target) {
      if (f) {
        const line = lineOf(rawOf(f.node), new RegExp(`ref\\s*\\(\\s*['"]${escapeRe(name)}['"]`));
        this.diagnostics.push(
          diag('SM_REF_NOT_FOUND', `${f.node.resourceType === 'test' ? 'Test' : 'Model'} "${f.node.name}" refers to "${name}", which is not a model, seed or snapshot`, { file: f.node.originalFilePath, line }, {
            nodeId: f.node.uniqueId,
            hint: pkg !== undefined && !this.#refs.hasPackage(pkg) ? `No package named "${pkg}" is installed.` : hintFor(name, this.#refs.names()),
          }),
        );
      }
      return `__sm_missing_ref__${name}`;
    }
    f?.refs.add(target.uniqueId);
    if (target.resourceType === 'seed') return new TemplateRelation((this.#renderSeed(target) as SeedNode).relation, this.dialect);
    const m = target as ModelNode;
    let rel: Relation;
    let config: NodeConfig;
    if (this.#inProgress.has(m.uniqueId)) {
      // A cycle; the graph phase reports it with every node on it. Use the pre-render config.
      config = m.config;
      rel = this.relationFor(m, m.config);
    } else {
      const r = this.#renderModel(m) as ModelNode;
      config = r.config;
      rel = r.relation;
    }
    if (config.materialized === 'ephemeral') {
      f?.ephemerals.add(m.uniqueId);
      return new TemplateRelation(rel, this.dialect, `__sm_cte__${m.name}`);
    }
    return new TemplateRelation(rel, this.dialect);
  }

  #source(sourceName: string, table: string): TemplateRelation | string {
    const f = this.#frame;
    const s = this.#sources.get(`${sourceName}.${table}`);
    if (!s) {
      if (f) {
        const line = lineOf(rawOf(f.node), new RegExp(`source\\s*\\(\\s*['"]${escapeRe(sourceName)}['"]\\s*,\\s*['"]${escapeRe(table)}['"]`));
        this.diagnostics.push(
          diag('SM_SOURCE_NOT_FOUND', `"${f.node.name}" reads source("${sourceName}", "${table}"), which no YAML declares`, { file: f.node.originalFilePath, line }, {
            nodeId: f.node.uniqueId,
            hint: hintFor(`${sourceName}.${table}`, this.#sources.keys()) + ' Declare it under `sources:` in a YAML file.',
          }),
        );
      }
      return `__sm_missing_source__${sourceName}_${table}`;
    }
    f?.refs.add(s.uniqueId);
    return new TemplateRelation((s as { relation: Relation }).relation, this.dialect);
  }

  #var(name: string, dflt: unknown, argc: number): unknown {
    const f = this.#frame;
    const vars = (f && this.#packageVars.get(f.node.packageName)) ?? this.project.vars;
    if (name in vars) return vars[name];
    if (argc > 1) return dflt;
    this.diagnostics.push(
      diag('SM_VAR_MISSING', `var("${name}") has no value and no default`, f ? { file: f.node.originalFilePath, line: lineOf(rawOf(f.node), new RegExp(`var\\s*\\(\\s*['"]${escapeRe(name)}`)) } : undefined, {
        nodeId: f?.node.uniqueId,
        hint: `Set it under \`vars:\` in ${this.project.config.file}, pass --vars '{${name}: ...}', or give var() a default.`,
      }),
    );
    return '';
  }

  #envVar(name: string, dflt: unknown): unknown {
    const f = this.#frame;
    if (f) f.volatile = true;
    this.#volatileSeen = true;
    if (/^(SM|DBT)_ENV_SECRET_/.test(name)) {
      this.diagnostics.push(
        diag('SM_ENV_VAR_MISSING', `Secret environment variable ${name} may only be used in profiles.yml, never in SQL`, f ? { file: f.node.originalFilePath } : undefined, { nodeId: f?.node.uniqueId }),
      );
      return '';
    }
    const v = (this.#opts.env ?? process.env)[name];
    if (v !== undefined) return v;
    if (dflt !== undefined) return dflt;
    this.diagnostics.push(
      diag('SM_ENV_VAR_MISSING', `Environment variable ${name} is not set`, f ? { file: f.node.originalFilePath, line: lineOf(rawOf(f.node), new RegExp(escapeRe(name))) } : undefined, {
        nodeId: f?.node.uniqueId,
        hint: `export ${name}=... or give env_var('${name}', 'default') a default.`,
      }),
    );
    return '';
  }
}

function wrapMacro(fn: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
  return function (this: unknown, ...args: unknown[]) {
    try {
      return fn.apply(this, args);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.value;
      // nunjucks wraps thrown values; look inside for our signal.
      const inner = (e as { cause?: unknown })?.cause;
      if (inner instanceof ReturnSignal) return inner.value;
      throw e;
    }
  };
}

function structuredCloneConfig(c: NodeConfig): NodeConfig {
  const out: NodeConfig = { ...c };
  if (Array.isArray(c.tags)) out.tags = [...c.tags];
  return out;
}

function tagsOf(c: NodeConfig): string[] {
  const t = c.tags as unknown;
  return Array.isArray(t) ? t.map(String) : typeof t === 'string' ? [t] : [];
}

function rawOf(n: GraphNode): string {
  return 'rawCode' in n ? n.rawCode : '';
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function lineOf(text: string, re: RegExp): number | undefined {
  const m = re.exec(text);
  if (!m) return undefined;
  return text.slice(0, m.index).split('\n').length;
}

function hintFor(name: string, candidates: Iterable<string>): string {
  const close = closestNames(name, candidates);
  return close.length ? `Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : 'Check the name; no close match exists.';
}

function isRefError(_e: unknown): boolean {
  return false;
}

/** Turn a nunjucks error into a diagnostic with the template's line and column. */
export function templateDiagnostic(e: unknown, file: string, nodeId: string | undefined, code: 'SM_TEMPLATE_SYNTAX' | 'SM_TEMPLATE_RENDER' = 'SM_TEMPLATE_RENDER'): Diagnostic {
  const err = e as { message?: string; lineno?: number; colno?: number; cause?: unknown };
  let msg = String(err?.message ?? e);
  let line = err?.lineno;
  let column = err?.colno;
  const m = /\[Line (\d+), Column (\d+)\]/.exec(msg);
  if (m) {
    line ??= Number(m[1]);
    column ??= Number(m[2]);
  }
  const isCompilerError = (e as { kind?: string })?.kind === 'CompilerError' || /CompilerError/.test(msg);
  msg = msg
    .replace(/^\(.*?\)\s*/, '')
    .replace(/\[Line \d+, Column \d+\]\s*/, '')
    .replace(/^Template render error:\s*/i, '')
    .replace(/\n\s*/g, ' ')
    .trim();
  if (/^(parseAggregate|parse\w*|expected|unexpected|unknown block tag)/i.test(msg) || /expected|unexpected token|unknown block tag/i.test(msg)) code = 'SM_TEMPLATE_SYNTAX';
  return diag(code, isCompilerError ? msg.replace(/^Error:\s*/, '') : `${code === 'SM_TEMPLATE_SYNTAX' ? 'Template syntax error' : 'Template error'}: ${msg}`, { file, line, column }, {
    nodeId,
    hint: code === 'SM_TEMPLATE_SYNTAX' ? 'Check the Jinja tags at that line: every {% if %}/{% for %}/{% macro %} needs its end tag, and {{ }} must be balanced.' : undefined,
    cause: e,
  });
}



/** Put ephemeral models in front of a query as CTEs, merging with a leading `with` if it has one. */
export function injectCtes(sql: string, ctes: [string, string][]): string {
  const defs = ctes.map(([name, body]) => `${name} as (\n${body}\n)`).join(',\n');
  const m = /^(\s*(?:--[^\n]*\n|\/\*[\s\S]*?\*\/|\s)*)with\s+(recursive\s+)?/i.exec(sql);
  if (m) return `${m[1]}with ${m[2] ?? ''}${defs},\n${sql.slice(m[0].length)}`;
  return `with ${defs}\n${sql}`;
}

const BLOCK_TAGS = new Set(['if', 'for', 'macro', 'call', 'filter', 'raw', 'test', 'snapshot', 'materialization']);

/** Where the innermost block tag that is never closed starts, for "got end of file" errors. */
export function unclosedBlock(src: string): { tag: string; line: number; column: number } | undefined {
  const stack: { tag: string; index: number }[] = [];
  for (const m of src.matchAll(/\{%-?\s*(end)?([a-z_]+)([^%]*)%\}/g)) {
    const [, end, tag, rest] = m;
    if (!end && tag === 'set' && !/=/.test(rest ?? '')) stack.push({ tag: 'set', index: m.index });
    else if (!end && BLOCK_TAGS.has(tag!)) stack.push({ tag: tag!, index: m.index });
    else if (end) {
      const i = stack.map((s) => s.tag).lastIndexOf(tag!);
      if (i >= 0) stack.splice(i, 1);
    }
  }
  const last = stack.pop();
  if (!last) return undefined;
  const before = src.slice(0, last.index).split('\n');
  return { tag: last.tag, line: before.length, column: before[before.length - 1]!.length + 1 };
}
