import { createHash } from 'node:crypto';
import { compiledPathOf, targetLayoutOf, type TargetLayout } from '../artifacts/target-paths.ts';
import type { CatalogArtifact } from '../artifacts/artifact-types.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { topoOrder, type Dag } from '../graph/build-graph.ts';
import type { CompiledProject } from '../render/render-project.ts';
import type { GraphNode, ModelNode } from '../types.ts';
import { isModelLike } from '../types.ts';
import type { CheckCache } from './check-cache.ts';
import { CHECK_VERSION } from './check-cache.ts';
import { checkSql } from './check-sql.ts';
import { fallbackShape, seedShape, sourceShape, withSnapshotColumns, type DeclaredShape } from './declared-shapes.ts';
import { documentedColumnIssues } from './documented-columns.ts';
import type { TableRef } from './infer/infer-env.ts';
import { originKey, type Shape } from './infer/shape.ts';
import { locateIssues } from './locate-issues.ts';
import type { NodeCheck } from './node-check.ts';
import { keyFnFor, RelationIndex, type KeyFn } from './relation-index.ts';
import type { SqlDialectName } from './sql/lexer.ts';
import { checkTest, NEEDS_WAREHOUSE } from './check-tests.ts';

const CHECKED_TYPES = new Set<string>(['source', 'seed', 'model', 'snapshot', 'test']);

export interface CheckOptions {
  readonly dialect: SqlDialectName;
  /** The last saved target/catalog.json: the warehouse's columns of sources (and of models the checker cannot read). */
  readonly catalog?: CatalogArtifact | undefined;
  readonly cache?: CheckCache | undefined;
  /** Check these nodes (their ancestors are inferred too, for their columns); default every node. */
  readonly only?: ReadonlySet<string> | undefined;
  /**
   * A digest of every input (project files, target, vars, catalog) when one is known: a cache
   * filled by a whole-project check with the same key answers without digesting each node.
   */
  readonly runKey?: string | undefined;
}

export interface CheckResult {
  readonly dialect: SqlDialectName;
  /** Every node inferred, in dependency order. */
  readonly nodes: ReadonlyMap<string, NodeCheck>;
  /** Problems of the nodes asked for. */
  readonly diagnostics: readonly Diagnostic[];
  /** Nodes asked for whose SQL the checker could not read. */
  readonly notChecked: readonly NodeCheck[];
  /** Nodes whose result came from the cache. */
  readonly cached: ReadonlySet<string>;
}

/**
 * Infer every node's output columns, their types and lineage, in dependency order, without a
 * warehouse; report what is wrong. Sources and seeds are declared; models, snapshots and tests
 * are read from their compiled SQL.
 */
export function checkProject(compiled: CompiledProject, graph: Dag, opts: CheckOptions): CheckResult {
  const dialect = opts.dialect;
  const key = keyFnFor(dialect);
  const nodes = compiled.nodes;
  // Built only when a node has to be read: an unchanged project is answered without touching any node.
  let index: RelationIndex | undefined;
  const lookup = (parts: Parameters<RelationIndex['lookup']>[0]) => (index ??= new RelationIndex(nodes.values(), key, compiled.project.target.schema, dialect)).lookup(parts);
  // The nodes asked for and, for their columns, every ancestor: one walk from all of them at once.
  let wanted: Set<string> | undefined;
  if (opts.only) {
    wanted = new Set(opts.only);
    const stack = [...wanted];
    while (stack.length) {
      for (const p of graph.predecessors(stack.pop()!) ?? []) {
        if (!wanted.has(p)) {
          wanted.add(p);
          stack.push(p);
        }
      }
    }
    if (wanted.size === graph.nodeCount()) wanted = undefined;
  }
  const order = topoOrder(graph, wanted);
  const results = new Map<string, NodeCheck>();
  const refShapes = new Map<string, Shape>();
  const cached = new Set<string>();

  /** A node's columns as a child sees them: each passes through from that node. */
  const refShape = (id: string): Shape | undefined => {
    const hit = refShapes.get(id);
    if (hit) return hit;
    const r = results.get(id);
    if (!r) return undefined;
    const s = asRef(id, r.shape);
    refShapes.set(id, s);
    return s;
  };
  /** Table names of `self`'s SQL; `selfShape`: what `{{ this }}` has (an incremental model's own columns), else it is unknown. */
  const tableRef = (self: string, selfShape?: Shape) => (parts: Parameters<RelationIndex['lookup']>[0]): TableRef | undefined => {
    const id = lookup(parts);
    if (!id) return undefined;
    const n = nodes.get(id)!;
    if (id === self) return selfShape ? { shape: asRef(id, selfShape), node: id, label: `{{ this }}` } : undefined;
    const shape = refShape(id);
    return shape ? { shape, node: id, label: n.resourceType === 'source' ? `source ${n.sourceName}.${n.name}` : n.name } : undefined;
  };

  // Unchanged inputs since the last whole-project check: every result stands as it was.
  const unchanged = !!opts.runKey && opts.cache?.runKey === opts.runKey;
  if (unchanged) {
    const all = fromCache(order, opts.cache!);
    if (all) return summary(dialect, all, opts.only, new Set(all.keys()));
  }
  for (const id of order) {
    const n = nodes.get(id);
    // Exposures and unit tests have no SQL of their own to check.
    if (!n || !CHECKED_TYPES.has(n.resourceType)) continue;
    const digest = unchanged && opts.cache!.has(id) ? undefined : digestOf(n, results, opts.catalog, dialect);
    const hit = opts.cache?.get(id, digest);
    if (hit) {
      results.set(id, hit);
      cached.add(id);
      continue;
    }
    const r = checkNode(n, digest ?? digestOf(n, results, opts.catalog, dialect), { dialect, key, catalog: opts.catalog, tableRef: tableRef(id), selfRef: (shape) => tableRef(id, shape), nodes, results, layout: targetLayoutOf(compiled.project) });
    results.set(id, r);
    opts.cache?.set(r);
  }
  return summary(dialect, results, opts.only, cached);
}

