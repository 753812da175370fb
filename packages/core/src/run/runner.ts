import type { Connection, Relation, RelationInfo } from '../adapter.ts';
import { findRelation, foundKey, schemaKey, storedKey } from '../relation-lookup.ts';
import type { PlanContext } from '../plan/plan.ts';
import { dbtAttachedNode, type GraphNode, type TemplateMessage } from '../types.ts';
import { compiledPathOf, targetLayoutOf } from '../artifacts/target-paths.ts';
import { inlinedEphemerals, isEphemeral } from '../graph/ephemerals.ts';
import { dbtNodeInfo, snapshotLogCfg } from '../artifacts/node-log-info.ts';
import { templateSaid, type NodeFailure, type NodeResult, type NodeStatus } from '../events.ts';
import { fromWarehouse, RenderFailure } from '../render/template-diagnostic.ts';
import { executeModel } from './execute-model.ts';
import { executeSeed } from './execute-seed.ts';
import { executeSnapshot } from './execute-snapshot.ts';
import { executeTest } from './execute-test.ts';
import { storeFailuresAs, testRelation } from '../project/test-nodes.ts';
import { executeUnitTest } from './execute-unit-test.ts';
import { addUnitTestGates } from '../unit/unit-test-gates.ts';
import { addTestGates } from './test-gates.ts';
import { resolveUpstream } from '../graph/resolve-upstream.ts';
import { depthsOf } from '../graph/queue-order.ts';
import { Mutex } from './mutex.ts';
import type { NodeContext, NodeExecutor } from './node-context.ts';
import { redact } from '../util/redact.ts';
import type { RunContext } from './run-context.ts';
import { runPlan } from './run-plan.ts';
import { packageRelativePaths } from '../project/package-paths.ts';

/** How each kind of node is executed; one file each. */
import { executeClone } from './execute-clone.ts';
import { printedRelationName } from '../render/relation.ts';

const EXECUTORS: Partial<Record<GraphNode['resourceType'], NodeExecutor>> = {
  model: executeModel,
  seed: executeSeed,
  test: executeTest,
  snapshot: executeSnapshot,
  unit_test: executeUnitTest,
};

/** How a skipped node names its parent's outcome. */
const SKIP_CAUSE: Partial<Record<NodeStatus, string>> = { fail: 'failed its test', 'partial success': 'built only some of its batches' };
const BAD: ReadonlySet<NodeStatus> = new Set(['error', 'skipped', 'fail', 'cancelled', 'partial success']);

/**
 * Execute `selected` nodes (any order; the runner orders them) over the DAG. Outcomes are
 * statuses, never exceptions.
 */
export async function runNodes(o: RunContext, selected: ReadonlySet<string>): Promise<NodeResult[]> {
  let results: Map<string, NodeResult> | undefined;
  try {
    results = await schedule(o, withoutEphemerals(o, selected), selected);
    if (o.flags.failFast && [...results.values()].some(stopsFailFast)) skipEphemerals(o, selected, results);
  } finally {
    const failed = o.files.flush();
    for (const f of failed) {
      // A node whose SQL ran but whose record could not be written is not a success.
      const message = `Could not write ${f.path}: ${f.error.message}. Check that the target directory is writable and the disk not full.`;
      o.onEvent({ type: 'log', level: 'error', message });
      const r = results?.get(f.uniqueId);
      if (r && r.status !== 'error') results!.set(f.uniqueId, { ...r, status: 'error', message });
    }
  }
  return [...results!.values()];
}

/** What each of `selected` waits for: its nearest predecessors among them, and in build the tests that gate it. */
function waitsFor(o: RunContext, selected: ReadonlySet<string>): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  const through = new Map<string, readonly string[]>();
  for (const id of selected) deps.set(id, runnablePredecessors(o, id, selected, through));
  if (o.flags.testsGateChildren) addTestGates(o, selected, deps);
  addUnitTestGates(o.nodes, o.graph, selected, deps);
  return deps;
}

