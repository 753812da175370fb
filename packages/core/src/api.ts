import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Adapter, AdapterFactory } from './adapter.ts';
import { buildManifest } from './artifacts/manifest.ts';
import { markWrittenFrom, unchangedSince, writeManifest } from './artifacts/manifest-file.ts';
import { writeCompiledTree } from './artifacts/compiled-files.ts';
import { dropStore, writeStore } from './compile/compiled-store.ts';
import { proofKey, takeProof } from './compile/input-proof.ts';
import { warmStart, type WarmStart } from './compile/warm-start.ts';
import { finishParallel, startRenderWorker } from './compile/parallel-render.ts';
import { targetPathOf } from './compile/target-path-of.ts';
import { writeJsonFileAtomic as writeJsonAtomic } from './util/write-json.ts';
import { buildRunResults } from './artifacts/run-results.ts';
import { diag, SmProjectError, type Diagnostic } from './diagnostics.ts';
import { buildGraph, topoOrder, type Dag } from './graph/build-graph.ts';
import { loadProjectCollecting, type LoadOptions, type LoadedProject } from './project/load-project.ts';
import { ProjectRenderer, type CompiledProject } from './render/render-project.ts';
import { printedRelationName } from './render/relation.ts';
import { RenderCache } from './render/render-cache.ts';
import type { EventSink, NodeResult } from './events.ts';
import { runNodes } from './run/runner.ts';
import type { RunContext } from './run/run-context.ts';
import { RunFiles } from './artifacts/run-files.ts';
import { select, type IndirectSelection, type SelectionState } from './select/select.ts';
import { parseSelectionArgs } from './select/parse-selection.ts';
import { criterion, type Selection, type SelectionExpr } from './select/selection-expr.ts';
import type { GraphNode, ModelNode, ResourceType } from './types.ts';
import { readSelectors } from './select/selectors-file.ts';
import { testColumnDiagnostics } from './project/test-nodes.ts';
import { fingerprintsProblem, manifestProblem, readArtifact, runResultsProblem, type RunResultsShape } from './artifacts/read-artifact.ts';
import { checkCompiled, freshCheck, readSavedCatalog } from './check/check-compilation.ts';
import type { CheckResult } from './check/check-project.ts';
import { smColumnsOf } from './check/column-lineage.ts';
import { fingerprintNow, fingerprintOfConfig, loadedFingerprints, STATE_FILE, unitTestChecksum, type StateFingerprint } from './select/state-fingerprint.ts';

export type Command = 'compile' | 'run' | 'seed' | 'test' | 'build' | 'snapshot' | 'ls' | 'show' | 'check';

/** Options of one invocation. Nothing here is process-wide: two projects can run in one process. */
export interface InvocationOptions extends LoadOptions {
  /** Adapters by target type (`duckdb`, `snowflake`); the CLI passes the built-in ones. */
  adapters: Readonly<Record<string, AdapterFactory>>;
  /** `--select` as typed: parsed once by compile (and recorded in run_results.json's args). */
  select?: readonly string[] | undefined;
  /** `--exclude` as typed. */
  exclude?: readonly string[] | undefined;
  /** A selection built in code (watch, retry, show); when set, `select` and `exclude` are not parsed. */
  selection?: Selection | undefined;
  /** A named selector from selectors.yml, added to the selection. */
  selector?: string | undefined;
  /** Override the target's threads. */
  threads?: number | undefined;
  fullRefresh?: boolean | undefined;
  failFast?: boolean | undefined;
  storeFailures?: boolean | undefined;
  /** dbt's `--indirect-selection` for tests of selected nodes. Default `eager`. */
  indirectSelection?: IndirectSelection | undefined;
  /** Directory with an earlier manifest.json/run_results.json, for `state:` and `result:` selectors. */
  state?: string | undefined;
  /** Restrict to these resource types (e.g. `sm ls --resource-type model`). */
  resourceTypes?: readonly ResourceType[] | undefined;
  /**
   * Load and render the whole project in memory even when the last compile's stored results
   * could serve (commands that read every loaded node: docs, --inline, watch). Default false.
   */
  complete?: boolean | undefined;
  onEvent?: EventSink | undefined;
  signal?: AbortSignal | undefined;
  /** Infer the selection's columns, types and lineage (`sm check`); the manifest then carries the lineage. Default false. */
  check?: boolean | undefined;
  /** Check first and stop on an error before anything runs (`--strict`). Default: the project file's `flags: {strict: ...}`. */
  strict?: boolean | undefined;
  /** Build tables and incremental models with write-audit-publish (`--audit`), unless a model's `audit` config says otherwise. Default false. */
  audit?: boolean | undefined;
}