/** A node's columns as a reader sees them: each passes through from that node. */
function asRef(id: string, shape: Shape): Shape {
  return { cols: shape.cols.map((c) => ({ name: c.name, key: c.key, type: c.type, lineage: new Map([[originKey(id, c.name), true]]) })), open: shape.open, openOrigin: id };
}

/** Every result from the cache, by node id alone (its resource type is the id's first part); undefined if one is missing. */
function fromCache(order: readonly string[], cache: CheckCache): Map<string, NodeCheck> | undefined {
  const out = new Map<string, NodeCheck>();
  for (const id of order) {
    if (!CHECKED_TYPES.has(id.slice(0, id.indexOf('.')))) continue;
    const hit = cache.get(id, undefined);
    if (!hit) return undefined;
    out.set(id, hit);
  }
  return out;
}

function summary(dialect: SqlDialectName, results: Map<string, NodeCheck>, only: ReadonlySet<string> | undefined, cached: ReadonlySet<string>): CheckResult {
  const asked = only ?? new Set(results.keys());
  const diagnostics: Diagnostic[] = [];
  const notChecked: NodeCheck[] = [];
  for (const [id, r] of results) {
    if (!asked.has(id)) continue;
    diagnostics.push(...r.diagnostics);
    if (r.status === 'not_checked') notChecked.push(r);
  }
  return { dialect, nodes: results, diagnostics, notChecked, cached };
}

interface NodeCtx {
  readonly dialect: SqlDialectName;
  readonly key: KeyFn;
  readonly catalog: CatalogArtifact | undefined;
  readonly tableRef: (parts: Parameters<RelationIndex['lookup']>[0]) => TableRef | undefined;
  /** The same, where the node's own relation (`{{ this }}`) has `shape`. */
  readonly selfRef: (shape: Shape) => (parts: Parameters<RelationIndex['lookup']>[0]) => TableRef | undefined;
  readonly nodes: ReadonlyMap<string, GraphNode>;
  readonly results: ReadonlyMap<string, NodeCheck>;
  /** Where the node's compiled SQL is written, named in messages. */
  readonly layout: TargetLayout;
}