/** `selected`: what runs; `queued`: the same with the selected ephemeral models, which dbt's queue holds and counts in a node's depth. */
async function schedule(o: RunContext, selected: ReadonlySet<string>, queued: ReadonlySet<string>): Promise<Map<string, NodeResult>> {
  const { nodes, files } = o;
  const threads = Math.max(1, o.flags.threads);
  const writeLock = o.adapter.capabilities.supportsMultipleWriters ? undefined : new Mutex();
  const ctx: PlanContext = { dialect: o.adapter.dialect, capabilities: o.adapter.capabilities, fullRefresh: o.flags.fullRefresh };
  const deps = waitsFor(o, selected);
  const results = new Map<string, NodeResult>();
  // How many of its dependencies each node still waits for, and who waits on each node.
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const id of selected) {
    const ds = new Set(deps.get(id) ?? []);
    waiting.set(id, ds.size);
    for (const d of ds) {
      let list = dependents.get(d);
      if (!list) dependents.set(d, (list = []));
      list.push(id);
    }
  }
  // The order dbt 1.11 runs nodes in: its queue hands each node to the pool's FIFO as soon as the
  // node is ready (all it waits for done), several made ready together by depth in the graph, then
  // unique id. With one thread, results come in that order (run_results.json lists them as they finish).
  // dbt-core 1.11.16: with r, an ephemeral e of r, x of e and y of r, `dbt run --threads 1` runs r, y, x (x is two deep).
  // dbt's build runs a model's unit tests in the model's turn, outside its queue: they add no depth.
  // dbt-core 1.11.16 `build --threads 1` ran v, ut_t (of t, t of v), t, then e2 (of an ephemeral of v).
  const withoutUnitTests = (m: Map<string, string[]>) => new Map([...m].map(([id, ds]) => [id, ds.filter((x) => nodes.get(x)?.resourceType !== 'unit_test')]));
  const depth = queued.size === selected.size ? depthsOf(selected, withoutUnitTests(deps)) : depthsOf(queued, withoutUnitTests(waitsFor(o, queued)));
  const byDepth = (a: string, b: string) => depth.get(a)! - depth.get(b)! || (a < b ? -1 : a > b ? 1 : 0);
  const queue: string[] = [...waiting].filter(([, n]) => n === 0).map(([id]) => id).sort(byDepth);
  let head = 0;
  // Made ready while a batch is being started: queued for the next batch, as dbt's queue hands them on.
  let newlyReady: string[] = [];
  // Made ready by a unit test (its model, or the model's next unit test): next in line, as in dbt's model turn.
  let inTurn: string[] = [];
  const total = selected.size;
  let index = 0;
  let started = 0;
  const schemaCache = new Map<string, Promise<Map<string, RelationInfo>>>();
  const createdSchemas = new Map<string, Promise<void>>();

  // Names are compared as the warehouse compares them: on Snowflake a part the project's quoting quotes keeps its case.
  const d = o.adapter.dialect;
  const nameKey = (rel: Relation) => storedKey(d, rel.identifier, rel.quoted?.identifier);
  const describe = (conn: Connection, rel: Relation): Promise<Map<string, RelationInfo>> => {
    const key = schemaKey(d, rel);
    let p = schemaCache.get(key);
    if (!p) {
      p = conn.describe(rel.schema, rel.database, undefined, rel.quoted).then((list) => new Map(list.map((r) => [foundKey(d, r.identifier), r])));
      schemaCache.set(key, p);
    }
    return p;
  };
  const ensureSchema = (conn: Connection, rel: Relation): Promise<void> => {
    const key = schemaKey(d, rel);
    let p = createdSchemas.get(key);
    if (!p) {
      p = conn.execute(d.createSchema(rel.database, rel.schema, rel.quoted)).then(() => undefined);
      createdSchemas.set(key, p);
    }
    return p;
  };
  const remember = async (conn: Connection, rel: Relation, info: RelationInfo | undefined) => {
    const m = await describe(conn, rel);
    if (info) m.set(nameKey(rel), info);
    else m.delete(nameKey(rel));
  };

  // The run's catalog forgets what it rebuilt (columns unknown): ask the warehouse again for those.
  const columnsOf = async (conn: Connection, rel: Relation) => {
    const cached = (await describe(conn, rel)).get(nameKey(rel));
    if (cached?.columns.length) return cached.columns;
    const fresh = findRelation(d, await conn.describe(rel.schema, rel.database, undefined, rel.quoted), rel);
    return fresh?.columns.length ? fresh.columns : undefined;
  };

  const pending = new Set(selected);
  const running = new Map<string, Promise<void>>();
  // --fail-fast: a node failed. dbt's queue stops at its next turn: at once when it has handed
  // every node to the pool, else once a node is made ready; what it handed the pool before then
  // still runs.
  let failed = false;

  const finish = (result: NodeResult) => {
    // Every result passes here on its way to events and run_results.json: no secret goes further.
    const r = redactResult(result, o.project.secrets);
    results.set(r.uniqueId, r);
    for (const d of dependents.get(r.uniqueId) ?? []) {
      const left = waiting.get(d)! - 1;
      waiting.set(d, left);
      if (left === 0 && pending.has(d)) (nodes.get(r.uniqueId)?.resourceType === 'unit_test' ? inTurn : newlyReady).push(d);
    }
    index++;
    const n = nodes.get(r.uniqueId);
    const nodeInfo = n ? dbtNodeInfo(n, o.adapter.dialect, o.project.target, r.status === 'cancelled' ? 'error' : r.status, r.startedAt, r.completedAt) : undefined;
    const cfg = n?.resourceType === 'snapshot' ? snapshotLogCfg(n.config) : undefined;
    o.onEvent({ type: 'node_finish', result: r, index, total, nodeInfo, attachedNode: n?.resourceType === 'test' ? dbtAttachedNode(n) : undefined, file: n?.originalFilePath, ...(cfg ? { cfg } : {}) });
    if (o.flags.failFast && stopsFailFast(r)) failed = true;
  };

  /**
   * The relation a model or snapshot builds, or a test stores its failures in, as run_results.json
   * names it for any status (dbt 1.11 writes a skipped store_failures test's audit table too).
   */
  const relationNameIfBuilt = (node: GraphNode): string | undefined => {
    if (node.resourceType === 'test') {
      const as = storeFailuresAs(node, o.flags.storeFailures);
      return as === 'table' || as === 'view' ? printedRelationName(testRelation(node, o.project.target), o.adapter.dialect, o.project.target) : undefined;
    }
    return (node.resourceType === 'model' || node.resourceType === 'snapshot') && 'relation' in node && node.relation ? printedRelationName(node.relation, o.adapter.dialect, o.project.target) : undefined;
  };

  const ephemeralsWritten = new Set<string>();
  const execNode = async (id: string): Promise<void> => {
    const node = nodes.get(id)!;
    const startedAt = new Date();
    const base = {
      uniqueId: id,
      name: node.name,
      resourceType: node.resourceType,
      threadId: `Thread-${(started % threads) + 1} (worker)`,
      materialized: typeof node.config.materialized === 'string' ? node.config.materialized : undefined,
    };
    started++;
    const nodeInfo = dbtNodeInfo(node, o.adapter.dialect, o.project.target, 'started', startedAt, undefined);
    o.onEvent({ type: 'node_start', uniqueId: id, name: node.name, resourceType: node.resourceType, index: started, total, materialized: base.materialized, nodeInfo, thread: base.threadId });
    const done = (status: NodeStatus, message: string, extra: Partial<NodeResult> = {}) => {
      const completedAt = new Date();
      finish({
        ...base,
        status,
        message: redact(message, o.project.secrets),
        executionTime: (completedAt.getTime() - startedAt.getTime()) / 1000,
        startedAt: startedAt.toISOString(),
        completedAt: completedAt.toISOString(),
        ...extra,
      });
    };
    const isWrite = node.resourceType !== 'test' && node.resourceType !== 'unit_test' && node.resourceType !== 'exposure' && node.resourceType !== 'saved_query';
    const release = isWrite && writeLock ? await writeLock.lock() : undefined;
    let conn: Connection | undefined;
    const ran: string[] = [];
    let runText: string | undefined;
    // What its templates say at execution (log(msg, info=True), print) is shown as the run goes;
    // what compile's render said, as the node starts (dbt renders it then).
    const say = (m: TemplateMessage): void => o.onEvent(templateSaid(m, nodeInfo, base.threadId));
    const liveEphemerals = new Map<string, string>();
    const ephemeral = (eid: string, sql: string): void => void liveEphemerals.set(eid, sql);
    for (const m of node.said ?? []) say(m);
    try {
      if (o.signal?.aborted) return done('cancelled', 'Cancelled before it started');
      if (node.resourceType === 'exposure' || node.resourceType === 'saved_query') return done('no-op', 'NO-OP');
      // Compile could not make its SQL (a var with no value): it fails as it starts, as dbt's compile step fails it.
      if (node.compileError !== undefined) return done('error', node.compileError, { relationName: 'relation' in node && node.relation && node.resourceType !== 'test' ? o.adapter.dialect.relationName(node.relation) : undefined, failure: { kind: 'Compilation Error', detail: node.compileError, file: failureFileOf(o, node), compileStep: true } });
      const executor = o.flags.clone ? executeClone : EXECUTORS[node.resourceType];
      if (!executor) return done('skipped', `${node.resourceType} nodes are not executed by this command`);
      conn = await o.session.acquire({ config: node.config });
      const c = files.overlapping(conn);
      const nctx: NodeContext = {
        run: o,
        plan: ctx,
        conn: c,
        renderLive: (what) => o.render({ ...what, say, ephemeral }, c),
        compiled: (sql, split) => files.compiled(node, sql, split),
        compiledFixture: (name, sql) => files.compiledFixture(node, name, sql),
        runFile: (text) => void (runText = text),
        ranSplit: (split) => files.ran(node, ran.splice(0), split),
        runPlan: (plan, incremental) => runPlan(plan, c, o.adapter.dialect, ran, o.signal, (text, name) => o.render({ text, name, node, incremental, say }, c)),
        exec: (sql) => {
          ran.push(sql);
          return c.execute(sql);
        },
        ensureSchema: (rel) => ensureSchema(c, rel),
        existing: async (rel) => (await describe(c, rel)).get(nameKey(rel)),
        remember: (rel, info) => remember(c, rel, info),
        columns: (rel) => columnsOf(c, rel),
        writeLock,
        adapterWarning: (said) =>
          o.onEvent({ type: 'log', level: 'warn', message: `${said.name} adapter: ${said.base}`, adapter: said, nodeInfo: dbtNodeInfo(node, o.adapter.dialect, o.project.target, 'executing', startedAt, undefined), thread: base.threadId }),
      };
      const r = await executor(node, nctx);
      // dbt writes the compiled SQL of each ephemeral model a node inlines, once, as it compiles the node.
      for (const eid of node.resourceType === 'unit_test' ? [] : inlinedEphemerals((x) => o.graph.predecessors(x), o.nodes, id)) {
        const e = nodes.get(eid);
        if (!e || ephemeralsWritten.has(eid)) continue;
        ephemeralsWritten.add(eid);
        const sql = liveEphemerals.get(eid) ?? ('compiledCode' in e ? e.compiledCode : undefined);
        if (sql !== undefined) files.compiled(e, sql);
      }
      return done(r.status, r.message, r);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const path = 'compiledCode' in node && node.resourceType !== 'snapshot' ? compiledPathOf(targetLayoutOf(o.project), node) : undefined;
      if (o.signal?.aborted) return done('cancelled', `Cancelled: ${msg}`, { compiledPath: path });
      const failure = failureOf(e, msg, failureFileOf(o, node), o.adapter.dialect.dbtErrorKind ?? 'Database Error');
      // What dbt records of a node that failed: the SQL it compiled (none when its own template
      // failed at execution: dbt's compile step) and the relation it was building.
      const compiledCode = !failure.compileStep && 'compiledCode' in node && typeof node.compiledCode === 'string' ? node.compiledCode : undefined;
      return done('error', msg, { compiledPath: failure.compileStep ? undefined : path, compiledCode, relationName: relationNameIfBuilt(node), failure });
    } finally {
      if (runText !== undefined) files.ranText(node, runText);
      else files.ran(node, ran);
      if (conn) o.session.release(conn);
      release?.();
    }
  };

  while (pending.size || running.size) {
    if (o.signal?.aborted || (failed && (newlyReady.length || inTurn.length || pending.size <= queue.length - head))) {
      for (const id of pending) {
        const node = nodes.get(id)!;
        // dbt's build runs a model's unit tests in the model's turn, outside its queue: those not run are not listed.
        if (!o.signal?.aborted && o.flags.testsGateChildren && node.resourceType === 'unit_test') continue;
        const now = new Date().toISOString();
        finish({ uniqueId: id, name: node.name, resourceType: node.resourceType, status: o.signal?.aborted ? 'cancelled' : 'skipped', message: o.signal?.aborted ? 'Run interrupted' : 'Skipped after --fail-fast', executionTime: 0, startedAt: now, completedAt: now, threadId: 'MainThread', relationName: relationNameIfBuilt(node), ...(o.signal?.aborted ? {} : { skipCause: 'fail-fast' as const }) });
      }
      pending.clear();
      if (running.size) await Promise.allSettled(running.values());
      break;
    }
    queue.splice(head, 0, ...inTurn.sort(byDepth));
    queue.push(...newlyReady.sort(byDepth));
    [newlyReady, inTurn] = [[], []];
    while (head < queue.length && running.size < threads) {
      const id = queue[head++]!;
      pending.delete(id);
      const bad = (deps.get(id) ?? []).find((d) => BAD.has(results.get(d)!.status) && !(results.get(d)!.status === 'fail' && !gates(nodes.get(d)!, o.flags)));
      if (bad) {
        const node = nodes.get(id)!;
        const now = new Date().toISOString();
        const upstream = nodes.get(bad)!;
        finish({ uniqueId: id, name: node.name, resourceType: node.resourceType, status: 'skipped', message: `Skipped because ${upstream.name} ${SKIP_CAUSE[results.get(bad)!.status] ?? results.get(bad)!.status}`, executionTime: 0, startedAt: now, completedAt: now, threadId: `Thread-${(started % threads) + 1} (worker)`, relationName: relationNameIfBuilt(node), skipCause: 'upstream' });
        continue;
      }
      const p = execNode(id).finally(() => running.delete(id));
      running.set(id, p);
    }
    if (running.size) await Promise.race(running.values());
    else if (pending.size && head >= queue.length && !newlyReady.length && !inTurn.length) {
      // Only possible with a dependency cycle, which compile already rejects.
      throw new Error(`Cannot order: ${[...pending].join(', ')}`);
    }
  }
  // dbt hands each selected ephemeral model to a runner too (no result recorded), which writes its
  // compiled SQL: also those no node inlines. dbt 1.11.16 `run` wrote models/lonely.sql so.
  if (!o.signal?.aborted) {
    for (const id of queued) {
      const e = nodes.get(id);
      if (!e || !isEphemeral(e) || ephemeralsWritten.has(id) || !('compiledCode' in e) || e.compiledCode === undefined) continue;
      ephemeralsWritten.add(id);
      files.compiled(e, e.compiledCode);
    }
  }
  return results;
}

