import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Adapter, AdapterFactory } from '../adapter.ts';
import { buildManifest } from '../artifacts/manifest.ts';
import { markWrittenFrom, unchangedSince, writeManifest } from '../artifacts/manifest-file.ts';
import { writeCompiledTree } from '../artifacts/compiled-files.ts';
import { dropStore, writeStore } from './compiled-store.ts';
import { proofKey, takeProof } from './input-proof.ts';
import { warmStart, type WarmStart } from './warm-start.ts';
import { finishParallel, startRenderWorker } from './parallel-render.ts';
import { targetPathOf } from './target-path-of.ts';
import { writeJsonFileAtomic as writeJsonAtomic } from '../util/write-json.ts';
import { diag, SmProjectError, type Diagnostic } from '../diagnostics.ts';
import { buildGraph, topoOrder } from '../graph/build-graph.ts';
import { loadProjectCollecting, type LoadedProject } from '../project/load-project.ts';
import { ProjectRenderer, type CompiledProject } from '../render/render-project.ts';
import { RenderCache } from '../render/render-cache.ts';
import { select } from '../select/select.ts';
import { parseSelectionArgs } from '../select/parse-selection.ts';
import { criterion, type Selection, type SelectionExpr } from '../select/selection-expr.ts';
import type { GraphNode } from '../types.ts';
import { readSelectors } from '../select/selectors-file.ts';
import { testColumnDiagnostics } from '../project/test-nodes.ts';
import { checkCompiled, freshCheck, readSavedCatalog } from '../check/check-compilation.ts';
import type { CheckResult } from '../check/check-project.ts';
import { smColumnsOf } from '../check/column-lineage.ts';
import { loadedFingerprints, STATE_FILE, type StateFingerprint } from '../select/state-fingerprint.ts';
import { COMMAND_TYPES, type Command, type Compilation, type InvocationOptions } from './compilation.ts';
import { readState } from './read-state.ts';
import { relationNameOf } from './relation-name-of.ts';
import { renderForRun } from './render-for-run.ts';

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
  // dbt's flags as templates read them: the command (dbt_utils.star answers '*' only for compile).
  const flags = { WHICH: command, FULL_REFRESH: !!opts.fullRefresh };
  // A large project with nothing cached renders on two threads; the worker loads it alongside this thread (compile/parallel-render.ts).
  const dirOf = resolve(opts.projectDir);
  const worker = opts.noCache || existsSync(join(dirOf, targetPathOf(dirOf), '.sm', 'render-cache.json')) ? undefined : startRenderWorker(opts, opts.adapters, invocationId, runStartedAt, flags);
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
  const parallel = worker ? await finishParallel(worker, project, adapter.dialect, { dialect: adapter.dialect, invocationId, runStartedAt, env: opts.env, flags }, cache) : undefined;
  if (parallel) opts.onEvent?.({ type: 'log', level: 'debug', message: 'Rendered on 2 threads' });
  const renderer = parallel?.renderer ?? new ProjectRenderer(project, { dialect: adapter.dialect, invocationId, runStartedAt, env: opts.env, cache, flags });
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

export function targetDir(p: LoadedProject): string {
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
