import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Adapter } from '../adapter.ts';
import { invocationStart } from '../artifacts/invocation.ts';
import { markWrittenFrom, unchangedSince } from '../artifacts/manifest-file.ts';
import { SmProjectError, type Diagnostic } from '../diagnostics.ts';
import { pyRepr } from '../jinja/py-values.ts';
import type { GraphNode } from '../types.ts';
import { accessDiagnostics } from '../graph/access.ts';
import { snapshotConfigDiagnostics } from '../snapshot/snapshot-spec.ts';
import { ambiguousRelationDiagnostics } from './ambiguous-relations.ts';
import { buildGraph, topoOrder } from '../graph/build-graph.ts';
import { loadProjectCollecting, type LoadedProject } from '../project/load-project.ts';
import { testColumnDiagnostics } from '../project/test-nodes.ts';
import { RenderCache } from '../render/render-cache.ts';
import { ProjectRenderer } from '../render/render-project.ts';
import { readSelectorsOrThrow } from '../select/selectors-file.ts';
import { loadedFingerprints, STATE_FILE, type StateFingerprint } from '../select/state-fingerprint.ts';
import { BackgroundWriter } from '../util/background-writer.ts';
import { jsonText } from '../util/json-text.ts';
import type { Command, Compilation, InvocationOptions } from './compilation.ts';
import { checkIfAsked, columnCheckOf, dedupe, emptyNodeIds, factoryFor, selectAndCheck, targetDir, writeCompileArtifacts } from './compile-shared.ts';
import { dropStore, writeStore } from './compiled-store.ts';
import { mayAskWarehouse } from './compile-live.ts';
import { proofKey, takeProof } from './input-proof.ts';
import { finishParallel, startRenderWorker } from './parallel-render.ts';
import { renderForRun } from './render-for-run.ts';
import { varsOf } from '../render/vars.ts';
import { deferNodeErrors, isNodesOwnError } from './node-errors.ts';
import { targetPathOf } from './target-path-of.ts';

/** A warning dbt gives only when it parses the node (not when partial parsing reuses it): not told again by a warm start. */
const PARSED_ONLY = 'PackageNodeDependsOnRootProjectNode';

/**
 * A node that reads a var with no value fails as dbt fails it when it runs: `compileError` holds
 * dbt's message under its "Compilation Error in ..." line (the runner words that line), and the
 * diagnostic no longer stops the project. Returns how many nodes.
 */
function deferVarErrors(diagnostics: readonly Diagnostic[], nodes: ReadonlyMap<string, GraphNode>, project: LoadedProject, cliVars: Record<string, unknown> | undefined): number {
  let n = 0;
  for (const d of diagnostics) {
    const node = d.code === 'SM_VAR_MISSING' && d.severity === 'error' && d.nodeId ? nodes.get(d.nodeId) : undefined;
    if (!node || node.compileError !== undefined) continue;
    const name = String(d.eventData?.var_name ?? '');
    const vars = { ...varsOf(project, node.packageName), ...cliVars };
    node.compileError = `Required var '${name}' not found in config:\nVars supplied to ${node.name} = ${pyRepr(vars)}\n${d.hint ?? ''}`.trimEnd();
    n++;
  }
  return n;
}