/**
 * After --fail-fast stops a run, dbt reports every selected node without a result as skipped,
 * ephemeral models included (even one whose SQL an earlier node inlined): dbt 1.11.16 recorded.
 */
function skipEphemerals(o: RunContext, selected: ReadonlySet<string>, results: Map<string, NodeResult>): void {
  for (const id of selected) {
    const node = o.nodes.get(id)!;
    if (!isEphemeral(node) || results.has(id)) continue;
    const now = new Date().toISOString();
    results.set(id, { uniqueId: id, name: node.name, resourceType: node.resourceType, status: 'skipped', message: 'Skipped after --fail-fast', executionTime: 0, startedAt: now, completedAt: now, threadId: 'MainThread', skipCause: 'fail-fast' });
  }
}

/** Whether `n` failing skips its children. A test that can only warn does not, unless a warning is a failure (--warn-error). */
function gates(n: GraphNode, flags: RunContext['flags']): boolean {
  return n.resourceType !== 'test' || (flags.testsGateChildren && (flags.testWarnFails || String(n.config.severity ?? 'error').toLowerCase() !== 'warn'));
}

/** A result that stops a --fail-fast run. */
const stopsFailFast = (r: NodeResult) => r.status === 'error' || r.status === 'fail' || r.status === 'partial success';

