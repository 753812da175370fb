import type { Relation } from '../adapter.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { dbtAttachedNode, type ColumnInfo, type GraphNode, type TestNode } from '../types.ts';
import { addDbtGraphKeys, type GraphKeysHost } from './graph-entry-keys.ts';
import { testsByModel } from '../project/node-entry-parts.ts';
import type { MacroNamespaces } from './macro-namespaces.ts';
import type { ParseLike } from './parse-like.ts';
import { exposureEntry } from '../project/exposure-entry.ts';
import { freshnessShape, sourceConfigShape } from '../project/freshness-shape.ts';
import { checksumOf, columnShape, contractOf, dbtConfigShape, rawCodeOf, versionValue } from '../project/node-config-shape.ts';
import { manifestPathOf, testMetadataShape, testRelation } from '../project/test-nodes.ts';
import { packageRelativePaths } from '../project/package-paths.ts';
import { hookNodes } from '../project/hook-nodes.ts';

/** The collections dbt's `graph` holds; any other key is a package's own (elementary keeps its cache there). */
export const GRAPH_COLLECTIONS: ReadonlySet<string> = new Set(['nodes', 'sources', 'exposures', 'metrics', 'groups', 'semantic_models', 'saved_queries', 'unit_tests', 'macros']);

/**
 * dbt's `graph` context variable: `graph.nodes` (models, seeds, snapshots, tests, the hooks'
 * operation nodes), `graph.sources`, `graph.exposures`, `graph.macros` and the empty collections dbt has, each
 * entry in the manifest's shape (unique_id, resource_type, package_name, config, depends_on,
 * database/schema/alias, columns, ...). Nodes rendered when it is first read carry their final
 * config; the others their config as loaded (dbt's graph at compile has every final config:
 * a difference only for in-file config() calls of nodes not rendered yet).
 */
export function graphContext(
  p: LoadedProject,
  macros: MacroNamespaces,
  rendered: (id: string) => GraphNode | undefined,
  relationOf: (n: GraphNode) => Relation,
  defaultDatabase: string | undefined,
  parseLike: (id: string) => ParseLike = () => ({ macros: [], nodes: [], refs: [], sources: [] }),
  relationName?: (n: GraphNode) => string | undefined,
): Record<string, unknown> {
  const entry = graphEntries(p, rendered, relationOf, defaultDatabase, parseLike, relationName);
  const nodes: Record<string, unknown> = {};
  for (const n of [...p.models, ...p.seeds, ...p.tests]) nodes[n.uniqueId] = entry(n);
  // The project's and its packages' on-run-start/end hooks, as parse lists them (dbt_project_evaluator counts them among the nodes).
  Object.assign(nodes, hookNodes(p, defaultDatabase, (id) => parseLike(id).macros, false));
  const sources: Record<string, unknown> = {};
  for (const s of p.sources) sources[s.uniqueId] = entry(s);
  const exposures: Record<string, unknown> = {};
  // As the manifest lists them (owner, type, url, maturity...; dbt_project_evaluator reads node.owner.name).
  for (const x of p.exposures) exposures[x.uniqueId] = exposureEntry(x);
  const macroEntries: Record<string, unknown> = {};
  for (const m of macros.entries) macroEntries[m.uniqueId] = { unique_id: m.uniqueId, name: m.name, resource_type: 'macro', package_name: m.packageName, original_file_path: m.originalFilePath, macro_sql: m.macroSql };
  // Semantic models, metrics and saved queries as the manifest lists them (a semantic model's node_relation is known once compiled: null here).
  const semantic: Record<string, Record<string, unknown>> = { semantic_model: {}, metric: {}, saved_query: {} };
  for (const n of p.semantic ?? []) semantic[n.resourceType]![n.uniqueId] = { ...n.entry, depends_on: { macros: [], nodes: [...n.dependsOn.nodes] } };
  return { nodes, sources, exposures, metrics: semantic.metric, groups: {}, semantic_models: semantic.semantic_model, saved_queries: semantic.saved_query, unit_tests: {}, macros: macroEntries };
}

/**
 * One node's entry in dbt's `graph`, in the manifest's shape: `graph.nodes[id]`, and the node
 * of a result in on-run-end's `results`.
 */
