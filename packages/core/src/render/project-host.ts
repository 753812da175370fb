import type { Dialect, QuotedParts, Relation } from '../adapter.ts';
import { quotePolicy } from '../project/project-file.ts';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { Environment } from '../jinja/environment.ts';
import type { Context } from '../jinja/macro.ts';
import { isDict, pyStr } from '../jinja/py-values.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { RefIndex } from '../project/ref-index.ts';
import { testTargetWarning } from '../project/test-nodes.ts';
import type { GraphNode, ModelNode, NodeConfig, SeedNode, SourceNode } from '../types.ts';
import { NeedRender, type Frame, type MissingTarget } from './frame.ts';
import { GRAPH_COLLECTIONS, graphContext } from './graph-context.ts';
import { nodeRelationName } from './node-relation-name.ts';
import { DbtObject } from './dbt-object.ts';
import type { ParseLike } from './parse-like.ts';
import type { GraphStore } from './render-options.ts';
import { apiObject } from './introspection.ts';
import { INTERNAL_PACKAGE, type MacroNamespaces } from './macro-namespaces.ts';
import type { RenderHost } from './render-context.ts';
import { defaultDatabaseOf, sourceRelation, TemplateRelation } from './relation.ts';
import { isMicrobatch, windowCondition, type SampleWindow } from '../plan/microbatch.ts';
import { readEnvVar, readVar } from './vars.ts';
import { hintFor, lineOf, refPattern, sourcePattern } from './where.ts';
import { CTE_PREFIX } from './inject-ctes.ts';
import { isRunOperationNode } from './render-parts.ts';

/** What the host needs of the renderer: rendered nodes and the scheduler's state. */
export interface HostRenderer {
  rendered(id: string): GraphNode | undefined;
  /** A node whose render stopped to wait: a ref to it is a cycle. */
  isStarted(id: string): boolean;
  renderSeed(s: SeedNode): SeedNode;
  relationFor(node: GraphNode, config: NodeConfig): Relation;
  /** What dbt's parse records of a node, read from its text (see ProjectRenderer.parseLike): for `graph`. */
  parseLike(id: string): ParseLike;
  /** Overrides of the current render (unit tests), if any. */
  readonly overrides: { vars?: Record<string, unknown> | undefined; env?: NodeJS.ProcessEnv | undefined } | undefined;
  readonly processEnvDefault: NodeJS.ProcessEnv;
  onVolatile(): void;
  /** The invocation's selected nodes (dbt's `selected_resources`), when known: at execution, not at compile. */
  readonly selectedResources: readonly string[] | undefined;
  /** Where `graph` is kept between commands (RenderOptions `graphStore`). */
  readonly graphStore: GraphStore | undefined;
  /** Whether every node rendered so far gives what any render of the same inputs gives (none read the clock, the environment or the warehouse): a `graph` built from them may be kept. */
  steadyRenders(): boolean;
}

/**
 * What a node's context asks of the project (render-context.ts): `ref()` and `source()` as dbt
 * resolves them, `var()` and `env_var()`, dispatch's search order, relations as templates see
 * them, dbt's `graph` and `api`. A ref to a model not rendered yet stops the render
 * ({@link NeedRender}); the renderer's scheduler renders it first.
 */
export class ProjectHost implements RenderHost {
  readonly project: LoadedProject;
  readonly dialect: Dialect;
  readonly macros: MacroNamespaces;
  readonly env: Environment;
  readonly diagnostics: Diagnostic[];
  readonly dispatchPrefixes: readonly string[];
  /** The database of relations that name none, as templates read it (dbt-duckdb: the file's name). */
  readonly defaultDatabase: string | undefined;
  readonly api: unknown;
  readonly projectQuoting: QuotedParts | undefined;
  readonly runtimeConfig: RuntimeProject;
  readonly #r: HostRenderer;
  /** ref()'s and source()'s indexes, made on first use (a hook's render at run time may call neither): of the loaded nodes, or of the stored ones after a warm start. */
  #refIndex: RefIndex | undefined;
  #loadedRefIndex: RefIndex | undefined;
  #sourceIndex: Map<string, SourceNode[]> | undefined;
  #loadedSourceIndex: Map<string, SourceNode[]> | undefined;
  #graph: unknown;
  #attempt: { saved?: Map<string, unknown> } | undefined;
  /** `node:name`, `node:package.name` and `source:source.table` of what config disabled at loading. */
  #disabledNames: Set<string> | undefined;
  /**
   * Tests disabled because what they ref or read is missing or disabled: dbt keeps them among the
   * manifest's nodes, enabled false (where a test its own config disables is listed in `disabled`).
   */
  readonly targetless = new Set<string>();