/**
 * dbt runs no ephemeral model (its SQL is inlined where it is referenced): none is a result in
 * run_results.json or counts in "N of M". What depends on one waits for what it depends on.
 */
function withoutEphemerals(o: RunContext, selected: ReadonlySet<string>): ReadonlySet<string> {
  for (const id of selected) if (isEphemeral(o.nodes.get(id))) return new Set([...selected].filter((x) => !isEphemeral(o.nodes.get(x))));
  return selected;
}


/**
 * The selected nodes `id` waits for: its selected predecessors, and through any node not run
 * (an ephemeral model, a model left out of the selection, a metric, a semantic model) that node's,
 * as dbt's queue keeps the edges across the nodes it leaves out of its graph (and skips what is
 * downstream of a failure through them). `through` remembers, for each node not run, what it
 * leads back to.
 */
function runnablePredecessors(o: RunContext, id: string, selected: ReadonlySet<string>, through: Map<string, readonly string[]>): string[] {
  const preds = (x: string) => o.graph.predecessors(x) ?? [];
  const gather = (x: string): string[] => {
    const out = new Set<string>();
    for (const p of preds(x)) {
      if (selected.has(p)) out.add(p);
      else for (const q of through.get(p) ?? []) out.add(q);
    }
    return [...out];
  };
  // Each node not run is resolved once its own predecessors are.
  const notRun = (x: string) => preds(x).filter((p) => !selected.has(p));
  resolveUpstream(notRun(id), notRun, through, gather);
  return gather(id);
}