/** What compile hands to execution: plain data (and the adapter, whose dialect named the relations). */
export interface Compilation {
  project: LoadedProject;
  compiled: CompiledProject;
  graph: Dag;
  adapter: Adapter;
  /** Selected node ids in execution order. */
  selected: string[];
  diagnostics: Diagnostic[];
  invocationId: string;
  /**
   * True when nothing the last compile read had changed, so its stored results were used
   * (compile/warm-start.ts): nothing was loaded or rendered, `compiled.nodes` are read from the
   * store as they are asked for, and `project`'s node lists are not in memory (pass `complete`).
   */
  reused: boolean;
  /** What the checker found, when it ran (`check`, `strict`). */
  check?: CheckResult | undefined;
}

export interface RunOutcome {
  compilation: Compilation;
  results: NodeResult[];
  elapsed: number;
  interrupted: boolean;
  /** `success` when nothing errored or failed (warnings are fine). */
  status: 'success' | 'failure';
}

const COMMAND_TYPES: Record<Command, readonly ResourceType[] | undefined> = {
  compile: undefined,
  ls: undefined,
  show: undefined,
  check: undefined,
  // As in dbt: `run` builds models; snapshots run with `snapshot` and `build`.
  run: ['model'],
  snapshot: ['snapshot'],
  seed: ['seed'],
  test: ['test', 'unit_test'],
  build: ['model', 'seed', 'test', 'snapshot', 'unit_test'],
};

/**
 * Load, render, graph and select. Pure but for reading the project and writing target/. When
 * nothing the last compile read has changed (compile/input-proof.ts), its stored results are
 * used instead of loading and rendering (compile/warm-start.ts): the same Compilation, with
 * nodes read from the store as they are asked for.
 */
export async function compile(opts: InvocationOptions, command: Command = 'compile'): Promise<Compilation> {
  const invocationId = randomUUID();
  const warm = opts.noCache || opts.complete ? undefined : warmStart(opts);
  return warm ? compileWarm(opts, command, invocationId, warm) : compileCold(opts, command, invocationId);
}

async function adapterFor(opts: InvocationOptions, project: LoadedProject): Promise<Adapter> {
  return factoryFor(opts, project)();
}

function factoryFor(opts: InvocationOptions, project: LoadedProject): AdapterFactory {
  const factory = opts.adapters[project.target.type];
  if (!factory) {
    throw new SmProjectError([
      diag('SM_ADAPTER_NOT_FOUND', `No adapter for target type "${project.target.type}" (target "${project.target.name}" in ${project.targetSource})`, undefined, {
        hint: `Available: ${Object.keys(opts.adapters).join(', ')}.`,
      }),
    ]);
  }
  return factory;
}

/** A column test on a column the model lacks: an error where tests are compiled or run against existing tables; in build a warning, since the model is rebuilt first and the test then fails naming the YAML line. */
function columnCheckOf(command: Command): 'error' | 'warning' | undefined {
  return command === 'build' ? 'warning' : command === 'compile' || command === 'test' || command === 'ls' ? 'error' : undefined;
}

