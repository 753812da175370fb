import type { Adapter, AdapterSession, Connection, Relation, RelationInfo } from '../adapter.ts';
import type { Dag } from '../graph/build-graph.ts';
import { ancestors } from '../graph/build-graph.ts';
import type { PlanContext, Step } from '../plan/plan.ts';
import type { CompiledProject, ProjectRenderer } from '../render/render-project.ts';
import type { GraphNode } from '../types.ts';
import { compiledPathOf, RunFiles, useRunFiles, writeRunSql } from './compiled-files.ts';
import type { EventSink, NodeResult, NodeStatus } from './events.ts';
import { executeModel } from './execute-model.ts';
import { executeSeed } from './execute-seed.ts';
import { executeSnapshot } from './execute-snapshot.ts';
import { executeTest } from './execute-test.ts';
import { executeUnitTest } from './execute-unit-test.ts';
import { addUnitTestGates } from '../unit/unit-test-gates.ts';
import { Mutex } from './mutex.ts';
import { MinHeap } from '../util/min-heap.ts';
import type { NodeContext, NodeExecutor } from './node-context.ts';
import { redact } from './redact.ts';

export interface RunnerOptions {
  compiled: CompiledProject;
  graph: Dag;
  /** Node ids to execute, any order; the runner orders them. */
  selected: ReadonlySet<string>;
  renderer: ProjectRenderer;
  adapter: Adapter;
  session: AdapterSession;
  threads: number;
  fullRefresh: boolean;
  /** `build`: a failing test skips what depends on the node it tests. */
  testsGateChildren: boolean;
  storeFailures?: boolean;
  failFast?: boolean;
  targetDir: string;
  onEvent: EventSink;
  signal?: AbortSignal | undefined;
  secrets: readonly string[];
}

/** How each kind of node is executed; one file each. */
const EXECUTORS: Partial<Record<GraphNode['resourceType'], NodeExecutor>> = {
  model: executeModel,
  seed: executeSeed,
  test: executeTest,
  snapshot: executeSnapshot,
  unit_test: executeUnitTest,
};

const BAD: ReadonlySet<NodeStatus> = new Set(['error', 'skipped', 'fail', 'cancelled']);