/** Load, render (on two threads when it pays), graph and select; then write the artifacts and the store a warm start reads. */
export async function compileCold(opts: InvocationOptions, command: Command, invocationId: string): Promise<Compilation> {
  const loadedSince = Date.now();
  // One instant for the whole invocation, as dbt's run_started_at: the live renders of compile-live.ts read it too.
  const runStartedAt = invocationStart(invocationId);
  // dbt's flags as templates read them: the command (dbt_utils.star answers '*' only for compile).
  const flags = { WHICH: command, FULL_REFRESH: !!opts.fullRefresh };
  // A large project with nothing cached renders on two threads; the worker loads it alongside this thread (compile/parallel-render.ts).
  const dirOf = resolve(opts.projectDir);
  const worker = opts.noCache || existsSync(join(dirOf, targetPathOf(dirOf, opts.targetPath), '.sm', 'render-cache.json')) ? undefined : startRenderWorker(opts, opts.adapters, invocationId, runStartedAt, flags);
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
  const all = [...compiled.diagnostics, ...graphDiags, ...accessDiagnostics(compiled.nodes, project.groups), ...snapshotConfigDiagnostics(compiled.nodes), ...ambiguousRelationDiagnostics(compiled.nodes, adapter.dialect, project.target, project.config.name, project.storeFailures)];
  // dbt's parse reads a var with no value as none, and lets an undefined macro or unknown test by:
  // such a node fails when it is compiled or run, not the project (compile/node-errors.ts).
  const deferred = deferVarErrors(all, compiled.nodes, project, opts.vars) + deferNodeErrors(all, compiled.nodes);
  const nodesOwn = (d: Diagnostic) => isNodesOwnError(d) && compiled.nodes.get(d.nodeId!)?.compileError !== undefined;
  const diagnostics = deferred ? all.filter((d) => !nodesOwn(d)) : all;
  // When the project stops anyway, every problem is told at once, the nodes' own errors too.
  const errors = all.filter((d) => d.severity === 'error');
  const projectErrors = errors.some((d) => !nodesOwn(d));
  const columnCheck = columnCheckOf(command);
  if (projectErrors) throw new SmProjectError(dedupe([...errors, ...(columnCheck ? testColumnDiagnostics(compiled.nodes, compiled.nodes.keys(), columnCheck) : [])]));
  // What a run needs beyond compiled SQL, for every node: the store serves any later selection.
  renderForRun(renderer, project, compiled.nodes, [...compiled.nodes.keys()]);
  // Equal to the last compile's when the inputs are and nothing rendered read the environment or the clock.
  const digest = cache && !renderer.readVolatile && !parallel?.volatile && !deferred ? project.inputDigest : undefined;
  const columnFindings = testColumnDiagnostics(compiled.nodes, compiled.nodes.keys(), 'warning');
  const stored = [...diagnostics];
  let fingerprints: Map<string, StateFingerprint> | undefined;
  // What config() calls set overrides the project file and YAML, as in dbt's unrendered_config: as
  // rendered (dbt 1.11's default), or, with state_modified_compare_more_unrendered_values, as written
  // (their text is in the raw template's checksum, so they are left out here).
  const configCallOf = (id: string) => {
    const call = (compiled.nodes.get(id) as { configCall?: Record<string, unknown> } | undefined)?.configCall;
    return call && project.config.compareUnrenderedValues ? Object.fromEntries(Object.keys(call).map((k) => [k, undefined])) : call;
  };
  const fingerprintsNow = () => (fingerprints ??= loadedFingerprints(project, configCallOf));
  const empty = emptyNodeIds(compiled.nodes);
  const selectedOnly = await selectAndCheck(opts, command, { project, compiled, graph, adapter, diagnostics, invocationId, reused: false }, compiled.nodes, async () => readSelectorsOrThrow(project.dir), fingerprintsNow, columnFindings, empty);
  const dir = targetDir(project);
  const { check, manifestDigest } = await checkIfAsked(opts, selectedOnly, dir, digest);
  const c: Compilation = { ...selectedOnly, check, stableDigest: digest };
  // Compiled files are written on one thread and the large artifacts on another meanwhile; a
  // failure there is reported once the rest is done.
  const writer = new BackgroundWriter();
  let files: Promise<unknown> = Promise.resolve();
  let failed: { error: unknown } | undefined;
  try {
    const { files: written } = opts.keepManifest ? { files: Promise.resolve() } : await writeCompileArtifacts(c, command, digest, manifestDigest, undefined, writer);
    files = written.then(() => undefined, (e: unknown) => e);
    if (!unchangedSince(dir, STATE_FILE, digest)) {
      markWrittenFrom(dir, STATE_FILE, undefined);
      writer.write(join(dir, STATE_FILE), jsonText(Object.fromEntries(fingerprintsNow())), () => markWrittenFrom(dir, STATE_FILE, digest));
    }
    cache?.save(project.models.map((m) => m.uniqueId), writer);
    if (digest && key) {
      const said = Object.fromEntries([...compiled.nodes].flatMap(([id, n]) => (n.said ? [[id, n.said]] : [])));
      const rest = { diagnostics: stored.filter((d) => d.severity === 'warning' && d.event !== PARSED_ONLY), columnFindings, ephemerals: Object.fromEntries(compiled.ephemerals), macros: compiled.macros, said, hookMacros: compiled.hookMacros, warehouseNodes: [...compiled.nodes.values()].filter(mayAskWarehouse).map((n) => n.uniqueId), disabled: compiled.disabled ?? [], disabledTests: compiled.disabledTests ?? [], emptyNodes: [...empty] };
      writeStore(dir, { ...takeProof(opts, project.config, key, loadedSince), digest }, project, compiled.nodes, topoOrder(graph), rest, writer);
    }
  } catch (error) {
    failed = { error };
  }
  // Every write settles before the command reports, whether it succeeded or not; the first failure is the one told.
  const [failedFiles, failedWrite] = await Promise.all([files, writer.finish().then(() => undefined, (e: unknown) => e)]);
  if (failed) throw failed.error;
  if (failedFiles) throw failedFiles;
  if (failedWrite) throw failedWrite;
  return c;
}