  constructor(project: LoadedProject, dialect: Dialect, macros: MacroNamespaces, env: Environment, diagnostics: Diagnostic[], r: HostRenderer) {
    this.project = project;
    this.dialect = dialect;
    this.macros = macros;
    this.env = env;
    this.diagnostics = diagnostics;
    this.#r = r;
    this.dispatchPrefixes = [...new Set([dialect.name, project.target.type, 'default'])];
    this.defaultDatabase = defaultDatabaseOf(dialect, project.target);
    this.api = apiObject(this);
    this.projectQuoting = project.config.quoting;
    this.runtimeConfig = runtimeConfigOf(project, dialect.dbtQuotesByDefault ?? true);
  }

  /**
   * ref()'s index. After a warm start, of the stored nodes (LoadedProject `stored`), so that a
   * render after compile finds a relation without loading the project; what it does not find is
   * looked for among the loaded nodes ({@link #loadedRefs}), whose answer, or error, is dbt's.
   */
  get #refs(): RefIndex {
    const stored = this.project.stored;
    return (this.#refIndex ??= stored ? new RefIndex(stored.refables(), this.project.config.name, this.project.config.refsSearchNodePackageFirst) : this.#loadedRefs);
  }

  get #loadedRefs(): RefIndex {
    return (this.#loadedRefIndex ??= new RefIndex([...this.project.models, ...this.project.seeds], this.project.config.name, this.project.config.refsSearchNodePackageFirst));
  }

  get #sources(): Map<string, SourceNode[]> {
    const stored = this.project.stored;
    return (this.#sourceIndex ??= stored ? bySourceName(stored.sources()) : this.#loadedSources);
  }

  get #loadedSources(): Map<string, SourceNode[]> {
    return (this.#loadedSourceIndex ??= bySourceName(this.project.sources));
  }

  /** What ref() names, from the stored nodes first after a warm start (see {@link #refs}). */
  #findRef(name: string, pkg: string | undefined, fromPackage: string, version?: string): { target: ModelNode | SeedNode | undefined; refs: RefIndex } {
    const target = this.#refs.resolve(name, pkg, fromPackage, version);
    if (target || !this.project.stored) return { target, refs: this.#refs };
    return { target: this.#loadedRefs.resolve(name, pkg, fromPackage, version), refs: this.#loadedRefs };
  }

  /** A node ref() found, as compiled by the stored compile (an ephemeral's CTE needs its render here, so none). */
  #storedTarget(id: string): GraphNode | undefined {
    const n = this.project.stored?.node(id);
    return n && n.config.materialized !== 'ephemeral' ? n : undefined;
  }

  get selectedResources(): readonly string[] | undefined {
    return this.#r.selectedResources;
  }

  /** The model or seed `ref(package?, name)` names from a node of `fromPackage`. */
  resolveRef(name: string, pkg: string | undefined, fromPackage: string): ModelNode | SeedNode | undefined {
    return this.#findRef(name, pkg, fromPackage).target;
  }

