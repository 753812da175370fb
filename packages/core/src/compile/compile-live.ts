import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AdapterSession, Relation, RelationInfo } from '../adapter.ts';
import { invocationStart } from '../artifacts/invocation.ts';
import { diag, isSmProjectError, SmProjectError, type Diagnostic } from '../diagnostics.ts';
import { isMicrobatch } from '../plan/microbatch.ts';
import { wantsFullRefresh } from '../plan/full-refresh.ts';
import { isIncrementalRun } from '../plan/plan.ts';
import { incrementalSqlOf } from '../plan/incremental-sql.ts';
import { findRelation, schemaKey } from '../relation-lookup.ts';
import { redact } from '../util/redact.ts';
import { makeDirs } from '../util/make-dirs.ts';
import { writeFileAtomic } from '../util/write-json.ts';
import type { GraphNode, ModelNode } from '../types.ts';
import type { Compilation, InvocationOptions } from './compilation.ts';
import { targetDir } from './compile-shared.ts';
import { executionRenderer } from './execution-renderer.ts';
import { StoredNodeMap } from './stored-nodes.ts';
import { graphStore } from './stored-graph.ts';

/** The nodes compile writes SQL for. */
const WITH_SQL = new Set(['model', 'snapshot', 'analysis', 'test']);

/**
 * Whether a node's compiled SQL may differ with a warehouse: its template queries it, or it is an
 * incremental model (once its table exists). Nodes whose compile failed and Python models aside.
 */
export function mayAskWarehouse(n: GraphNode): boolean {
  if (!WITH_SQL.has(n.resourceType) || n.compileError !== undefined || ('pythonCode' in n && n.pythonCode !== undefined)) return false;
  return !!n.needsWarehouse || incrementalModel(n);
}

/** An incremental model that is not a microbatch one (compile renders no batch). */
const incrementalModel = (n: GraphNode): n is ModelNode => n.resourceType === 'model' && n.config.materialized === 'incremental' && !isMicrobatch(n);

