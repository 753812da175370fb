import type { GraphNode, SemanticNode } from '../types.ts';

type Obj = Record<string, unknown>;

/** What a semantic node's entries read of the compiled project: a model's relation, the target's database. */
export interface SemanticContext {
  readonly nodes: ReadonlyMap<string, GraphNode>;
  readonly database: string | null;
  readonly relationName: (n: GraphNode) => string | undefined;
}

export const isSemantic = (n: GraphNode): n is SemanticNode => n.resourceType === 'semantic_model' || n.resourceType === 'metric' || n.resourceType === 'saved_query';

/** A model's relation as a semantic model's `node_relation` (dbt's NodeRelation). */
function nodeRelation(id: string | undefined, c: SemanticContext): Obj | null {
  const n = id ? c.nodes.get(id) : undefined;
  if (!n || !('relation' in n) || !n.relation) return null;
  return { alias: n.relation.identifier, schema_name: n.relation.schema, database: n.relation.database ?? c.database, relation_name: c.relationName(n) ?? null };
}

/** A semantic model's, metric's or saved query's manifest.json entry, as dbt 1.11 writes it. */
export function semanticEntry(n: SemanticNode, c: SemanticContext): Obj {
  const e: Obj = { ...n.entry, depends_on: { macros: [], nodes: [...n.dependsOn.nodes] } };
  if (n.resourceType === 'semantic_model') e.node_relation = nodeRelation(n.dependsOn.nodes[0], c);
  if (n.resourceType === 'saved_query') e.exports = (n.entry.exports as Obj[]).map((x) => ({ ...x, config: { ...(x.config as Obj), database: c.database } }));
  return e;
}

/** `keys` of `o` in that order, null where `o` has none (an element's `metadata`, which the manifest's entities and measures lack). */
const pick = (o: Obj, keys: readonly string[]): Obj => Object.fromEntries(keys.map((k) => [k, o[k] ?? null]));

/**
 * target/semantic_manifest.json, the file MetricFlow reads: dbt 1.11 writes it with every
 * manifest.json, from the same entries in dbt-semantic-interfaces' shape (its own key order and
 * keys), with the project's time spines: models configured with `time_spine:`, and the legacy
 * `metricflow_time_spine` model (its `date_day` column, day grain) when there are semantic
 * models and no configured spine stands for it.
 */
export function semanticManifest(entries: { semantic_models: Obj[]; metrics: Obj[]; saved_queries: Obj[] }, models: readonly GraphNode[], c: SemanticContext): Obj {
  const timeSpines: Obj[] = [];
  let legacy: Obj[] = [];
  for (const m of models) {
    if (m.resourceType !== 'model' || !m.timeSpine) continue;
    const spine = m.timeSpine as { standard_granularity_column?: string; custom_granularities?: { name: string; column_name?: string | null }[] };
    const col = Object.values(m.columns).find((x) => x.name === spine.standard_granularity_column);
    timeSpines.push({
      node_relation: nodeRelation(m.uniqueId, c),
      primary_column: { name: spine.standard_granularity_column ?? null, time_granularity: col?.granularity ?? null },
      custom_granularities: (spine.custom_granularities ?? []).map((g) => ({ name: g.name, column_name: g.column_name ?? null })),
    });
  }
  if (entries.semantic_models.length) {
    const spine = models.find((m) => m.resourceType === 'model' && m.name === 'metricflow_time_spine');
    if (spine && spine.resourceType === 'model' && !spine.timeSpine) legacy = [{ location: c.relationName(spine) ?? null, column_name: 'date_day', grain: 'day' }];
  }
  const element = {
    entities: ['name', 'description', 'type', 'role', 'expr', 'metadata', 'label', 'config'],
    measures: ['name', 'agg', 'description', 'create_metric', 'expr', 'agg_params', 'metadata', 'non_additive_dimension', 'agg_time_dimension', 'label', 'config'],
    dimensions: ['name', 'description', 'type', 'is_partition', 'type_params', 'expr', 'metadata', 'label', 'config'],
  } as const;
  const semanticModels = entries.semantic_models.map((e) => ({
    name: e.name, defaults: e.defaults, description: e.description, node_relation: e.node_relation, primary_entity: e.primary_entity,
    entities: (e.entities as Obj[]).map((x) => pick(x, element.entities)),
    measures: (e.measures as Obj[]).map((x) => pick(x, element.measures)),
    dimensions: (e.dimensions as Obj[]).map((x) => pick(x, element.dimensions)),
    label: e.label, metadata: null, config: { meta: (e.config as Obj).meta ?? {} },
  }));
  const metrics = entries.metrics.map((e) => {
    const tp = e.type_params as Obj;
    const cumulative = tp.cumulative_type_params as Obj | null;
    return {
      name: e.name, description: e.description, type: e.type,
      type_params: {
        ...pick(tp, ['measure', 'numerator', 'denominator', 'expr', 'window', 'grain_to_date', 'metrics', 'conversion_type_params']),
        cumulative_type_params: cumulative ? pick(cumulative, ['window', 'grain_to_date', 'period_agg']) : null,
        input_measures: tp.input_measures,
      },
      filter: e.filter, metadata: null, label: e.label, config: { meta: (e.config as Obj).meta ?? {} }, time_granularity: e.time_granularity,
    };
  });
  const savedQueries = entries.saved_queries.map((e) => {
    const q = e.query_params as Obj;
    return {
      name: e.name, query_params: pick(q, ['metrics', 'group_by', 'order_by', 'limit', 'where']), description: e.description, metadata: null, label: e.label,
      exports: (e.exports as Obj[]).map((x) => ({ name: x.name, config: pick(x.config as Obj, ['export_as', 'schema_name', 'alias']) })),
      tags: e.tags,
    };
  });
  return {
    semantic_models: semanticModels,
    metrics,
    project_configuration: {
      time_spine_table_configurations: legacy,
      metadata: null,
      dsi_package_version: { major_version: '0', minor_version: '9', patch_version: '0' },
      time_spines: timeSpines,
    },
    saved_queries: savedQueries,
  };
}