function checkNode(n: GraphNode, digest: string, x: NodeCtx): NodeCheck {
  const done = (d: DeclaredShape, status: NodeCheck['status'], diagnostics: Diagnostic[] = [], reason?: string): NodeCheck => ({
    id: n.uniqueId,
    status,
    reason,
    from: d.from,
    shape: d.shape,
    open: d.shape.open,
    diagnostics,
    digest,
    outDigest: shapeDigest(d.shape),
  });
  if (n.resourceType === 'source') return done(sourceShape(n, x.catalog?.sources[n.uniqueId], x.dialect, x.key), 'declared');
  if (n.resourceType === 'seed') return done(seedShape(n, x.dialect, x.key), 'declared');
  if (n.resourceType === 'test') {
    const t = checkTest(n, x.nodes, x.results, x.dialect, x.key, x.tableRef, compiledPathOf(x.layout, n));
    return done({ shape: { cols: [], open: true }, from: 'none' }, t.notChecked ? 'not_checked' : 'checked', t.diagnostics, t.notChecked);
  }
  if (!isModelLike(n)) return done({ shape: { cols: [], open: true }, from: 'none' }, 'not_checked', [], 'not SQL');
  const m = n as ModelNode;
  // A Python model's columns come from its YAML or the warehouse's catalog, as for SQL the checker cannot read.
  if (m.pythonCode !== undefined) return done(fallbackShape(m, x.catalog?.nodes[m.uniqueId], x.dialect, x.key), 'not_checked', [], 'a Python model: its columns are not inferred from its code');
  const sql = m.compiledCode ?? '';
  // Its SQL is made from the warehouse's answers (run_query, a relation's columns), which compile had not:
  // its columns are the saved catalog's when it has them, else what can be read of the SQL rendered without
  // the answers (kept for lineage, open); nothing in that SQL is reported.
  const saved = m.needsWarehouse ? x.catalog?.nodes[m.uniqueId] : undefined;
  if (saved) return done(fallbackShape(m, saved, x.dialect, x.key), 'not_checked', [], NEEDS_WAREHOUSE);
  const r = checkSql(sql, x.dialect, x.key, x.tableRef);
  if (m.needsWarehouse) {
    if (!r.shape) return done(fallbackShape(m, undefined, x.dialect, x.key), 'not_checked', [], NEEDS_WAREHOUSE);
    return done({ shape: { ...r.shape, open: true }, from: 'sql' }, 'not_checked', [], NEEDS_WAREHOUSE);
  }
  const compiledPath = compiledPathOf(x.layout, m);
  const diagnostics = locateIssues(r.issues, m, sql, compiledPath, r.injected);
  if (!r.shape) {
    return done(fallbackShape(m, x.catalog?.nodes[m.uniqueId], x.dialect, x.key), 'not_checked', diagnostics, r.notChecked?.reason);
  }
  let shape = r.shape;
  if (m.resourceType === 'snapshot') shape = withSnapshotColumns(m, shape, x.key);
  diagnostics.push(...incrementalIssues(m, sql, shape, compiledPath, x, diagnostics));
  diagnostics.push(...documentedColumnIssues(m, shape, x.dialect, x.key));
  return done({ shape, from: 'sql' }, 'checked', diagnostics);
}

/**
 * An incremental model's SQL as it runs incrementally (`is_incremental()` true), where
 * `{{ this }}` has the model's own columns: what only that branch reads is checked too. What it
 * shares with the full build is reported once.
 */
function incrementalIssues(m: ModelNode, full: string, shape: Shape, compiledPath: string, x: NodeCtx, already: readonly Diagnostic[]): Diagnostic[] {
  const sql = m.config.materialized === 'incremental' ? m.incrementalCode : undefined;
  if (!sql || sql === full) return [];
  const r = checkSql(sql, x.dialect, x.key, x.selfRef(shape));
  const seen = new Set(already.map((d) => `${d.code}\u0000${d.message}`));
  return locateIssues(r.issues, m, sql, `${compiledPath} (rendered with is_incremental() true)`, r.injected)
    .filter((d) => !seen.has(`${d.code}\u0000${d.message}`))
    .map((d) => ({ ...d, message: `${d.message} (when it runs incrementally)` }));
}

/** What a node's result depends on: its text and config, its parents' columns, the checker's version. */
function digestOf(n: GraphNode, results: ReadonlyMap<string, NodeCheck>, catalog: CatalogArtifact | undefined, dialect: SqlDialectName): string {
  const h = createHash('sha1');
  h.update(`${CHECK_VERSION}\u0000${dialect}\u0000${n.resourceType}\u0000`);
  if (n.resourceType === 'source') {
    h.update(JSON.stringify(n.columns));
    h.update(JSON.stringify(catalog?.sources[n.uniqueId]?.columns ?? null));
  } else if (n.resourceType === 'seed') {
    h.update(`${n.checksum}\u0000${JSON.stringify([n.config.column_types ?? null, n.config.delimiter ?? null])}`);
  } else {
    if ('compiledCode' in n) h.update(n.compiledCode ?? '');
    if ('incrementalCode' in n) h.update(`\u0000${n.incrementalCode ?? ''}`);
    h.update(JSON.stringify(n.columns));
    h.update(JSON.stringify([n.config.contract ?? null, n.resourceType === 'snapshot' ? n.config : null, n.patchPath ?? null, n.originalFilePath, 'rawCode' in n ? n.rawCode : '']));
    if (n.resourceType === 'test') h.update(JSON.stringify([n.testMetadata ?? null, n.columnName ?? null, n.attachedNode ?? null, n.declaredAt ?? null]));
    if (n.resourceType === 'model' || n.resourceType === 'snapshot') h.update(JSON.stringify(catalog?.nodes[n.uniqueId]?.columns ?? null));
  }
  for (const p of n.dependsOn.nodes) h.update(`\u0000${p}=${results.get(p)?.outDigest ?? ''}`);
  return h.digest('base64url').slice(0, 22);
}

function shapeDigest(s: Shape): string {
  const h = createHash('sha1');
  h.update(`${s.open ? 1 : 0}`);
  for (const c of s.cols) h.update(`\u0000${c.name}\u0001${c.key}\u0001${JSON.stringify(c.type)}`);
  return h.digest('base64url').slice(0, 22);
}