/** What {@link compileLive} found: the SQL of each selected node that the warehouse changes, and warnings. */
export interface LiveSql {
  readonly sql: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * What dbt's compile renders with its connection and sm's compile, which needs none, rendered
 * without one: an incremental model whose table exists compiles to its incremental SQL
 * (`is_incremental()` true), and a template that queries the warehouse (`run_query`,
 * `statement`, `adapter.get_columns_in_relation`, `dbt_utils.star`...) is rendered again with a
 * connection. Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1: after `dbt run`, `dbt
 * compile` prints and writes (target/compiled, manifest.json, run_results.json) the
 * incremental SQL and the columns the warehouse gave; a `run_query` that fails stops it with
 * "Runtime Error in model d (models/d.sql)", exit 2, as does `--no-introspect` on such a
 * template. The warehouse is asked only when the selection holds such a node, and for
 * incremental models alone not while the adapter's state stamp says it is as when compile last
 * asked (`<target>/.sm/compile-live.json` keeps which tables each schema held). Where dbt fails
 * because it cannot connect, sm keeps what it rendered without a warehouse and warns.
 */
export async function compileLive(c: Compilation, opts: InvocationOptions, introspect: boolean): Promise<LiveSql> {
  // A warm start's store lists the candidates: reading every selected node to find them cost ~0.4 s on 10,000 models.
  const known = c.compiled.warehouseNodes;
  const knownSet = known && new Set(known);
  const chosen = knownSet ? (knownSet.size ? c.selected.filter((id) => knownSet.has(id)) : []) : c.selected;
  if (knownSet && c.compiled.nodes instanceof StoredNodeMap) c.compiled.nodes.prefetch(chosen);
  const nodes = chosen.flatMap((id) => {
    const n = c.compiled.nodes.get(id);
    return n && mayAskWarehouse(n) ? [n] : [];
  });
  const plan = { fullRefresh: !!opts.fullRefresh };
  const live = nodes.filter((n) => n.needsWarehouse || (incrementalModel(n) && !wantsFullRefresh(n, plan.fullRefresh)));
  if (!live.length) return { sql: new Map(), diagnostics: [] };
  if (!introspect) {
    const asking = live.filter((n) => n.needsWarehouse);
    if (asking.length) {
      throw new SmProjectError(asking.map((n) => diag('SM_TEMPLATE_RENDER', `Runtime Error in ${n.resourceType} ${n.name} (${n.originalFilePath}): its template queries the warehouse as it renders (run_query, statement, adapter...), which --no-introspect forbids`, { file: n.originalFilePath }, { nodeId: n.uniqueId, hint: 'Compile without --no-introspect, or leave the node out of the selection.' })));
    }
  }
  const where = { projectDir: c.project.dir };
  const asks = live.some((n) => n.needsWarehouse);
  // Nothing built yet (a DuckDB file not made): no incremental model's table exists, and only a template that queries needs the warehouse.
  if (!asks && c.adapter.holdsNothing?.(c.project.target, where)) return { sql: new Map(), diagnostics: [] };
  // Which tables each schema held when compile last asked, if the warehouse is as it was then (its state stamp).
  const d = c.adapter.dialect;
  const seenPath = join(targetDir(c.project), '.sm', 'compile-live.json');
  const stamp = c.adapter.stateStamp?.(c.project.target, where);
  const seen = stamp === undefined ? undefined : readSeen(seenPath, stamp);
  // Whether a node runs incrementally, given what its schema holds: as a run decides it (plan.ts).
  const runsIncrementally = (n: GraphNode, found: readonly RelationInfo[]): n is ModelNode => incrementalModel(n) && isIncrementalRun(n, findRelation(d, found, n.relation), plan);
  if (!asks && seen && live.every((n) => schemaKey(d, (n as ModelNode).relation) in seen)) {
    const out = new Map<string, string>();
    for (const n of live) {
      const rel = (n as ModelNode).relation;
      const found = seen[schemaKey(d, rel)]!.map((identifier) => ({ schema: rel.schema, identifier, kind: 'table' as const, columns: [] }));
      if (runsIncrementally(n, found)) out.set(n.uniqueId, incrementalSqlOf(n));
    }
    return { sql: out, diagnostics: [] };
  }
  let session: AdapterSession;
  try {
    session = await c.adapter.connect(c.project.target, where);
  } catch (e) {
    const why = redact(isSmProjectError(e) ? e.diagnostics.map((x) => x.message).join('; ') : e instanceof Error ? e.message : String(e), c.project.secrets).split('\n')[0];
    const names = live.map((n) => n.name);
    const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
    return {
      sql: new Map(),
      diagnostics: [diag('SM_COMPILE_OFFLINE', `Could not reach the warehouse of target "${c.project.target.name}" (${why}): ${shown} compiled as without one (is_incremental() false, queries in templates not run)`, undefined, { severity: 'warning', hint: 'dbt compile stops here; sm compiles the rest. Check the profile, or ignore this where no warehouse is meant to be reached.' })],
    };
  }
  const out = new Map<string, string>();
  const render = executionRenderer({
    load: { ...opts, deferred: c.project.deferred },
    dialect: d,
    invocationId: c.invocationId,
    // The invocation's, as the cold render read it (dbt's run_started_at is one value per invocation).
    runStartedAt: invocationStart(c.invocationId),
    flags: { WHICH: 'compile', FULL_REFRESH: !!opts.fullRefresh },
    cachePath: join(targetDir(c.project), '.sm', 'render-cache.json'),
    selectedResources: c.selected,
    project: c.project,
    reused: c.reused,
    graphStore: graphStore(targetDir(c.project), c.stableDigest, c.project.secrets),
  });
  // Each schema described once (one round trip), as a run describes it.
  const schemas = new Map<string, Promise<RelationInfo[]>>();
  const conn = await session.acquire();
  try {
    const inSchema = (rel: Relation) => {
      const key = schemaKey(d, rel);
      let p = schemas.get(key);
      if (!p) schemas.set(key, (p = conn.describe(rel.schema, rel.database, undefined, rel.quoted)));
      return p;
    };
    for (const n of live) {
      const isIncremental = incrementalModel(n) && runsIncrementally(n, await inSchema(n.relation));
      const compiled = (n as { compiledCode?: string }).compiledCode;
      let sql: string;
      try {
        sql = n.needsWarehouse ? await render({ node: n, incremental: isIncremental }, conn) : isIncremental ? incrementalSqlOf(n as ModelNode) : (compiled ?? '');
      } catch (e) {
        const message = redact(e instanceof Error ? e.message : String(e), c.project.secrets);
        throw new SmProjectError([diag('SM_TEMPLATE_RENDER', `Runtime Error in ${n.resourceType} ${n.name} (${n.originalFilePath}):\n  ${message.split('\n').join('\n  ')}`, { file: n.originalFilePath }, { nodeId: n.uniqueId, hint: 'dbt compile stops here too (exit 2): fix the query the template runs, or the relation it reads.' })]);
      }
      if (sql !== compiled) out.set(n.uniqueId, sql);
    }
  } finally {
    session.release(conn);
    await session.close();
  }
  // What was learnt, under the stamp the warehouse has now that the session is closed.
  const after = c.adapter.stateStamp?.(c.project.target, where);
  if (after !== undefined && schemas.size) {
    const tables: Record<string, string[]> = {};
    for (const [key, p] of schemas) tables[key] = (await p).filter((r) => r.kind === 'table').map((r) => r.identifier);
    writeSeen(seenPath, after, tables);
  }
  return { sql: out, diagnostics: [] };
}

/** The tables by schema key that {@link writeSeen} recorded under `stamp`; undefined under another stamp or none. */
function readSeen(path: string, stamp: string): Readonly<Record<string, readonly string[]>> | undefined {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as { stamp: string; tables: Record<string, string[]> };
    return r.stamp === stamp ? r.tables : undefined;
  } catch {
    return undefined;
  }
}

function writeSeen(path: string, stamp: string, tables: Record<string, string[]>): void {
  try {
    makeDirs(dirname(path));
    writeFileAtomic(path, JSON.stringify({ stamp, tables }));
  } catch {
    // Only a shortcut for the next compile: it asks the warehouse again.
  }
}