  ref(f: Frame, args: unknown[], kw: Record<string, unknown> | null): unknown {
    const positional = args.map(String);
    const name = positional[positional.length - 1] ?? '';
    const pkg = positional.length > 1 ? positional[0] : undefined;
    const v = kw?.v ?? kw?.version;
    const { target, refs } = this.#findRef(name, pkg, f.packageName, v === undefined || v === null ? undefined : pyStr(v));
    if (!target && f.node.resourceType === 'test') return this.#testWithoutTarget(f, { at: f.refs.size, ref: name }, pkg, refPattern(name));
    if (!target) {
      const raw = 'rawCode' in f.node ? f.node.rawCode : '';
      const off = this.#disabled('node', pkg === undefined ? name : `${pkg}.${name}`);
      if (isRunOperationNode(f.node)) throw operationTargetMissing(f, refWhat(name, pkg), off);
      const version = v === undefined || v === null ? undefined : pyStr(v);
      // As dbt 1.11 words what was not found: the name, with its package and version when the ref gives them.
      const what = `"${name}"${pkg !== undefined ? ` in package "${pkg}"` : ''}${version !== undefined ? ` version ${version}` : ''}`;
      const noPackage = pkg !== undefined && !refs.hasPackage(pkg);
      const versions = version !== undefined && !noPackage && refs.resolve(name, pkg, f.packageName) ? refs.versionsOf(name, pkg, f.packageName) : undefined;
      const why = off
        ? ', which is disabled (its config sets enabled: false)'
        : noPackage
          ? `, but no package or project named "${pkg}" is installed`
          : versions
            ? `, a version "${name}" does not define`
            : ', which is not a model, seed or snapshot';
      this.diagnostics.push(
        diag('SM_REF_NOT_FOUND', `${f.node.resourceType === 'test' ? 'Test' : 'Model'} "${f.node.name}" refers to ${what}${why}`, { file: f.node.originalFilePath, line: lineOf(raw, refPattern(name)) }, {
          nodeId: f.node.uniqueId,
          hint: off
            ? 'Enable it (dbt_project.yml or its YAML sets enabled: false), or remove the ref.'
            : noPackage
              ? `Add "${pkg}" to packages.yml and run sm deps, or correct the package name (ref('${name}') looks in every package).`
              : versions
                ? versions.length
                  ? `"${name}" has versions ${versions.join(', ')}; use one of them, or leave out v= for the latest.`
                  : `"${name}" has no versions (no versions: in its YAML); leave out v=.`
                : (pythonHint(this.project.pythonModels, name) ?? hintFor(name, refs.names())),
        }),
      );
      // As for source() below: dbt's parse gives a disabled node's ref() a relation, so a macro that insists on one renders on.
      if (f.config.enabled === false) return this.refRelation({ schema: this.project.target.schema, identifier: name });
      return `__sm_missing_ref__${name}`;
    }
    f.refs.add(target.uniqueId);
    f.refCalls.push({ id: target.uniqueId, name, ...(pkg !== undefined ? { package: pkg } : {}), ...(typeof v === 'string' || typeof v === 'number' ? { version: v } : v === undefined || v === null ? {} : { version: pyStr(v) }) });
    // --defer: the state's relation (the node stays a dependency, as in dbt's manifest).
    const deferred = this.project.deferred?.get(target.uniqueId);
    if (deferred) return this.refRelation(deferred, undefined, undefined, batchFilter(this.project.sample, f, target));
    if (target.resourceType === 'seed') {
      const seed = (this.#storedTarget(target.uniqueId) as SeedNode | undefined) ?? this.#r.renderSeed(target);
      return this.refRelation(seed.relation, undefined, undefined, batchFilter(this.project.sample, f, seed));
    }
    let r = (this.#r.rendered(target.uniqueId) ?? this.#storedTarget(target.uniqueId)) as ModelNode | undefined;
    if (!r) {
      // Waiting on the scheduler's stack: a cycle (the graph phase reports it); use the config before rendering.
      if (this.#r.isStarted(target.uniqueId) || target.uniqueId === f.node.uniqueId) {
        r = { ...target, relation: this.#r.relationFor(target, target.config) } as ModelNode;
        if (target.uniqueId !== f.node.uniqueId) (f.waitedOn ??= new Set()).add(target.uniqueId);
      } else throw new NeedRender(target.uniqueId);
    }
    // dbt disables a test on a disabled node and says so only in its debug log. A model's ref to one is an error once every render has decided (ProjectRenderer.renderAll).
    if (r.config.enabled === false && isRunOperationNode(f.node)) throw operationTargetMissing(f, refWhat(name, pkg), true);
    if (r.config.enabled === false && f.node.resourceType === 'test') {
      f.config.enabled = false;
      this.targetless.add(f.node.uniqueId);
    }
    if (r.config.materialized === 'ephemeral') {
      f.ephemerals.add(r.uniqueId);
      return this.refRelation(r.relation, `${CTE_PREFIX}${r.relation.identifier}`, 'cte', batchFilter(this.project.sample, f, r));
    }
    return this.refRelation(r.relation, undefined, undefined, batchFilter(this.project.sample, f, r));
  }

  /** dbt's source resolution: the root project's, the node's package's, then any. */
  /** The source `source(name, table)` names from a node of `fromPackage`: the root project's, the node's package's, else any. */
  resolveSource(sourceName: string, table: string, fromPackage: string): SourceNode | undefined {
    const pick = (list: SourceNode[] | undefined) => list?.find((x) => x.packageName === this.project.config.name) ?? list?.find((x) => x.packageName === fromPackage) ?? list?.[0];
    const k = `${sourceName}.${table}`;
    const stored = this.project.stored;
    if (!stored) return pick(this.#sources.get(k));
    // After a warm start: the stored source as compiled (its relation and config), else what the loaded project says.
    const found = pick(this.#sources.get(k));
    return found ? (stored.node(found.uniqueId) as SourceNode | undefined) : pick(this.#loadedSources.get(k));
  }

  source(f: Frame, sourceName: string, table: string): unknown {
    const s = this.resolveSource(sourceName, table, f.packageName);
    if (!s && f.node.resourceType === 'test') return this.#testWithoutTarget(f, { at: f.refs.size, source: [sourceName, table] }, undefined, sourcePattern(sourceName, table));
    if (!s) {
      const raw = 'rawCode' in f.node ? f.node.rawCode : '';
      const off = this.#disabled('source', `${sourceName}.${table}`);
      if (isRunOperationNode(f.node)) throw operationTargetMissing(f, `a source named '${sourceName}.${table}'`, off);
      this.diagnostics.push(
        diag('SM_SOURCE_NOT_FOUND', `"${f.node.name}" reads source("${sourceName}", "${table}"), which ${off ? 'is disabled (its config sets enabled: false)' : 'no YAML declares'}`, { file: f.node.originalFilePath, line: lineOf(raw, sourcePattern(sourceName, table)) }, {
          nodeId: f.node.uniqueId,
          hint: off ? 'Enable the source, or remove the source() call.' : hintFor(`${sourceName}.${table}`, this.#sources.keys()) + ' Declare it under `sources:` in a YAML file.',
        }),
      );
      // A node its own config() disabled is dropped, as dbt drops it; dbt's parse gave its source() a
      // relation, so macros that insist on one (dbt_utils.star) render on rather than fail.
      if (f.config.enabled === false) return this.refRelation({ schema: sourceName, identifier: table });
      return `__sm_missing_source__${sourceName}_${table}`;
    }
    f.refs.add(s.uniqueId);
    f.sourceCalls.push([sourceName, table]);
    return this.refRelation(this.sourceRelationOf(s), undefined, undefined, batchFilter(this.project.sample, f, s));
  }

  readonly #sourceRelations = new Map<string, Relation>();

  /** A source's relation as compiled SQL reads it (the dialect's external location, if any), worked out once; a location it cannot make is an error naming the YAML file. */
  sourceRelationOf(s: SourceNode): Relation {
    let r = this.#sourceRelations.get(s.uniqueId);
    if (r) return r;
    try {
      r = sourceRelation(s, this.dialect);
    } catch (e) {
      this.diagnostics.push(diag('SM_SCHEMA_YAML', `${s.sourceName}.${s.name}: ${(e as Error).message}`, { file: s.originalFilePath }, { nodeId: s.uniqueId, hint: 'Fix the source\'s external_location (or formatter) in its meta or config.' }));
      r = s.relation;
    }
    this.#sourceRelations.set(s.uniqueId, r);
    return r;
  }

  /**
   * A data test that refs a node or reads a source that does not exist (or that config disabled)
   * is disabled, with dbt's warning (none for a disabled model), where a model's is an error:
   * dbt 1.11 parses, leaves the test out of the run and exits 0, and lists the call among the test's refs or sources.
   */
  #testWithoutTarget(f: Frame, missing: MissingTarget, pkg: string | undefined, pattern: RegExp): string {
    const [kind, name] = 'ref' in missing ? (['node', missing.ref] as const) : (['source', missing.source.join('.')] as const);
    f.config.enabled = false;
    this.targetless.add(f.node.uniqueId);
    (f.missing ??= []).push(missing);
    const disabled = this.#disabled(kind, pkg === undefined ? name : `${pkg}.${name}`);
    if (!disabled || kind === 'source') {
      const raw = 'rawCode' in f.node ? f.node.rawCode : '';
      const hint = disabled ? 'The test does not run. Enable the source, or remove the test.' : kind === 'node' ? `The test does not run. ${hintFor(name, this.#refs.names())}` : 'The test does not run. Declare the source under `sources:` in a YAML file, or remove the test.';
      this.diagnostics.push(testTargetWarning(f.node, { kind, name, pkg, disabled }, raw ? lineOf(raw, pattern) : undefined, hint));
    }
    return kind === 'node' ? `__sm_missing_ref__${name}` : `__sm_missing_source__${name.replace('.', '_')}`;
  }

  /** Whether config disabled the node a ref (`name`, `package.name`) or source (`source.table`) names. */
  #disabled(kind: 'node' | 'source', name: string): boolean {
    this.#disabledNames ??= new Set(
      this.project.disabled.flatMap((n) => (n.resourceType === 'source' ? [`source:${n.sourceName}.${n.name}`] : n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot' ? [`node:${n.name}`, `node:${n.packageName}.${n.name}`] : [])),
    );
    return this.#disabledNames.has(`${kind}:${name}`);
  }

  var(f: Frame, c: Context, name: string, dflt: unknown, argc: number): unknown {
    return readVar(this, f, c, name, dflt, argc);
  }

  envVar(f: Frame, name: string, dflt: unknown): unknown {
    this.#r.onVolatile();
    return readEnvVar(this, f, name, dflt);
  }

  get varOverrides(): Record<string, unknown> | undefined {
    return this.#r.overrides?.vars;
  }

  get processEnv(): NodeJS.ProcessEnv {
    return this.#r.overrides?.env ?? this.#r.processEnvDefault;
  }

  /** A relation as templates see it: the target's default database behind `.database`; a CTE for an ephemeral. */
  relation(rel: Relation, cteName?: string, type?: string | null): TemplateRelation {
    return new TemplateRelation(rel, this.dialect, cteName, { defaultDatabase: this.defaultDatabase, type });
  }

  /** What ref() and source() return: {@link relation}, an empty subquery of it under --empty, filtered to a microbatch model's batch. */
  refRelation(rel: Relation, cteName?: string, type?: string | null, eventTime?: string): TemplateRelation {
    return new TemplateRelation(rel, this.dialect, cteName, { defaultDatabase: this.defaultDatabase, type, empty: this.project.empty, eventTime });
  }

  /** dbt's dispatch search order for `macro_namespace`: the project's `dispatch:` entry, else the root project then the namespace. */
  dispatchOrder(namespace: string | undefined): (string | null)[] {
    if (namespace === undefined) return [null];
    const entry = this.project.config.dispatch?.find((d) => d.macroNamespace === namespace);
    if (entry) return entry.searchOrder;
    const known = namespace === INTERNAL_PACKAGE || namespace === this.project.config.name || this.project.packages.some((p) => p.name === namespace) || this.macros.namespace(namespace) !== undefined;
    return known ? [this.project.config.name, namespace] : [null];
  }

  /**
   * dbt's `graph`, built when a template first reads it, with every model's and test's final config
   * (dbt's parse captured each config() call, a generic test's macro's too): those not rendered yet are rendered first (the
   * reading render stops and comes back); one whose render is under way (the reader's own chain)
   * keeps its config as loaded.
   */
  graph(): unknown {
    if (this.#graph) return this.#graph;
    // Kept by an earlier command for the same inputs: neither the project's nodes nor their renders are needed.
    const kept = this.#r.graphStore?.read();
    if (kept) return (this.#graph = kept);
    const waiting: string[] = [];
    let started = false;
    for (const list of [this.project.models, this.project.tests]) {
      for (const m of list) {
        if (this.#r.rendered(m.uniqueId)) continue;
        if (this.#r.isStarted(m.uniqueId)) started = true;
        else waiting.push(m.uniqueId);
      }
    }
    if (waiting.length) throw new NeedRender(waiting);
    this.#graph = graphContext(this.project, this.macros, (id) => this.#r.rendered(id), (n) => this.#r.relationFor(n, n.config), this.defaultDatabase, (id) => this.#r.parseLike(id), (n) => nodeRelationName(n, this.dialect, this.project.target, this.projectQuoting));
    // Kept when whole: every node rendered (none under way, whose config is the loaded one) by renders any command would repeat.
    if (!started && this.#r.steadyRenders()) this.#r.graphStore?.write(this.#graph);
    return this.#graph;
  }

  /**
   * What packages keep in `graph` besides dbt's collections (elementary's cache) is put back as
   * it was when a render stops part way (to ask the warehouse, or for a model not rendered yet):
   * the render starts again from the start, and must not find what its first try stored or
   * popped. The copy is taken when a try first touches such a key (render-context's graph view
   * says so), so renders that never do copy nothing; a try runs synchronously, so no other
   * render's change comes between the copy and the restore.
   */
  graphAttempt(): { end(stopped: boolean): void } {
    const attempt: { saved?: Map<string, unknown> } = {};
    this.#attempt = attempt;
    return {
      end: (stopped) => {
        if (this.#attempt === attempt) this.#attempt = undefined;
        const g = this.#graph as Record<string, unknown> | undefined;
        if (!stopped || !attempt.saved || !g) return;
        for (const k of Object.keys(g)) if (!GRAPH_COLLECTIONS.has(k) && !attempt.saved.has(k)) delete g[k];
        for (const [k, v] of attempt.saved) g[k] = copyPlain(v);
      },
    };
  }

  /** A render touches a key of its own in `graph`: keep what the current try found there. */
  graphTouched(): void {
    const a = this.#attempt;
    const g = this.#graph as Record<string, unknown> | undefined;
    if (!a || a.saved || !g) return;
    a.saved = new Map(Object.keys(g).filter((k) => !GRAPH_COLLECTIONS.has(k)).map((k) => [k, copyPlain(g[k])]));
  }
}

/** Plain dicts and lists copied at every depth; anything else (a relation, a tuple, a date) kept as it is. */
function copyPlain(v: unknown): unknown {
  if (Array.isArray(v) && Object.getPrototypeOf(v) === Array.prototype) return v.map(copyPlain);
  if (isDict(v)) {
    const out: Record<string, unknown> = Object.getPrototypeOf(v) === null ? (Object.create(null) as Record<string, unknown>) : {};
    for (const [k, x] of Object.entries(v)) out[k] = copyPlain(x);
    return out;
  }
  return v;
}

/** A project as dbt's RuntimeConfig shows it to templates: its name and version (its `dbt_project.yml`'s). */
class RuntimeProject {
  readonly project_name: string;
  readonly version: string;
  readonly project_root: string;
  constructor(name: string, version: string, root: string) {
    this.project_name = name;
    this.version = version;
    this.project_root = root;
  }
}

/**
 * dbt's RuntimeConfig (`builtins.ref.config`, `adapter.config`): the root project, with its
 * quoting (the adapter's default policy) and `dependencies` naming every project dbt loaded, in
 * its order: the root, the adapter's and dbt's own (version 1.0), then the installed packages.
 */
function runtimeConfigOf(p: LoadedProject, quotes: boolean): RuntimeProject {
  const own = (name: string) => new RuntimeProject(name, '1.0', '');
  const dependencies: Record<string, RuntimeProject> = Object.create(null) as Record<string, RuntimeProject>;
  const quoting = quotePolicy(p.config, quotes);
  // `vars`: dbt's VarProvider, the project file's vars as written (to_dict() gives them; elementary records them per invocation).
  const root = Object.assign(new RuntimeProject(p.config.name, p.config.version, p.dir), { profile_name: p.config.profile, target_name: p.target.name, quoting, dependencies, vars: new DbtObject(p.config.vars) });
  dependencies[p.config.name] = root;
  for (const name of [`dbt_${p.target.type}`, INTERNAL_PACKAGE]) dependencies[name] = own(name);
  for (const pkg of p.packages) dependencies[pkg.name] = new RuntimeProject(pkg.name, pkg.version, pkg.dir);
  return root;
}

/** When `name` is a Python model that could not be read: where to look. */
function pythonHint(files: readonly string[] | undefined, name: string): string | undefined {
  const file = files?.find((f) => f.endsWith(`/${name}.py`) || f === `${name}.py`);
  return file ? `${file} is a Python model that could not be read: see the error about it.` : undefined;
}

/**
 * dbt's event-time filter: a microbatch model rendered for one batch reads, of each parent whose
 * config names its `event_time` column, only the rows of the batch's window (and of `--sample`'s,
 * when given); under `--sample` any model or snapshot reads only the sample's. Other parents, and
 * every other ref, read whole.
 */
function batchFilter(sample: SampleWindow | undefined, f: Frame, parent: { readonly config: Record<string, unknown> }): string | undefined {
  const column = parent.config.event_time;
  if (typeof column !== 'string' || !column) return undefined;
  if (f.batch && f.node.resourceType === 'model' && isMicrobatch({ config: f.config })) {
    if (!sample) return windowCondition(column, f.batch);
    const start = Math.max(f.batch.start.getTime(), sample.start.getTime());
    const end = Math.min(f.batch.end.getTime(), sample.end.getTime());
    return windowCondition(column, { start: new Date(start), end: new Date(end) });
  }
  return sample && (f.node.resourceType === 'model' || f.node.resourceType === 'snapshot') ? windowCondition(column, sample) : undefined;
}

/** Sources by `source_name.name`, in the order given (more than one where packages declare the same). */
function bySourceName(sources: Iterable<SourceNode>): Map<string, SourceNode[]> {
  const out = new Map<string, SourceNode[]>();
  for (const s of sources) {
    const k = `${s.sourceName}.${s.name}`;
    const list = out.get(k);
    if (list) list.push(s);
    else out.set(k, [s]);
  }
  return out;
}

/**
 * A run-operation's macro has no parse to collect a missing ref() or source() into: as dbt's
 * runtime context, the call stops the macro there (nothing it would print after is printed).
 * dbt 1.11.16: "Macro 'macro.codegen.generate_base_model' (macros/generate_base_model.sql) depends
 * on a source named 'nope.x' which was not found".
 */
function operationTargetMissing(f: Frame, what: string, disabled: boolean): Error {
  return new Error(`Macro '${f.node.uniqueId}' (${f.node.originalFilePath}) depends on ${what} which ${disabled ? 'is disabled' : 'was not found'}`);
}

const refWhat = (name: string, pkg: string | undefined) => `a node named '${name}'${pkg !== undefined ? ` in package or project '${pkg}'` : ''}`;