async function compileCold(opts: InvocationOptions, command: Command, invocationId: string): Promise<Compilation> {
  const loadedSince = Date.now();
  const runStartedAt = new Date();
  // A large project with nothing cached renders on two threads; the worker loads it alongside this thread (compile/parallel-render.ts).
  const dirOf = resolve(opts.projectDir);
  const worker = opts.noCache || existsSync(join(dirOf, targetPathOf(dirOf), '.sm', 'render-cache.json')) ? undefined : startRenderWorker(opts, opts.adapters, invocationId, runStartedAt);
  let project: LoadedProject;
  let adapter: Adapter;
  try {
    project = loadProjectCollecting(opts);
    adapter = await factoryFor(opts, project)();
  } catch (e) {
    await worker?.stop();
    throw e;
  }
  const key = opts.noCache ? undefined : proofKey(opts);
  if (!opts.noCache) dropStore(targetDir(project));
  const cache = opts.noCache ? undefined : RenderCache.open(join(targetDir(project), '.sm', 'render-cache.json'), project);
  const parallel = worker ? await finishParallel(worker, project, adapter.dialect, { dialect: adapter.dialect, invocationId, runStartedAt, env: opts.env }, cache) : undefined;
  if (parallel) opts.onEvent?.({ type: 'log', level: 'debug', message: 'Rendered on 2 threads' });
  const renderer = parallel?.renderer ?? new ProjectRenderer(project, { dialect: adapter.dialect, invocationId, runStartedAt, env: opts.env, cache });
  const compiled = parallel?.compiled ?? renderer.renderAll();
  const { graph, diagnostics: graphDiags } = buildGraph(compiled.nodes);
  const diagnostics = [...compiled.diagnostics, ...graphDiags];
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const columnCheck = columnCheckOf(command);
  if (errors.length) throw new SmProjectError(dedupe([...errors, ...(columnCheck === 'error' ? testColumnDiagnostics(compiled.nodes, compiled.nodes.keys(), 'error') : [])]));
  // What a run needs beyond compiled SQL, for every node: the store serves any later selection.
  renderForRun(renderer, project, compiled.nodes, [...compiled.nodes.keys()]);
  // Equal to the last compile's when the inputs are and nothing rendered read the environment or the clock.
  const digest = cache && !renderer.readVolatile && !parallel?.volatile ? project.inputDigest : undefined;
  const selectors = readSelectors(project.dir, diagnostics);
  const columnFindings = testColumnDiagnostics(compiled.nodes, compiled.nodes.keys(), 'warning');
  const stored = [...diagnostics];
  let fingerprints: Map<string, StateFingerprint> | undefined;
  const fingerprintsNow = () => (fingerprints ??= loadedFingerprints(project));
  const selectedOnly = selectAndCheck(opts, command, { project, compiled, graph, adapter, diagnostics, invocationId, reused: false }, compiled.nodes, () => selectors, fingerprintsNow, columnFindings);
  const dir = targetDir(project);
  const { check, manifestDigest } = checkIfAsked(opts, selectedOnly, dir, digest);
  const c: Compilation = { ...selectedOnly, check };
  // Compiled files are written on another thread meanwhile; a failure there is reported once the rest is done.
  const files = writeCompileArtifacts(c, command, digest, manifestDigest).then(() => undefined, (e: unknown) => e);
  if (!unchangedSince(dir, STATE_FILE, digest)) {
    writeJsonAtomic(join(dir, STATE_FILE), Object.fromEntries(fingerprintsNow()));
    markWrittenFrom(dir, STATE_FILE, digest);
  }
  cache?.save(project.models.map((m) => m.uniqueId));
  if (digest && key) {
    writeStore(dir, { ...takeProof(opts, project.config, key, loadedSince), digest }, project, compiled.nodes, topoOrder(graph), {
      diagnostics: stored.filter((d) => d.severity === 'warning'),
      columnFindings,
      ephemerals: Object.fromEntries(compiled.ephemerals),
      macros: compiled.macros,
    });
  }
  const failed = await files;
  if (failed) throw failed;
  return c;
}

/**
 * `sm check`, `--strict` or `flags: {strict: true}`: infer the selection's columns (stop on an
 * error when strict). The manifest then carries lineage, so its digest says so.
 */
