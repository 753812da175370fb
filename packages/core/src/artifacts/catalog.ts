import type { AdapterSession, Dialect, Relation, RelationInfo } from '../adapter.ts';
import type { CompiledProject } from '../render/render-project.ts';
import type { GraphNode } from '../types.ts';
import type { CatalogArtifact, CatalogTable } from './artifact-types.ts';
import { artifactMetadata } from './manifest.ts';
import { defaultDatabaseOf } from '../render/relation.ts';
import { storeFailuresAs, testRelation } from '../project/test-nodes.ts';
import { findRelation, schemaKey } from '../relation-lookup.ts';

/**
 * Nodes that live in the warehouse as a relation: what the catalog describes (a data test: where
 * it stores its failures, when its config says it does; failures an earlier `--store-failures`
 * left are not its relation, as dbt 1.11's catalog leaves them out).
 */
function relationOf(n: GraphNode, target: { schema: string; database?: string | undefined }): Relation | undefined {
  if (n.resourceType === 'model' || n.resourceType === 'snapshot') return n.config.materialized === 'ephemeral' ? undefined : n.relation;
  if (n.resourceType === 'seed' || n.resourceType === 'source') return n.relation;
  if (n.resourceType === 'test') return storeFailuresAs(n, false) === 'table' || storeFailuresAs(n, false) === 'view' ? testRelation(n, target) : undefined;
  return undefined;
}

/**
 * target/catalog.json in dbt's catalog v1 shape: the warehouse's own column types for every
 * model, seed, snapshot and source that exists, and each data test's stored failures that do, from one `describe` per schema (never one per
 * relation). Relations not built yet are simply absent, as in dbt. With `only` (docs generate
 * --select), those nodes alone, as dbt 1.11 describes the selected nodes.
 */
export async function buildCatalog(compiled: CompiledProject, dialect: Dialect, session: AdapterSession, invocationId: string, only?: ReadonlySet<string>): Promise<CatalogArtifact> {
  const bySchema = new Map<string, { database: string | undefined; schema: string; quoted: Relation['quoted']; nodes: GraphNode[] }>();
  const target = compiled.project.target;
  for (const n of compiled.nodes.values()) {
    const rel = !only || only.has(n.uniqueId) ? relationOf(n, target) : undefined;
    if (!rel) continue;
    const key = schemaKey(dialect, rel);
    let entry = bySchema.get(key);
    if (!entry) bySchema.set(key, (entry = { database: rel.database, schema: rel.schema, quoted: rel.quoted, nodes: [] }));
    entry.nodes.push(n);
  }
  const nodes: Record<string, CatalogTable> = {};
  const sources: Record<string, CatalogTable> = {};
  const errors: string[] = [];
  // As in manifest.json: a relation in the target's own database names it (dbt-duckdb: the file's name).
  const ownDatabase = defaultDatabaseOf(dialect, compiled.project.target) ?? null;
  const conn = await session.acquire();
  try {
    for (const { database, schema, quoted, nodes: members } of bySchema.values()) {
      let found: RelationInfo[];
      try {
        found = await conn.describe(schema, database, undefined, quoted);
      } catch (e) {
        errors.push(`describe ${database ? `${database}.` : ''}${schema}: ${(e as Error).message}`);
        continue;
      }
      for (const n of members) {
        const rel = relationOf(n, target)!;
        const info = findRelation(dialect, found, rel);
        if (!info) continue;
        const table: CatalogTable = {
          metadata: { type: info.kind === 'view' ? 'VIEW' : 'BASE TABLE', schema: info.schema, name: info.identifier, database: rel.database ?? ownDatabase, comment: info.comments?.relation ?? null, owner: null },
          columns: Object.fromEntries(info.columns.map((c, i) => [c.name, { type: c.type, index: i + 1, name: c.name, comment: info.comments?.columns.get(c.name) ?? null }])),
          stats: { has_stats: { id: 'has_stats', label: 'Has Stats?', value: false, include: false, description: 'Indicates whether there are statistics for this table' } },
          unique_id: n.uniqueId,
        };
        (n.resourceType === 'source' ? sources : nodes)[n.uniqueId] = table;
      }
    }
  } finally {
    session.release(conn);
  }
  return {
    metadata: artifactMetadata('catalog/v1', invocationId),
    nodes: inWarehouseOrder(nodes),
    sources: inWarehouseOrder(sources),
    errors: errors.length ? errors : null,
  };
}

/**
 * Entries in the order dbt 1.11's catalog lists them: by schema, then relation name, as
 * dbt-duckdb's catalog query orders its rows (`order by table_schema, table_name`), code unit by
 * code unit. dbt-core 1.11.16 listed seed s, model t, model u (schema main), then a test's stored
 * failures (main_dbt_test__audit).
 */
function inWarehouseOrder(tables: Record<string, CatalogTable>): Record<string, CatalogTable> {
  const key = (t: CatalogTable) => [t.metadata.schema, t.metadata.name] as const;
  const before = (a: CatalogTable, b: CatalogTable) => {
    const [[s1, n1], [s2, n2]] = [key(a), key(b)];
    return s1 !== s2 ? (s1 < s2 ? -1 : 1) : n1 < n2 ? -1 : n1 > n2 ? 1 : 0;
  };
  return Object.fromEntries(Object.entries(tables).sort(([, a], [, b]) => before(a, b)));
}
