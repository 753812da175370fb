import { pythonIsoTime } from './artifacts/invocation.ts';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Adapter } from './adapter.ts';
import type { TemplateMessage } from './types.ts';
import { writeFileAtomic, writeFileOverSpare, writeJsonFileAtomic as writeJsonAtomic } from './util/write-json.ts';
import { redact } from './util/redact.ts';
import { buildRunResults, compileResultsText, runResultsEnvelope, type CompiledResult } from './artifacts/run-results.ts';
import { showResultsText, type ShownQuery } from './artifacts/show-results.ts';
import { compileResultsKey, keepCompiledHooks, keptCompiledHooks, reusedCompileResults, saveCompileResults } from './artifacts/compile-results-cache.ts';
import { runArgs } from './artifacts/run-args.ts';
import { oneThreadOrder, queuedPredecessors } from './graph/queue-order.ts';
import { patchManifestCode } from './artifacts/manifest-file.ts';
import { rewriteCompiledFiles, writeCompiledHooks } from './artifacts/compiled-files.ts';
import { diag, SmProjectError, type Diagnostic } from './diagnostics.ts';
import { isMicrobatch, microbatchConfig } from './plan/microbatch.ts';
import { defaultDatabaseOf } from './render/relation.ts';
import { loadProject, loadProjectCollecting, type LoadedProject, type LoadOptions } from './project/load-project.ts';
import { ProjectRenderer } from './render/render-project.ts';
import { RenderCache } from './render/render-cache.ts';
import { redactingSink, type EventSink, type NodeResult } from './events.ts';
import { runNodes } from './run/runner.ts';
import { HookRenderError, hookContext, runProjectHooks } from './run/project-hooks.ts';
import { hookNodeName, projectHooks } from './project/hook-list.ts';
import type { RunContext, StateRelation } from './run/run-context.ts';
import { RunFiles } from './artifacts/run-files.ts';
import { targetLayoutOf } from './artifacts/target-paths.ts';
import { executionRenderer } from './compile/execution-renderer.ts';
import { compile } from './compile/compile.ts';
import { nodesOnDemand } from './compile/warm-start.ts';
import { graphStore } from './compile/stored-graph.ts';
import { targetDir } from './compile/compile.ts';
import type { Compilation, InvocationOptions } from './compile/compilation.ts';
import { WARNING_EVENTS, warnIsError } from './warn-error.ts';

export type { Command, Compilation, InvocationOptions } from './compile/compilation.ts';
export { compile } from './compile/compile.ts';
import { relationNameOf } from './compile/relation-name-of.ts';
export { relationNameOf };

export interface RunOutcome {
  compilation: Compilation;
  results: NodeResult[];
  elapsed: number;
  interrupted: boolean;
  /** `success` when nothing errored or failed (warnings are fine). */
  status: 'success' | 'failure';
}

/**
 * Render free text (`--inline`) in the project's context, as a model file would render: a
 * renderer of its own over the compiled project, reading (never writing) the render cache.
 * `load` are the options `c` was compiled with.
 * `say` is told what the text showed (`log(msg, info=True)`, `print`). Throws the template's error.
 */
export function renderText(c: Compilation, load: LoadOptions, text: string, say?: (m: TemplateMessage) => void): string {
  const project = renderableProject(c, load);
  const cache = RenderCache.open(join(targetDir(c.project), '.sm', 'render-cache.json'), project);
  const renderer = new ProjectRenderer(project, { dialect: c.adapter.dialect, invocationId: c.invocationId, cache, graphStore: graphStore(targetDir(c.project), c.stableDigest, c.project.secrets) });
  return renderer.renderString(text, say);
}



/**
 * The project a render after compile uses: the compilation's own; after a warm start (which has
 * the project without its nodes, compile/warm-start.ts) one whose nodes are loaded, with the
 * compile's options `load`, only if the render reads them (ref, source, graph).
 */
function renderableProject(c: Compilation, load: LoadOptions): LoadedProject {
  return c.reused ? nodesOnDemand(c.project, () => loadProject({ ...load, deferred: c.project.deferred })) : c.project;
}

/** `codes` in the order of the manifest's nodes (the compilation's): {@link patchManifestCode} finds them in one sweep of the file. */
function inManifestOrder(c: Compilation, codes: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...c.compiled.nodes.keys()].flatMap((id) => (codes.has(id) ? [[id, codes.get(id)!] as const] : [])));
}