function checkIfAsked(opts: InvocationOptions, c: Compilation, dir: string, digest: string | undefined): { check: CheckResult | undefined; manifestDigest: string | undefined } {
  const strict = opts.strict ?? c.project.config.strict;
  const saved = readSavedCatalog(dir);
  // Lineage of the whole project, or of a selection checked alone.
  const whole = c.selected.length === c.graph.nodeCount();
  const selection = () => (whole ? 'all' : createHash('sha1').update(c.selected.join('\n')).digest('hex'));
  if (!opts.check && !strict) {
    // Inputs a whole-project sm check has checked: the same manifest, with lineage (reused as that check wrote it).
    const fresh = freshCheck(c.compiled, c.graph, dir, digest, saved);
    return fresh ? { check: fresh, manifestDigest: `${digest}:check:${saved.digest}:all` } : { check: undefined, manifestDigest: digest };
  }
  const check = checkCompiled(c.compiled, c.graph, { targetDir: dir, only: new Set(c.selected), noCache: opts.noCache, catalog: saved, inputDigest: digest });
  if (strict) {
    const errs = check.diagnostics.filter((d) => d.severity === 'error');
    if (errs.length) throw new SmProjectError(errs);
  }
  // A manifest with lineage differs from one without, and depends on the saved catalog and the selection checked.
  const manifestDigest = digest ? `${digest}:check:${saved.digest}:${selection()}` : undefined;
  return { check, manifestDigest };
}

async function compileWarm(opts: InvocationOptions, command: Command, invocationId: string, w: WarmStart): Promise<Compilation> {
  const { project } = w;
  const adapter = await adapterFor(opts, project);
  const diagnostics = [...w.diagnostics];
  const compiled: CompiledProject = { project, nodes: w.nodes, ephemerals: w.ephemerals, diagnostics: [...w.diagnostics], macros: w.macros };
  const dir = targetDir(project);
  // sm-state.json was written from these inputs: it holds the fingerprints loading would compute.
  const fingerprintsNow = () => new Map(Object.entries(JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as Record<string, StateFingerprint>));
  const selectedOnly = selectAndCheck(opts, command, { project, compiled, graph: w.graph, adapter, diagnostics, invocationId, reused: true }, w.selectionNodes, () => readSelectors(project.dir, []), fingerprintsNow, w.columnFindings);
  // The checker answers an unchanged project from its cache without reading a stored node.
  const { check, manifestDigest } = checkIfAsked(opts, selectedOnly, dir, w.digest);
  const c: Compilation = { ...selectedOnly, check };
  const shape = (id: string) => {
    const e = w.selectionNodes.get(id)!;
    return { resourceType: e.resourceType, originalFilePath: e.originalFilePath, name: e.name, generic: e.resourceType === 'test' && !!e.testMetadata };
  };
  await writeCompileArtifacts(c, command, w.digest, manifestDigest, shape);
  return c;
}

/**
 * Selection and the column check, the same for a cold and a warm compile: `selectionNodes` are
 * the nodes selection reads (the compiled ones, or their index), `columnFindings` every test's
 * column problems as warnings.
 */
