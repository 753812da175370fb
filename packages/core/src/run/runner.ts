import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Adapter, AdapterSession, ColumnDef, Connection, Relation, RelationInfo } from '../adapter.ts';
import type { Dag } from '../graph/build-graph.ts';
import { ancestors } from '../graph/build-graph.ts';
import { isIncrementalRun, planIncrementalApply, planIncrementalStage, planTable, planView, type PlanContext, type Step } from '../plan/plan.ts';
import { readSeed } from '../plan/seed-csv.ts';
import { testResultSql } from '../plan/test-sql.ts';
import type { CompiledProject, ProjectRenderer } from '../render/render-project.ts';
import type { GraphNode, ModelNode, SeedNode, TestNode } from '../types.ts';
import { isModelLike } from '../types.ts';
import type { EventSink, NodeResult, NodeStatus } from './events.ts';
import { Mutex } from './mutex.ts';
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

const BAD: ReadonlySet<NodeStatus> = new Set(['error', 'skipped', 'fail', 'cancelled']);

/** Execute selected nodes over the DAG. Outcomes are statuses, never exceptions. */
export async function runNodes(o: RunnerOptions): Promise<NodeResult[]> {
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
  const results = new Map<string, NodeResult>();
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
    const isWrite = node.resourceType !== 'test';
    const release = isWrite && writeLock ? await writeLock.lock() : undefined;
    let conn: Connection | undefined;
    const executed: string[] = [];
    try {
      if (o.signal?.aborted) return done('cancelled', 'Cancelled before it started');
      conn = await o.session.acquire();
      const exec = async (sql: string) => {
        executed.push(sql);
        return conn!.execute(sql);
      };
      const runSteps = async (steps: Step[]) => {
        for (const s of steps) {
          if (s.kind === 'sql') await exec(s.sql);
          else await inTransaction(conn!, o, s.statements, executed);
        }
      };
      if (node.resourceType === 'seed') {
        const n = await runSeed(node, conn, o, ctx, ensureSchema, describe, executed);
        await remember(conn, node.relation, { schema: node.relation.schema, identifier: node.relation.identifier, kind: 'table', columns: [] });
        writeRunSql(o, node, executed);
        return done('success', `INSERT ${n}`, { rowsAffected: n, relationName: o.adapter.dialect.relationName(node.relation) });
      }
      if (node.resourceType === 'test') {
        const sql = (node as TestNode).compiledCode ?? '';
        const path = writeCompiled(o, node, sql);
        const res = await exec(testResultSql(node as TestNode, sql));
        const row = res.rows[0] ?? {};
        const failures = Number(row.failures ?? 0);
        const severity = String(node.config.severity ?? 'error').toLowerCase();
        let status: NodeStatus = 'pass';
        if (severity !== 'warn' && truthy(row.should_error)) status = 'fail';
        else if (truthy(row.should_warn)) status = 'warn';
        let storedIn: string | undefined;
        if ((o.storeFailures || node.config.store_failures === true) && failures > 0) {
          storedIn = await storeFailures(node as TestNode, sql, conn, o, ensureSchema, writeLock);
        }
        writeRunSql(o, node, executed);
        const msg = status === 'pass' ? 'PASS' : `Got ${failures} result${failures === 1 ? '' : 's'}, configured to ${status === 'warn' ? 'warn' : 'fail'} if ${String(node.config.error_if ?? '!= 0')}`;
        return done(status, msg, { failures, compiledPath: path, compiledCode: sql, storedFailuresIn: storedIn });
      }
      if (isModelLike(node)) {
        const m = node as ModelNode;
        const mat = String(m.config.materialized);
        if (mat === 'ephemeral') return done('success', 'ephemeral: inlined where referenced');
        await ensureSchema(conn, m.relation);
        const existing = (await describe(conn, m.relation)).get(m.relation.identifier.toLowerCase());
        let sql = m.compiledCode ?? '';
        const incremental = isIncrementalRun(m, existing, ctx);
        if (incremental) sql = o.renderer.renderModelSql(m);
        const path = writeCompiled(o, m, sql);
        let rows: number | undefined;
        if (mat === 'view') {
          await runSteps(planView(m, sql, existing, ctx));
          await remember(conn, m.relation, { schema: m.relation.schema, identifier: m.relation.identifier, kind: 'view', columns: [] });
        } else if (mat === 'table' || (mat === 'incremental' && !incremental)) {
          await runSteps(planTable(m, sql, existing, ctx));
          await remember(conn, m.relation, { schema: m.relation.schema, identifier: m.relation.identifier, kind: 'table', columns: [] });
        } else if (mat === 'incremental') {
          const stage = planIncrementalStage(m, sql, ctx);
          await runSteps(stage.steps);
          const incoming = await columnsOf(conn, o, stage.staged);
          const current = existing!.columns.length ? existing!.columns : await columnsOf(conn, o, m.relation);
          const before = await countRows(conn, o, m.relation);
          await runSteps(planIncrementalApply(m, stage.staged, current, incoming, ctx));
          rows = (await countRows(conn, o, m.relation)) - before;
          await remember(conn, m.relation, undefined);
        } else {
          throw new Error(`Unknown materialization "${mat}" on ${m.name}. Use view, table, incremental or ephemeral.`);
        }
        writeRunSql(o, m, executed);
        return done('success', rows !== undefined ? `+${rows} rows` : mat === 'view' ? 'CREATE VIEW' : 'CREATE TABLE', {
          relationName: o.adapter.dialect.relationName(m.relation),
          compiledPath: path,
          compiledCode: sql,
          rowsAffected: rows,
        });
      }
      return done('skipped', `${node.resourceType} nodes are not executed by this command`);
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

  const ready = () =>
    [...pending].filter((id) => (deps.get(id) ?? []).every((d) => results.has(d))).sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
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
    for (const id of ready()) {
      if (running.size >= Math.max(1, o.threads)) break;
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
    else if (pending.size && !ready().length) {
      // Only possible with a dependency cycle, which compile already rejects.
      throw new Error(`Cannot order: ${[...pending].join(', ')}`);
    }
  }
  return [...results.values()];
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

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === 1n || v === 'true';
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

async function columnsOf(conn: Connection, o: RunnerOptions, rel: Relation): Promise<readonly ColumnDef[]> {
  const list = await conn.describe(rel.schema, rel.database);
  const found = list.find((r) => r.identifier.toLowerCase() === rel.identifier.toLowerCase());
  if (!found) throw new Error(`Relation ${o.adapter.dialect.relationName(rel)} not found after it was created`);
  return found.columns;
}

async function countRows(conn: Connection, o: RunnerOptions, rel: Relation): Promise<number> {
  const r = await conn.execute(`select count(*) as n from ${o.adapter.dialect.relationName(rel)}`);
  return Number(r.rows[0]?.n ?? 0);
}

async function runSeed(
  node: SeedNode,
  conn: Connection,
  o: RunnerOptions,
  ctx: PlanContext,
  ensureSchema: (c: Connection, r: Relation) => Promise<void>,
  describe: (c: Connection, r: Relation) => Promise<Map<string, RelationInfo>>,
  executed: string[],
): Promise<number> {
  const d = o.adapter.dialect;
  const types = (node.config.column_types ?? {}) as Record<string, string>;
  const seed = readSeed(node.seedPath, node.originalFilePath, types);
  await ensureSchema(conn, node.relation);
  const existing = (await describe(conn, node.relation)).get(node.relation.identifier.toLowerCase());
  const load = async (rel: Relation) => {
    const create = d.createTable(rel, seed.columns);
    executed.push(create);
    await conn.execute(create);
    if (!conn.append) throw new Error(`The ${o.adapter.type} adapter cannot bulk load seeds (no append)`);
    executed.push(`-- bulk append of ${seed.rows.length} rows into ${d.relationName(rel)}`);
    return conn.append(rel, seed.columns, seed.rows);
  };
  if (ctx.capabilities.supportsTransactionalDdl) {
    await conn.execute(d.beginTransaction());
    try {
      if (existing) await conn.execute(d.dropRelation(node.relation, existing.kind));
      const n = await load(node.relation);
      await conn.execute(d.commit());
      return n;
    } catch (e) {
      await conn.execute(d.rollback()).catch(() => undefined);
      throw e;
    }
  }
  const tmp = { ...node.relation, identifier: `${node.relation.identifier}__sm_tmp` };
  await conn.execute(d.dropRelation(tmp, 'table'));
  const n = await load(tmp);
  if (existing) await conn.execute(d.dropRelation(node.relation, existing.kind));
  await conn.execute(d.renameRelation(tmp, 'table', node.relation.identifier));
  return n;
}

async function storeFailures(
  node: TestNode,
  sql: string,
  conn: Connection,
  o: RunnerOptions,
  ensureSchema: (c: Connection, r: Relation) => Promise<void>,
  writeLock: Mutex | undefined,
): Promise<string> {
  const t = o.compiled.project.target;
  const schema = typeof node.config.schema === 'string' ? `${t.schema}_${node.config.schema}` : `${t.schema}_dbt_test__audit`;
  const rel: Relation = { database: t.database, schema, identifier: typeof node.config.alias === 'string' ? node.config.alias : node.name };
  const release = writeLock ? await writeLock.lock() : undefined;
  try {
    await ensureSchema(conn, rel);
    await conn.execute(o.adapter.dialect.createOrReplaceTableAs(rel, sql));
  } finally {
    release?.();
  }
  return o.adapter.dialect.relationName(rel);
}

function compiledPathOf(o: RunnerOptions, node: GraphNode): string {
  const project = o.compiled.project.config.name;
  const file = node.resourceType === 'test' && (node as TestNode).testMetadata ? `${node.originalFilePath}/${node.name}.sql` : node.originalFilePath;
  return join(o.compiled.project.config.targetPath, 'compiled', project, file);
}

function writeCompiled(o: RunnerOptions, node: GraphNode, sql: string): string {
  const rel = compiledPathOf(o, node);
  const abs = join(o.compiled.project.dir, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, `${redact(sql, o.secrets)}\n`);
  return rel;
}

function writeRunSql(o: RunnerOptions, node: GraphNode, statements: string[]): void {
  if (!statements.length) return;
  const rel = compiledPathOf(o, node).replace(/(^|\/)compiled\//, '$1run/');
  const abs = join(o.compiled.project.dir, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, `${redact(statements.join(';\n\n'), o.secrets)};\n`);
}
