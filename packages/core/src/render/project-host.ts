import type { Dialect, Relation } from '../adapter.ts';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { Environment } from '../jinja/environment.ts';
import type { Context } from '../jinja/macro.ts';
import { pyStr } from '../jinja/py-values.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { RefIndex } from '../project/ref-index.ts';
import type { GraphNode, ModelNode, NodeConfig, SeedNode, SourceNode } from '../types.ts';
import { NeedRender, type Frame } from './frame.ts';
import { graphContext } from './graph-context.ts';
import type { ParseLike } from './parse-like.ts';
import { apiObject } from './introspection.ts';
import { INTERNAL_PACKAGE, type MacroNamespaces } from './macro-namespaces.ts';
import type { RenderHost } from './render-context.ts';
import { defaultDatabaseOf, sourceRelation, TemplateRelation } from './relation.ts';
import { isMicrobatch, windowCondition, type SampleWindow } from '../plan/microbatch.ts';
import { readEnvVar, readVar } from './vars.ts';
import { hintFor, lineOf, refPattern, sourcePattern } from './where.ts';

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
  readonly runtimeConfig: RuntimeProject;
  readonly #r: HostRenderer;
  readonly #refs: RefIndex;
  readonly #sources = new Map<string, SourceNode[]>();
  #graph: unknown;

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
    this.runtimeConfig = runtimeConfigOf(project, dialect.dbtQuotesByDefault ?? true);
    this.#refs = new RefIndex([...project.models, ...project.seeds], project.config.name);
    for (const s of project.sources) {
      const k = `${s.sourceName}.${s.name}`;
      const list = this.#sources.get(k);
      if (list) list.push(s);
      else this.#sources.set(k, [s]);
    }
  }

  get selectedResources(): readonly string[] | undefined {
    return this.#r.selectedResources;
  }

  /** The model or seed `ref(package?, name)` names from a node of `fromPackage`. */
  resolveRef(name: string, pkg: string | undefined, fromPackage: string): ModelNode | SeedNode | undefined {
    return this.#refs.resolve(name, pkg, fromPackage);
  }

  ref(f: Frame, args: unknown[], kw: Record<string, unknown> | null): unknown {
    const positional = args.map(String);
    const name = positional[positional.length - 1] ?? '';
    const pkg = positional.length > 1 ? positional[0] : undefined;
    const v = kw?.v ?? kw?.version;
    const target = this.#refs.resolve(name, pkg, f.packageName, v === undefined || v === null ? undefined : pyStr(v));
    if (!target && f.node.resourceType === 'test') return this.#testWithoutTarget(f, 'node', name, pkg, refPattern(name));
    if (!target) {
      const raw = 'rawCode' in f.node ? f.node.rawCode : '';
      this.diagnostics.push(
        diag('SM_REF_NOT_FOUND', `${f.node.resourceType === 'test' ? 'Test' : 'Model'} "${f.node.name}" refers to "${name}", which is not a model, seed or snapshot`, { file: f.node.originalFilePath, line: lineOf(raw, refPattern(name)) }, {
          nodeId: f.node.uniqueId,
          hint:
            pkg !== undefined && !this.#refs.hasPackage(pkg)
              ? `No package named "${pkg}" is installed.`
              : (pythonHint(this.project.pythonModels, name) ?? hintFor(name, this.#refs.names())),
        }),
      );
      return `__sm_missing_ref__${name}`;
    }
    f.refs.add(target.uniqueId);
    // --defer: the state's relation (the node stays a dependency, as in dbt's manifest).
    const deferred = this.project.deferred?.get(target.uniqueId);
    if (deferred) return this.refRelation(deferred, undefined, undefined, batchFilter(this.project.sample, f, target));
    if (target.resourceType === 'seed') {
      const seed = this.#r.renderSeed(target);
      return this.refRelation(seed.relation, undefined, undefined, batchFilter(this.project.sample, f, seed));
    }
    let r = this.#r.rendered(target.uniqueId) as ModelNode | undefined;
    if (!r) {
      // Waiting on the scheduler's stack: a cycle (the graph phase reports it); use the config before rendering.
      if (this.#r.isStarted(target.uniqueId) || target.uniqueId === f.node.uniqueId) {
        r = { ...target, relation: this.#r.relationFor(target, target.config) } as ModelNode;
        if (target.uniqueId !== f.node.uniqueId) (f.waitedOn ??= new Set()).add(target.uniqueId);
      } else throw new NeedRender(target.uniqueId);
    }
    // dbt disables a test on a disabled node and says so only in its debug log. A model's ref to one is an error once every render has decided (ProjectRenderer.renderAll).
    if (r.config.enabled === false && f.node.resourceType === 'test') f.config.enabled = false;
    if (r.config.materialized === 'ephemeral') {
      f.ephemerals.add(r.uniqueId);
      return this.refRelation(r.relation, `__sm_cte__${r.name}`, 'cte', batchFilter(this.project.sample, f, r));
    }
    return this.refRelation(r.relation, undefined, undefined, batchFilter(this.project.sample, f, r));
  }

  /** dbt's source resolution: the root project's, the node's package's, then any. */
  /** The source `source(name, table)` names from a node of `fromPackage`: the root project's, the node's package's, else any. */
  resolveSource(sourceName: string, table: string, fromPackage: string): SourceNode | undefined {
    const list = this.#sources.get(`${sourceName}.${table}`);
    return list?.find((x) => x.packageName === this.project.config.name) ?? list?.find((x) => x.packageName === fromPackage) ?? list?.[0];
  }

  source(f: Frame, sourceName: string, table: string): unknown {
    const s = this.resolveSource(sourceName, table, f.packageName);
    if (!s && f.node.resourceType === 'test') return this.#testWithoutTarget(f, 'source', `${sourceName}.${table}`, undefined, sourcePattern(sourceName, table));
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
   * A data test that refs a node or reads a source that does not exist is disabled, with dbt's
   * warning (NodeNotFoundOrDisabled, an error under --warn-error), where a model's is an error:
   * dbt 1.11 parses, leaves the test out of the run and exits 0.
   */
  #testWithoutTarget(f: Frame, kind: 'node' | 'source', name: string, pkg: string | undefined, pattern: RegExp): string {
    f.config.enabled = false;
    const raw = 'rawCode' in f.node ? f.node.rawCode : '';
    const file = f.node.originalFilePath;
    this.diagnostics.push(
      diag('SM_REF_NOT_FOUND', `Test '${f.node.uniqueId}' (${file}) depends on a ${kind} named '${name}' in package '${pkg ?? ''}' which was not found`, { file, line: raw ? lineOf(raw, pattern) : undefined }, {
        severity: 'warning',
        nodeId: f.node.uniqueId,
        event: 'NodeNotFoundOrDisabled',
        eventData: { disabled: 'False', original_file_path: file, resource_type_title: 'Test', target_kind: kind, target_name: name, target_package: pkg ?? '', unique_id: f.node.uniqueId },
        hint: kind === 'node' ? `The test does not run. ${hintFor(name, this.#refs.names())}` : 'The test does not run. Declare the source under `sources:` in a YAML file, or remove the test.',
      }),
    );
    return kind === 'node' ? `__sm_missing_ref__${name}` : `__sm_missing_source__${name.replace('.', '_')}`;
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
   * dbt's `graph`, built when a template first reads it, with every model's final config (dbt's
   * parse captured each config() call): the models not rendered yet are rendered first (the
   * reading render stops and comes back); one whose render is under way (the reader's own chain)
   * keeps its config as loaded.
   */
  graph(): unknown {
    if (!this.#graph) for (const m of this.project.models) if (!this.#r.rendered(m.uniqueId) && !this.#r.isStarted(m.uniqueId)) throw new NeedRender(m.uniqueId);
    this.#graph ??= graphContext(this.project, this.macros, (id) => this.#r.rendered(id), (n) => this.#r.relationFor(n, n.config), this.defaultDatabase, (id) => this.#r.parseLike(id));
    return this.#graph;
  }
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
  const quoting = { database: quotes, schema: quotes, identifier: quotes };
  const root = Object.assign(new RuntimeProject(p.config.name, p.config.version, p.dir), { profile_name: p.config.profile, target_name: p.target.name, quoting, dependencies });
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