export function graphEntries(
  p: LoadedProject,
  rendered: (id: string) => GraphNode | undefined,
  relationOf: (n: GraphNode) => Relation,
  defaultDatabase: string | undefined,
  parseLike: (id: string) => ParseLike = () => ({ macros: [], nodes: [], refs: [], sources: [] }),
  relationName?: (n: GraphNode) => string | undefined,
  /** The tests (a model's primary_key reads its unique and not_null ones): the loaded project's, or a run's nodes after a warm compile. */
  tests: () => Iterable<GraphNode> = () => p.tests.map((t) => rendered(t.uniqueId) ?? t),
): (n: GraphNode) => Record<string, unknown> {
  const columns = (c: Record<string, ColumnInfo>) => Object.fromEntries(Object.values(c).map((x) => [x.name, columnShape(x.name, x)]));
  // dbt names a package's files relative to the package, as in the manifest.
  const inPackage = packageRelativePaths(p.dir, p.packages);
  let testsOf: ReadonlyMap<string, TestNode[]> | undefined;
  const keysHost: GraphKeysHost = {
    rootPath: (pkg) => p.packages.find((x) => x.name === pkg)?.dir ?? p.dir,
    testsOf: () => (testsOf ??= testsByModel(tests())),
  };
  return (loaded: GraphNode): Record<string, unknown> => {
    const n = rendered(loaded.uniqueId) ?? loaded;
    const rel = 'relation' in n && n.relation && n.resourceType !== 'source' && n.resourceType !== 'test' ? (rendered(n.uniqueId) ? n.relation : relationOf(n)) : undefined;
    // What dbt's parse records, read from the text: the macros for every node (a render records
    // what ran with execute true, without its hooks'), refs and parents for one not rendered yet
    // (a test's as loaded are the node it tests alone: its arguments' refs are found by rendering).
    const parsed = n.resourceType === 'model' || n.resourceType === 'snapshot' || n.resourceType === 'test' ? parseLike(n.uniqueId) : undefined;
    const unrendered = parsed && !rendered(loaded.uniqueId) && (n.resourceType === 'test' || !n.dependsOn.nodes.length) ? parsed : undefined;
    const base: Record<string, unknown> = {
      unique_id: n.uniqueId,
      name: n.name,
      resource_type: n.resourceType,
      package_name: n.packageName,
      // A generic test's path is its file name, as in the manifest.
      path: inPackage(n.packageName, manifestPathOf(n)),
      original_file_path: inPackage(n.packageName, n.originalFilePath),
      fqn: n.fqn,
      description: n.description,
      tags: n.tags,
      meta: n.meta,
      // As the manifest gives it: dbt_project_evaluator reads node.config.enabled and .on_schema_change.
      config: dbtConfigShape(n.resourceType, { tags: n.tags, meta: n.meta, ...n.config }),
      columns: columns(n.columns),
      depends_on: { macros: parsed?.macros ?? [], nodes: unrendered?.nodes ?? n.dependsOn.nodes },
      // As the manifest gives it: `<package>://<path in the package>`.
      patch_path: n.patchPath ? `${n.packageName}://${inPackage(n.packageName, n.patchPath)}` : null,
    };
    // A model's own attributes dbt always has (dbt_project_evaluator reads them).
    if (n.resourceType === 'model') {
      Object.assign(base, {
        access: typeof n.config.access === 'string' ? n.config.access : 'protected',
        group: n.config.group ?? null,
        version: versionValue(n.version),
        latest_version: versionValue(n.latestVersion),
        deprecation_date: n.deprecationDate ?? null,
        contract: contractOf(n),
        // dbt_project_evaluator rejects models whose time_spine is not none: undefined would not be.
        time_spine: n.timeSpine ?? null,
      });
    } else if (n.resourceType !== 'source') Object.assign(base, { group: typeof n.config.group === 'string' ? n.config.group : null });
    if (rel) Object.assign(base, { database: rel.database ?? defaultDatabase ?? null, schema: rel.schema, alias: rel.identifier });
    else if (n.resourceType === 'test') {
      const t = testRelation(n, p.target);
      Object.assign(base, { database: t.database ?? defaultDatabase ?? null, schema: t.schema, alias: t.identifier });
    }
    // As the manifest names it (none for an ephemeral, or a test that stores no failures).
    if (relationName) base.relation_name = relationName(rel ? ({ ...n, relation: rel } as GraphNode) : n) ?? null;
    // As the manifest gives it (dbt_artifacts uploads seed.checksum.checksum).
    if ('checksum' in n) base.checksum = checksumOf(n);
    if ('rawCode' in n) {
      const refs = unrendered?.refs ?? ('refs' in n ? n.refs.map((r) => r.name) : []);
      Object.assign(base, { raw_code: rawCodeOf(n), language: 'sql', refs: refs.map((name) => ({ name, package: null, version: null })), sources: unrendered?.sources ?? ('sources' in n ? n.sources : []) });
    }
    if (n.resourceType === 'test' && n.testMetadata) Object.assign(base, { test_metadata: testMetadataShape(n), column_name: n.columnName ?? null, attached_node: dbtAttachedNode(n) ?? null });
    if (n.resourceType === 'source') {
      Object.assign(base, {
        source_name: n.sourceName,
        identifier: n.identifier,
        database: n.relation.database ?? defaultDatabase ?? null,
        schema: n.relation.schema,
        loader: n.loader ?? '',
        source_description: n.sourceDescription ?? '',
        freshness: freshnessShape(n.freshness),
        loaded_at_field: n.loadedAtField ?? null,
        config: sourceConfigShape(base.config as Record<string, unknown>, n.freshness, n.loadedAtField),
      });
    }
    addDbtGraphKeys(n, base, keysHost);
    return base;
  };
}