/** What dbt's compile runs, and so records in run_results.json (dbt's executable node types that sm has). */
const COMPILED_TYPES = new Set(['model', 'seed', 'snapshot', 'analysis', 'test']);

/**
 * Write run_results.json as dbt 1.11's `compile` and `docs generate` (which compiles first) do
 * once they succeed: a success for each selected node compiled, with its compiled code. An
 * ephemeral model is among them only for compile with --select (dbt drops an ephemeral's result
 * otherwise); `inline` (compile --inline's SQL as rendered) is dbt's inline_query node, alone.
 * `args` are the command's own, beside the selection and target every command records.
 */
export function writeCompileResults(c: Compilation, opts: InvocationOptions, o: { which: 'compile' | 'generate'; startedAt: number; args: Record<string, unknown>; inline?: string | undefined; live?: ReadonlyMap<string, string> | undefined }): void {
  const withEphemerals = o.which === 'compile' && !!opts.select?.length;
  const dir = targetDir(c.project);
  const when = pythonIsoTime(new Date(), 'Z');
  // A compile of unchanged inputs (a warm one) reuses the last results' JSON rather than reading every node's code again.
  // Hooks are rendered afresh each time (they may read run_started_at or invocation_id) and follow the nodes, as dbt lists them.
  const hooks = o.inline === undefined && !opts.select?.length && !opts.selector ? compiledHooks(c, opts) : [];
  writeCompiledHooks(dir, hooks);
  // SQL rendered with the warehouse (compileLive) is part of what the results are made from.
  const key = o.inline === undefined && c.stableDigest ? compileResultsKey(c.stableDigest, c.selected, withEphemerals, c.project.secrets) + liveKey(o.live) : undefined;
  let results: string | Buffer | undefined = key ? reusedCompileResults(dir, key, when) : undefined;
  if (results === undefined) {
    const nodes: CompiledResult[] =
      o.inline !== undefined
        ? [{ uniqueId: `sql_operation.${c.project.config.name}.inline_query`, resourceType: 'sql_operation', compiledCode: redact(o.inline, c.project.secrets), relationName: undefined }]
        : compileQueueOrder(c).flatMap((id) => {
            const n = c.compiled.nodes.get(id);
            const ephemeral = n?.resourceType === 'model' && n.config.materialized === 'ephemeral';
            if (!n || !COMPILED_TYPES.has(n.resourceType) || (!withEphemerals && ephemeral)) return [];
            const code = o.live?.get(id) ?? ('compiledCode' in n ? (n.compiledCode ?? '') : '');
            return [{ uniqueId: id, resourceType: n.resourceType, compiledCode: redact(code, c.project.secrets), relationName: relationNameOf(c, n), ephemeral }];
          });
    results = compileResultsText(nodes, when);
    if (key) saveCompileResults(dir, key, when, results);
  }
  if (hooks.length) results = appendedJsonArray(results, compileResultsText(hooks, when));
  // dbt's whole set of flags for the command, the command's own (output, inline, empty_catalog...) over them.
  const args = runArgs(o.which, { ...opts, cliArgs: { ...opts.cliArgs, ...o.args } }, c.project);
  const [head, tail] = runResultsEnvelope((performance.now() - o.startedAt) / 1000, c.invocationId, args);
  // Most of the file is the results (16 MB on 10,000 models), rewritten by every compile: over a spare file, without copying them into one buffer.
  writeFileOverSpare(join(dir, 'run_results.json'), join(dir, '.sm', 'run_results.json.spare'), [Buffer.from(head), typeof results === 'string' ? Buffer.from(results) : results, Buffer.from(tail)]);
}

/**
 * The selected nodes dbt's compile queues (those it compiles, ephemeral models included), in the
 * order its queue hands them to one thread, which is the order its run_results.json lists them:
 * dbt-core 1.11.16 listed model from_src (of a source), seed raw, then raw's children inc, v and
 * snapshot snap, then t (of v), e2 (of an ephemeral of v), then the tests, where sm's topological
 * order put raw first and from_src last.
 */