function selectAndCheck(
  opts: InvocationOptions,
  command: Command,
  c: Omit<Compilation, 'selected'>,
  selectionNodes: ReadonlyMap<string, GraphNode>,
  selectorsOf: () => ReturnType<typeof readSelectors>,
  fingerprintsNow: () => ReadonlyMap<string, StateFingerprint>,
  columnFindings: readonly Diagnostic[],
): Compilation {
  const state = opts.state ? readState(opts.state, fingerprintsNow()) : undefined;
  let selection = selectionOf(opts);
  const selectors = usesSelectors(opts, selection) ? selectorsOf() : new Map();
  if (opts.selector) {
    const s = selectors.get(opts.selector);
    if (!s) throw new SmProjectError([diag('SM_SELECTOR_INVALID', `No selector named "${opts.selector}" in selectors.yml`, { file: 'selectors.yml' }, { hint: `Selectors: ${[...selectors.keys()].join(', ') || '(none)'}` })]);
    const include = selection.include;
    const items = include ? (include.kind === 'union' ? include.items : [include]) : [];
    selection = { ...selection, include: { kind: 'union', items: [...items, criterion('selector', opts.selector)], testsOfWhole: true } };
  }
  const { selected: chosen, unmatched } = select(c.graph, selectionNodes, {
    selection,
    resourceTypes: opts.resourceTypes ?? COMMAND_TYPES[command],
    state,
    selectors,
    indirectTests: command === 'test' || command === 'build' || command === 'ls' || command === 'compile' || command === 'check',
    indirectSelection: opts.indirectSelection,
  });
  const diagnostics = c.diagnostics;
  // As dbt 1.11 (NoNodesForSelectionCriteria): a warning per criterion that selects nothing; the command goes on.
  for (const u of unmatched) diagnostics.push(diag('SM_SELECTION_EMPTY', `The selection criterion '${u}' does not match any enabled nodes`, undefined, { severity: 'warning' }));
  const selected = topoOrder(c.graph, chosen);
  const check = columnCheckOf(command);
  if (check) {
    const chosenTests = new Set(selected);
    const found = columnFindings.filter((d) => d.nodeId && chosenTests.has(d.nodeId)).map((d) => ({ ...d, severity: check }));
    if (check === 'error' && found.length) throw new SmProjectError(found);
    diagnostics.push(...found);
  }
  return { ...c, selected };
}

/** Whether the selection names selectors.yml (selectors are read only then). */
function usesSelectors(opts: InvocationOptions, sel: Selection): boolean {
  if (opts.selector) return true;
  const walk = (e: SelectionExpr | undefined): boolean =>
    !!e && (e.kind === 'criterion' ? e.method === 'selector' : e.kind === 'difference' ? walk(e.include) || walk(e.exclude) : e.items.some(walk));
  return walk(sel.include) || walk(sel.exclude);
}

/**
 * What a run needs beyond each node's compiled SQL, rendered now so that execution never
 * renders: an incremental model's SQL with `is_incremental()` true (also a partitioned external
 * model's with insert_overwrite), and a unit test's model rendered with the test's overrides.
 */
function renderForRun(renderer: ProjectRenderer, project: LoadedProject, nodes: Map<string, GraphNode>, selected: readonly string[]): void {
  const loaded = new Map<string, ModelNode>(project.models.map((m) => [m.uniqueId, m]));
  for (const id of selected) {
    const n = nodes.get(id)!;
    if (n.resourceType === 'model' && runsIncrementally(n)) {
      // As an override of is_incremental, the render neither reads nor writes the render cache and leaves the model's normal render in place.
      nodes.set(id, { ...n, incrementalCode: renderer.renderModelWithOverrides(loaded.get(id) ?? n, { macros: { is_incremental: true } }) });
    } else if (n.resourceType === 'unit_test') {
      const ov = n.overrides as { vars?: Record<string, unknown>; macros?: Record<string, unknown>; env_vars?: Record<string, unknown> } | undefined;
      const model = nodes.get(n.dependsOn.nodes[0] ?? '');
      if (!ov || (!ov.vars && !ov.macros && !ov.env_vars) || model?.resourceType !== 'model') continue;
      nodes.set(id, { ...n, modelCode: renderer.renderModelWithOverrides(model, { vars: ov.vars, macros: ov.macros, envVars: ov.env_vars }) });
    }
  }
}

/** Models a run may build with `is_incremental()` true. */
function runsIncrementally(m: ModelNode): boolean {
  const mat = m.config.materialized;
  return mat === 'incremental' || (mat === 'external' && m.config.incremental_strategy === 'insert_overwrite');
}