/** A result without secrets in the text it carries (the message, the SQL that ran). */
function redactResult(r: NodeResult, secrets: readonly string[]): NodeResult {
  if (!secrets.length) return r;
  return {
    ...r,
    message: redact(r.message, secrets),
    ...(r.compiledCode !== undefined ? { compiledCode: redact(r.compiledCode, secrets) } : {}),
    ...(r.failure ? { failure: { ...r.failure, detail: redact(r.failure.detail, secrets) } } : {}),
  };
}

/** The file a failure's message names: as dbt's run_results.json does, a package's node relative to its package ("models/x.sql"). */
function failureFileOf(o: RunContext, node: GraphNode): string {
  return packageRelativePaths(o.project.dir, o.project.packages)(node.packageName, node.originalFilePath);
}

/** How dbt's run_results.json words a node's failure (see NodeFailure). */
function failureOf(e: unknown, msg: string, file: string, warehouseKind: string): NodeFailure {
  if (e instanceof RenderFailure) return { kind: e.fromWarehouse ? warehouseKind : 'Compilation Error', detail: e.detail, file, compileStep: e.ownSql };
  // A config no materialization can build (an unknown materialization or strategy): dbt's macros raise it as a compiler error.
  const compiler = (e as { kind?: string } | undefined)?.kind === 'CompilerError';
  return { kind: fromWarehouse(e) ? warehouseKind : compiler ? 'Compilation Error' : 'Runtime Error', detail: msg, file, compileStep: false };
}