/** Execute selected nodes over the DAG. Outcomes are statuses, never exceptions. */
export async function runNodes(o: RunnerOptions): Promise<NodeResult[]> {
  const files = new RunFiles(o.compiled.project.dir);
  useRunFiles(o, files);
  let results: Map<string, NodeResult> | undefined;
  try {
    results = await schedule(o, files);
  } finally {
    const failed = files.flush();
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

async function schedule(o: RunnerOptions, files: RunFiles): Promise<Map<string, NodeResult>> {
  const { compiled, graph, selected } = o;
  const nodes = compiled.nodes;
  const writeLock = o.adapter.capabilities.supportsMultipleWriters ? undefined : new Mutex();
  const ctx: PlanContext = { dialect: o.adapter.dialect, capabilities: o.adapter.capabilities, fullRefresh: o.fullRefresh };
  const deps = new Map<string, string[]>();
  for (const id of selected) {
    const preds = (graph.predecessors(id) ?? []).filter((p: string) => selected.has(p));
    deps.set(id, preds);
  }
  if (o.testsGateChildren) addTestGates(o, deps);
  addUnitTestGates(nodes, graph, selected, deps);
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
  const orderOf = new Map<string, number>();
  const order = (id: string) => {
    // Tests right after what they test; seeds first.
    let v = orderOf.get(id);
    if (v === undefined) {
      const t = nodes.get(id)!.resourceType;
      v = t === 'seed' ? 0 : t === 'test' ? 1 : 2;
      orderOf.set(id, v);
    }
    return v;
  };
  const queue = new MinHeap<string>((a, b) => order(a) - order(b) < 0 || (order(a) === order(b) && a < b));
  for (const [id, n] of waiting) if (n === 0) queue.push(id);
  // Made ready while a batch is being started: queued for the next batch, as a fresh look at the DAG would.
  let newlyReady: string[] = [];
  const total = selected.size;
  let index = 0;
  let started = 0;
  const schemaCache = new Map<string, Promise<Map<string, RelationInfo>>>();
  const createdSchemas = new Map<string, Promise<void>>();

  const describe = (conn: Connection, rel: Relation): Promise<Map<string, RelationInfo>> => {
    const key = `${rel.database ?? ''}.${rel.schema}`.toLowerCase();
    let p = schemaCache.get(key);
    if (!p) {
      p = conn.describe(rel.schema, rel.database).then((list) => new Map(list.map((r) => [r.identifier.toLowerCase(), r])));
      schemaCache.set(key, p);
    }
    return p;
  };
  const ensureSchema = (conn: Connection, rel: Relation): Promise<void> => {
    const key = `${rel.database ?? ''}.${rel.schema}`.toLowerCase();
    let p = createdSchemas.get(key);
    if (!p) {
      p = conn.execute(o.adapter.dialect.createSchema(rel.database, rel.schema)).then(() => undefined);
      createdSchemas.set(key, p);
    }
    return p;
  };
  const remember = async (conn: Connection, rel: Relation, info: RelationInfo | undefined) => {
    const m = await describe(conn, rel);
    if (info) m.set(rel.identifier.toLowerCase(), info);
    else m.delete(rel.identifier.toLowerCase());
  };

  const pending = new Set(selected);
  const running = new Map<string, Promise<void>>();
  let stop = false;

  const finish = (r: NodeResult) => {
    results.set(r.uniqueId, r);
    for (const d of dependents.get(r.uniqueId) ?? []) {
      const left = waiting.get(d)! - 1;
      waiting.set(d, left);
      if (left === 0 && pending.has(d)) newlyReady.push(d);
    }
    index++;
    o.onEvent({ type: 'node_finish', result: r, index, total });
    if (o.failFast && (r.status === 'error' || r.status === 'fail')) stop = true;
  };

  const execNode = async (id: string): Promise<void> => {
    const node = nodes.get(id)!;
    const startedAt = new Date();
    const base = {
      uniqueId: id,
      name: node.name,
      resourceType: node.resourceType,
      threadId: `Thread-${(started % Math.max(1, o.threads)) + 1}`,
      materialized: typeof node.config.materialized === 'string' ? node.config.materialized : undefined,
    };
    started++;
    o.onEvent({ type: 'node_start', uniqueId: id, name: node.name, resourceType: node.resourceType, index: started, total, materialized: base.materialized });
    const done = (status: NodeStatus, message: string, extra: Partial<NodeResult> = {}) => {
      const completedAt = new Date();
      finish({
        ...base,
        status,
        message: redact(message, o.secrets),
        executionTime: (completedAt.getTime() - startedAt.getTime()) / 1000,
        startedAt: startedAt.toISOString(),
        completedAt: completedAt.toISOString(),
        ...extra,
      });
    };
    const isWrite = node.resourceType !== 'test' && node.resourceType !== 'unit_test';
    const release = isWrite && writeLock ? await writeLock.lock() : undefined;
    let conn: Connection | undefined;
    const executed: string[] = [];
    try {
      if (o.signal?.aborted) return done('cancelled', 'Cancelled before it started');
      conn = await o.session.acquire({ config: node.config });
      const c = files.overlapping(conn);
      const exec = async (sql: string) => {
        executed.push(sql);
        return c.execute(sql);
      };
      const runSteps = async (steps: Step[]) => {
        for (const s of steps) {
          if (s.kind === 'sql') await exec(s.sql);
          else await inTransaction(c, o, s.statements, executed);
        }
      };
      const executor = EXECUTORS[node.resourceType];
      if (!executor) return done('skipped', `${node.resourceType} nodes are not executed by this command`);
      const nctx: NodeContext = {
        o,
        plan: ctx,
        conn: c,
        executed,
        exec,
        runSteps,
        ensureSchema: (rel) => ensureSchema(c, rel),
        describe: (rel) => describe(c, rel),
        remember: (rel, info) => remember(c, rel, info),
        writeLock,
      };
      const r = await executor(node, nctx);
      return done(r.status, r.message, r);

    } catch (e) {
      writeRunSql(o, node, executed);
      const msg = e instanceof Error ? e.message : String(e);
      const path = 'compiledCode' in node ? compiledPathOf(o, node) : undefined;
      if (o.signal?.aborted) return done('cancelled', `Cancelled: ${msg}`, { compiledPath: path });
      return done('error', msg, { compiledPath: path });
    } finally {
      if (conn) o.session.release(conn);
      release?.();
    }
  };


  while (pending.size || running.size) {
    if (o.signal?.aborted || stop) {
      for (const id of pending) {
        const node = nodes.get(id)!;
        const now = new Date().toISOString();
        finish({ uniqueId: id, name: node.name, resourceType: node.resourceType, status: o.signal?.aborted ? 'cancelled' : 'skipped', message: o.signal?.aborted ? 'Run interrupted' : 'Skipped after --fail-fast', executionTime: 0, startedAt: now, completedAt: now, threadId: 'main' });
      }
      pending.clear();
      if (running.size) await Promise.allSettled(running.values());
      break;
    }
    for (const id of newlyReady) queue.push(id);
    newlyReady = [];
    while (queue.size && running.size < Math.max(1, o.threads)) {
      const id = queue.pop()!;
      pending.delete(id);
      const bad = (deps.get(id) ?? []).find((d) => BAD.has(results.get(d)!.status) && !(results.get(d)!.status === 'fail' && !gates(nodes.get(d)!, o)));
      if (bad) {
        const node = nodes.get(id)!;
        const now = new Date().toISOString();
        const upstream = nodes.get(bad)!;
        finish({ uniqueId: id, name: node.name, resourceType: node.resourceType, status: 'skipped', message: `Skipped because ${upstream.name} ${results.get(bad)!.status === 'fail' ? 'failed its test' : results.get(bad)!.status}`, executionTime: 0, startedAt: now, completedAt: now, threadId: 'main' });
        continue;
      }
      const p = execNode(id).finally(() => running.delete(id));
      running.set(id, p);
    }
    if (running.size) await Promise.race(running.values());
    else if (pending.size && !queue.size && !newlyReady.length) {
      // Only possible with a dependency cycle, which compile already rejects.
      throw new Error(`Cannot order: ${[...pending].join(', ')}`);
    }
  }
  return results;
}

function gates(n: GraphNode, o: RunnerOptions): boolean {
  return n.resourceType !== 'test' || (o.testsGateChildren && String(n.config.severity ?? 'error').toLowerCase() !== 'warn');
}

/** In `build`, a child waits for the tests of its parents, unless that test itself depends on the child. */
function addTestGates(o: RunnerOptions, deps: Map<string, string[]>): void {
  const { compiled, graph, selected } = o;
  const testsOf = new Map<string, string[]>();
  for (const id of selected) {
    const n = compiled.nodes.get(id)!;
    if (n.resourceType !== 'test') continue;
    for (const p of n.dependsOn.nodes) {
      if (!testsOf.has(p)) testsOf.set(p, []);
      testsOf.get(p)!.push(id);
    }
  }
  const ancCache = new Map<string, Set<string>>();
  for (const id of selected) {
    const n = compiled.nodes.get(id)!;
    if (n.resourceType === 'test') continue;
    const list = deps.get(id)!;
    for (const parent of [...list]) {
      for (const t of testsOf.get(parent) ?? []) {
        let anc = ancCache.get(t);
        if (!anc) {
          anc = ancestors(graph, t);
          ancCache.set(t, anc);
        }
        if (!anc.has(id) && !list.includes(t)) list.push(t);
      }
    }
  }
}


async function inTransaction(conn: Connection, o: RunnerOptions, statements: string[], executed: string[]): Promise<void> {
  const d = o.adapter.dialect;
  executed.push(d.beginTransaction());
  await conn.execute(d.beginTransaction());
  try {
    for (const s of statements) {
      executed.push(s);
      await conn.execute(s);
    }
    executed.push(d.commit());
    await conn.execute(d.commit());
  } catch (e) {
    try {
      await conn.execute(d.rollback());
    } catch {
      // The transaction may already be aborted by the failure; nothing more to undo.
    }
    throw e;
  }
}