/** The invocation's selection: built in code, or `--select`/`--exclude` parsed once here. */
function selectionOf(opts: InvocationOptions): Selection {
  return opts.selection ?? { include: parseSelectionArgs(opts.select), exclude: parseSelectionArgs(opts.exclude) };
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.code}|${d.message}|${d.location?.file}|${d.location?.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Render free text (`--inline`) in the project's context, as a model file would render: a
 * renderer of its own over the compiled project, reading (never writing) the render cache.
 * Throws the template's error.
 */
export function renderText(c: Compilation, text: string): string {
  const cache = RenderCache.open(join(targetDir(c.project), '.sm', 'render-cache.json'), c.project);
  const renderer = new ProjectRenderer(c.project, { dialect: c.adapter.dialect, invocationId: c.invocationId, cache });
  return renderer.renderString(text);
}

/** A node's relation as compiled SQL names it (the manifest's relation_name); none for ephemerals, tests and exposures. */
export function relationNameOf(c: Pick<Compilation, 'adapter' | 'project'>, n: GraphNode): string | undefined {
  if (n.resourceType === 'model' || n.resourceType === 'snapshot') {
    if (n.config.materialized === 'ephemeral') return undefined;
    return printedRelationName(n.relation, c.adapter.dialect, c.project.target);
  }
  if (n.resourceType === 'seed' || n.resourceType === 'source') return printedRelationName(n.relation, c.adapter.dialect, c.project.target);
  return undefined;
}

function targetDir(p: LoadedProject): string {
  return join(p.dir, p.config.targetPath);
}

/** Write manifest.json, and for `compile` the compiled files: those are still being written when this returns; the promise says when they are. */
function writeCompileArtifacts(c: Compilation, command: Command, digest: string | undefined, manifestDigest: string | undefined, shape?: Parameters<typeof writeCompiledTree>[5]): Promise<void> {
  const dir = targetDir(c.project);
  mkdirSync(dir, { recursive: true });
  const files = command === 'compile' ? writeCompiledTree(c.project, c.compiled.nodes, c.selected, dir, digest, shape) : Promise.resolve();
  writeManifest(dir, manifestDigest, { invocationId: c.invocationId, generatedAt: new Date().toISOString() }, () => buildManifest(c.compiled, c.graph, c.invocationId, (n) => relationNameOf(c, n), c.check ? (id) => smColumnsOf(c.check!, id) : undefined));
  return files;
}

function readState(dir: string, now: ReadonlyMap<string, StateFingerprint>): SelectionState {
  const mpath = join(dir, 'manifest.json');
  if (!existsSync(mpath)) {
    throw new SmProjectError([diag('SM_STATE_NOT_FOUND', `No manifest.json in --state ${dir}`, undefined, { hint: 'Point --state at the target/ directory of an earlier run (copy it before it is overwritten).' })]);
  }
  type Entry = { checksum?: { checksum?: string }; config?: Record<string, unknown>; unrendered_config?: Record<string, unknown>; given?: unknown; expect?: unknown; overrides?: unknown };
  const m = readArtifact<{ nodes?: Record<string, Entry>; unit_tests?: Record<string, Entry> }>(mpath, 'manifest.json', manifestProblem);
  const previous = new Map<string, StateFingerprint>();
  for (const [id, n] of Object.entries(m.nodes ?? {})) {
    // dbt's own manifests carry the config as written; comparing that ignores values rendered per target.
    const cfg = n.unrendered_config && Object.keys(n.unrendered_config).length ? n.unrendered_config : n.config;
    previous.set(id, fingerprintOfConfig(n.checksum?.checksum ?? '', cfg));
  }
  for (const [id, u] of Object.entries(m.unit_tests ?? {})) previous.set(id, fingerprintOfConfig(unitTestChecksum(u), u.config));
  // sm's own fingerprints, taken before rendering, when the earlier run was sm's.
  const spath = join(dir, STATE_FILE);
  const own = existsSync(spath) ? readArtifact<Record<string, StateFingerprint>>(spath, 'state fingerprints', fingerprintsProblem) : undefined;
  if (own) for (const [id, f] of Object.entries(own)) previous.set(id, f);
  const rpath = join(dir, 'run_results.json');
  let results: Map<string, string> | undefined;
  if (existsSync(rpath)) {
    const r = readArtifact<RunResultsShape>(rpath, 'run_results.json', runResultsProblem);
    results = new Map(r.results.map((x) => [x.unique_id, x.status]));
  }
  return { previous, results, fingerprint: (n) => (own && now.get(n.uniqueId)) || fingerprintNow(n) };
}

/** Execute a command over the selection: run, seed, test or build. */
export async function execute(opts: InvocationOptions, command: 'run' | 'seed' | 'test' | 'build' | 'snapshot'): Promise<RunOutcome> {
  const t0 = performance.now();
  const c = await compile(opts, command);
  const sink: EventSink = opts.onEvent ?? (() => undefined);
  const target = c.project.target;
  const warnings = c.diagnostics.filter((d) => d.severity === 'warning');
  if (warnings.length) sink({ type: 'diagnostics', diagnostics: warnings });
  sink({ type: 'run_start', command, total: c.selected.length, target: target.name, adapter: target.type, invocationId: c.invocationId });
  const session = await c.adapter.connect(target, { projectDir: c.project.dir });
  const onAbort = () => void session.cancelAll();
  opts.signal?.addEventListener('abort', onAbort);
  let results: NodeResult[] = [];
  try {
    const ctx: RunContext = {
      project: c.project,
      nodes: c.compiled.nodes,
      graph: c.graph,
      adapter: c.adapter,
      session,
      flags: {
        threads: opts.threads ?? target.threads,
        fullRefresh: !!opts.fullRefresh,
        failFast: !!opts.failFast,
        storeFailures: !!opts.storeFailures,
        testsGateChildren: command === 'build',
        audit: opts.audit,
      },
      files: new RunFiles({ projectDir: c.project.dir, projectName: c.project.config.name, targetPath: c.project.config.targetPath, secrets: c.project.secrets }),
      onEvent: sink,
      signal: opts.signal,
    };
    results = await runNodes(ctx, new Set(c.selected));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await session.close();
  }
  const elapsed = (performance.now() - t0) / 1000;
  const interrupted = !!opts.signal?.aborted;
  writeJsonAtomic(
    join(targetDir(c.project), 'run_results.json'),
    buildRunResults(results, elapsed, c.invocationId, { which: command, select: opts.select ?? [], exclude: opts.exclude ?? [], target: target.name, full_refresh: !!opts.fullRefresh }),
  );
  sink({ type: 'run_end', results, elapsed, interrupted });
  const failed = results.some((r) => r.status === 'error' || r.status === 'fail' || r.status === 'skipped' || r.status === 'cancelled');
  return { compilation: c, results, elapsed, interrupted, status: failed || interrupted ? 'failure' : 'success' };
}

export const run = (o: InvocationOptions) => execute(o, 'run');
export const seed = (o: InvocationOptions) => execute(o, 'seed');
export const test = (o: InvocationOptions) => execute(o, 'test');
export const build = (o: InvocationOptions) => execute(o, 'build');
export const snapshot = (o: InvocationOptions) => execute(o, 'snapshot');

/** Connect to the target without compiling models (for ingestion and `sm debug`). */
export async function openTarget(opts: Pick<InvocationOptions, 'projectDir' | 'profilesDir' | 'target' | 'vars' | 'env' | 'adapters'>): Promise<{
  project: LoadedProject;
  adapter: Adapter;
  session: import('./adapter.ts').AdapterSession;
}> {
  const project = loadProjectCollecting(opts);
  const factory = opts.adapters[project.target.type];
  if (!factory) {
    throw new SmProjectError([diag('SM_ADAPTER_NOT_FOUND', `No adapter for target type "${project.target.type}"`, undefined, { hint: `Available: ${Object.keys(opts.adapters).join(', ')}.` })]);
  }
  const adapter = await factory();
  const session = await adapter.connect(project.target, { projectDir: project.dir });
  return { project, adapter, session };
}

/** Write JSON via a temporary file and a rename, so a reader never sees half an artifact. */
export { writeJsonAtomic };