function compileQueueOrder(c: Compilation): string[] {
  const queued = new Set(c.selected.filter((id) => COMPILED_TYPES.has(c.compiled.nodes.get(id)?.resourceType ?? '')));
  return oneThreadOrder(queued, queuedPredecessors(queued, (id) => c.graph.predecessors(id)));
}

/** What a compile's SQL rendered with the warehouse adds to the key of its results: nothing when there is none. */
function liveKey(live: ReadonlyMap<string, string> | undefined): string {
  if (!live?.size) return '';
  const h = createHash('sha256');
  for (const [id, sql] of live) h.update(`${id}\0${sql}\0`);
  return `:live:${h.digest('hex')}`;
}

/** The JSON array `list` with the elements of the JSON array `more` after its own (both compact, as jsonText writes them). */
function appendedJsonArray(list: string | Buffer, more: string): Buffer {
  const head = typeof list === 'string' ? Buffer.from(list) : list;
  const open = head.lastIndexOf(0x5d); // the closing ]
  const empty = head.length === 2;
  return Buffer.concat([head.subarray(0, open), Buffer.from(empty ? more.slice(1) : `,${more.slice(1)}`)]);
}

/**
 * The project's and its packages' on-run-start and on-run-end hooks, rendered, not run: dbt 1.11's
 * compile and docs generate record each as a node (`operation.<package>.<package>-on-run-start-0`)
 * unless --select or --selector narrows the command (--exclude does not). Recorded from dbt-core
 * 1.11.16 + dbt-duckdb 1.11.1 (`packages/cli/test/compile-hooks-results.test.ts`).
 */
function compiledHooks(c: Compilation, opts: InvocationOptions): CompiledResult[] {
  const hooks = (['on-run-start', 'on-run-end'] as const).flatMap((kind) => projectHooks(c.project, kind).map((h) => ({ h, id: `operation.${h.packageName}.${hookNodeName(h, kind)}` })));
  if (!hooks.length) return [];
  const dir = targetDir(c.project);
  const key = c.stableDigest ? compileResultsKey(c.stableDigest, [], false, c.project.secrets) : undefined;
  const kept = key && c.reused ? keptCompiledHooks(dir, key) : undefined;
  if (kept) return kept;
  const project = renderableProject(c, opts);
  // A hook that reads `graph` renders every node: from the render cache compile just wrote, as --inline's render does.
  const cache = () => RenderCache.open(join(dir, '.sm', 'render-cache.json'), project);
  const renderer = new ProjectRenderer(project, { dialect: c.adapter.dialect, invocationId: c.invocationId, cache, graphStore: graphStore(dir, c.stableDigest, c.project.secrets) });
  // Each in its own package's context, as dbt renders a package's hook.
  const out = hooks.map(({ h, id }) => ({ uniqueId: id, resourceType: 'operation', compiledCode: redact(renderer.renderString(h.sql, undefined, h.packageName), c.project.secrets), relationName: undefined }));
  // Kept for the next compile of the same inputs unless the render read the clock or the environment (invocation_id, run_started_at, env_var).
  if (key && !renderer.readVolatile) keepCompiledHooks(dir, key, out);
  return out;
}

/**
 * Put the SQL compile rendered with the warehouse ({@link compileLive}) where compile wrote the
 * SQL it rendered without one: target/compiled and manifest.json's `compiled_code`.
 */
export function writeLiveSql(c: Compilation, live: ReadonlyMap<string, string>): void {
  const dir = targetDir(c.project);
  rewriteCompiledFiles(c.project, c.compiled.nodes, c.selected, live, dir);
  if (live.size) patchManifestCode(dir, inManifestOrder(c, live), c.project.secrets);
}

/** Write run_results.json as dbt 1.11's `show` does once its query succeeds (a failed show writes none). */
export function writeShowResults(c: Compilation, opts: InvocationOptions, q: ShownQuery): void {
  const node = q.uniqueId === undefined ? undefined : c.compiled.nodes.get(q.uniqueId);
  const shown = { id: q.uniqueId ?? `sql_operation.${c.project.config.name}.inline_query`, seed: node?.resourceType === 'seed', relationName: node ? relationNameOf(c, node) : undefined };
  const args = runArgs('show', { ...opts, cliArgs: { ...opts.cliArgs, ...q.args } }, c.project);
  writeFileAtomic(join(targetDir(c.project), 'run_results.json'), showResultsText(q, shown, c.invocationId, args, c.project.secrets));
}

/** Execute a command over the selection: run, seed, test or build. */
export async function execute(opts: InvocationOptions, command: 'run' | 'seed' | 'test' | 'build' | 'snapshot' | 'clone'): Promise<RunOutcome> {
  const t0 = performance.now();
  const startedAt = new Date();
  // clone reads the state's relations; it neither defers nor builds.
  const cloned = command === 'clone' ? await cloneState(opts) : undefined;
  const c = await compile(command === 'clone' ? { ...opts, defer: false } : opts, command);
  if (command === 'run' || command === 'build') checkMicrobatchConfigs(c);
  // A template may log() a value profiles.yml reads as a secret: no line of the run shows it.
  const sink: EventSink = redactingSink(opts.onEvent ?? (() => undefined), c.project.secrets);
  const target = c.project.target;
  const warnings = c.diagnostics.filter((d) => d.severity === 'warning');
  if (warnings.length) sink({ type: 'diagnostics', diagnostics: warnings });
  // As the node lines count: ephemeral models run inlined, not as nodes (run/runner.ts).
  const ephemeral = (id: string) => {
    const n = c.compiled.nodes.get(id);
    return n?.resourceType === 'model' && n.config.materialized === 'ephemeral';
  };
  const total = c.selected.filter((id) => !ephemeral(id)).length;
  sink({ type: 'run_start', command, total, target: target.name, adapter: target.type, invocationId: c.invocationId, threads: opts.threads ?? target.threads });
  const session = await c.adapter.connect(target, { projectDir: c.project.dir });
  const onAbort = () => void session.cancelAll();
  opts.signal?.addEventListener('abort', onAbort);
  let results: NodeResult[] = [];
  let stopped: HookRenderError | undefined;
  const files = new RunFiles({ projectDir: c.project.dir, ...targetLayoutOf(c.project), secrets: c.project.secrets });
  try {
    const ctx: RunContext = {
      project: c.project,
      nodes: c.compiled.nodes,
      graph: c.graph,
      macros: c.compiled.macros,
      adapter: c.adapter,
      session,
      flags: {
        threads: opts.threads ?? target.threads,
        fullRefresh: !!opts.fullRefresh,
        failFast: opts.failFast ?? c.project.config.failFast ?? false,
        storeFailures: !!opts.storeFailures,
        testsGateChildren: command === 'build',
        audit: opts.audit,
        testWarnFails: warnIsError(opts.warnError ?? c.project.config.warnError, WARNING_EVENTS.testWarned),
        microbatch: { eventTimeStart: opts.eventTimeStart, eventTimeEnd: opts.eventTimeEnd, now: startedAt, retry: opts.retryBatches },
        clone: cloned?.(c),
      },
      files,
      render: executionRenderer({
        // --defer's relations, so that what renders at run time refs as compile did.
        load: { ...opts, deferred: c.project.deferred },
        dialect: c.adapter.dialect,
        invocationId: c.invocationId,
        runStartedAt: startedAt,
        flags: { WHICH: command, FULL_REFRESH: !!opts.fullRefresh },
        cachePath: join(targetDir(c.project), '.sm', 'render-cache.json'),
        selectedResources: c.selected,
        project: c.project,
        reused: c.reused,
        graphStore: graphStore(targetDir(c.project), c.stableDigest, c.project.secrets),
      }),
      onEvent: sink,
      signal: opts.signal,
    };
    // dbt's project hooks: on-run-start, the nodes, on-run-end; none when there is nothing to do.
    const hooks = c.selected.length > 0 && command !== 'clone' && !opts.noProjectHooks;
    // A hook that fails to render stops the command (exit 2); after on-run-end, with the results so far written.
    const start = hooks ? await runProjectHooks('on-run-start', projectHooks(c.project, 'on-run-start'), ctx, {}) : [];
    const ran = await runNodes(ctx, new Set(c.selected));
    try {
      // The results as dbt's hooks see them are the graph's entries: made only when there is an on-run-end hook (on 10,000 models they read every node).
      const endHooks = hooks ? projectHooks(c.project, 'on-run-end') : [];
      const end = endHooks.length ? await runProjectHooks('on-run-end', endHooks, ctx, hookContext(ctx, [...start, ...ran])) : [];
      results = [...start, ...ran, ...end];
    } catch (e) {
      if (!(e instanceof HookRenderError)) throw e;
      stopped = e;
      results = [...start, ...ran, ...e.results];
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await session.close();
  }
  const elapsed = (performance.now() - t0) / 1000;
  const interrupted = !!opts.signal?.aborted;
  writeJsonAtomic(
    join(targetDir(c.project), 'run_results.json'),
    buildRunResults(results, elapsed, c.invocationId, runArgs(command, opts, c.project)),
  );
  patchManifestCode(targetDir(c.project), ranOtherSql(c, results), c.project.secrets);
  sink({ type: 'run_end', results, elapsed, interrupted });
  if (stopped) throw stopped;
  const failed = results.some((r) => r.status === 'error' || r.status === 'fail' || r.status === 'skipped' || r.status === 'cancelled' || r.status === 'partial success');
  return { compilation: c, results, elapsed, interrupted, status: failed || interrupted ? 'failure' : 'success' };
}

/** What ran to completion: a model or snapshot built, a data test that passed, warned or failed. */
const RAN = new Set(['success', 'pass', 'warn', 'fail']);

/**
 * What the run changes in the manifest compile wrote: the SQL of models, snapshots and data
 * tests whose SQL at run differed from it (incremental SQL, a template rendered with the
 * connection), as dbt's manifest after a run holds the SQL each ran (a test's query, not the
 * count around it). dbt also names the files each node's run wrote (`compiled_path`,
 * `build_path`) and adds the macros running a test called; sm leaves those as its compile phase
 * wrote them, so that a run whose SQL is compile's rewrites nothing (a 10,000-model manifest is
 * ~58 MB: rewriting it took `run -s one_model` from 0.8 to 3 s). The packages/cli README says so.
 */
function ranOtherSql(c: Compilation, results: readonly NodeResult[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of results) {
    if ((r.resourceType !== 'model' && r.resourceType !== 'snapshot' && r.resourceType !== 'test') || r.compiledCode === undefined || !RAN.has(r.status)) continue;
    const n = c.compiled.nodes.get(r.uniqueId);
    if (!n || !('compiledCode' in n) || typeof n.compiledCode !== 'string' || n.compiledCode === r.compiledCode) continue;
    if ('pythonCode' in n && n.pythonCode !== undefined) continue;
    out.set(r.uniqueId, r.compiledCode);
  }
  return out.size ? inManifestOrder(c, out) : out;
}

/** A selected microbatch model whose config cannot say which batches to build stops the command before anything runs (dbt refuses it at parse): exit 2. */
function checkMicrobatchConfigs(c: Compilation): void {
  const problems: Diagnostic[] = [];
  for (const id of c.selected) {
    const n = c.compiled.nodes.get(id);
    if (n?.resourceType !== 'model' || !isMicrobatch(n)) continue;
    const mc = microbatchConfig(n);
    if (typeof mc === 'string') problems.push(diag('SM_CONFIG_INVALID', mc, { file: n.originalFilePath }, { nodeId: id, hint: "Set it in the model's config() or its YAML config: (event_time: the column, batch_size: hour/day/month/year, begin: '2026-01-01')." }));
  }
  if (problems.length) throw new SmProjectError(problems);
}

/** `sm clone --state DIR`: the state's relations by unique id, their database dropped where it is the target's default. */
async function cloneState(opts: InvocationOptions): Promise<(c: Compilation) => Map<string, StateRelation>> {
  if (!opts.state) throw new SmProjectError([diag('SM_STATE_NOT_FOUND', 'sm clone needs --state DIR: the target/ directory of the run whose relations to clone', undefined, { hint: "Point --state at production's artifacts (its manifest.json)." })]);
  const { readStateNodes } = await import('./compile/compile-deferred.ts');
  const nodes = readStateNodes(opts.state);
  return (c) => {
    const defaultDb = defaultDatabaseOf(c.adapter.dialect, c.project.target);
    const out = new Map<string, StateRelation>();
    for (const [id, s] of nodes) {
      const database = s.database && s.database !== defaultDb ? s.database : undefined;
      const quoted = c.project.config.quoting;
      out.set(id, { database, schema: s.schema!, identifier: s.alias ?? s.name!, kind: s.config?.materialized === 'view' ? 'view' : 'table', ...(quoted ? { quoted } : {}) });
    }
    return out;
  };
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
