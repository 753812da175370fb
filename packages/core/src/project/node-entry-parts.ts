import type { GraphNode, ModelNode, SourceNode, TestNode } from '../types.ts';
import { freshnessShape } from './freshness-shape.ts';

/**
 * A node's `unrendered_config` as dbt 1.11 writes it in manifest.json and gives it in `graph`: a
 * dict update, in order, of the project file's levels for the node as written (`+tags: "{{
 * target.name }}"` kept), its YAML `config:` (rendered, as dbt passes it), its `config()` calls
 * (their values as given), and for a package's node the root project's levels as written. Keys
 * replace, never merge.
 */
export function unrenderedConfigOf(n: Pick<GraphNode, 'unrenderedConfig' | 'configCall' | 'unrenderedRootConfig'>): Record<string, unknown> {
  return { ...n.unrenderedConfig, ...n.configCall, ...n.unrenderedRootConfig };
}

/** Each model's generic tests that carry a test_metadata, by the model they are attached to. */
export function testsByModel(nodes: Iterable<GraphNode>): Map<string, TestNode[]> {
  const testsOf = new Map<string, TestNode[]>();
  for (const n of nodes) if (n.resourceType === 'test' && n.testMetadata && n.attachedNode) (testsOf.get(n.attachedNode) ?? testsOf.set(n.attachedNode, []).get(n.attachedNode)!).push(n);
  return testsOf;
}

/**
 * The primary key dbt 1.11 infers for a model: a column with a primary_key constraint; else the
 * columns that have both a unique and a not_null test; else those with a unique test
 * (`unique_combination_of_columns` counting for each of its columns). Sorted, where dbt lists
 * them in the order of a Python set.
 */
export function primaryKey(n: ModelNode, testsOf: ReadonlyMap<string, TestNode[]>): string[] {
  for (const col of Object.values(n.columns)) if (col.constraints?.some((c) => c.type === 'primary_key')) return [col.name];
  const unique = new Set<string>();
  const notNull = new Set<string>();
  for (const t of testsOf.get(n.uniqueId) ?? []) {
    const k = t.testMetadata!.kwargs;
    const cols = typeof k.column_name === 'string' ? [k.column_name] : Array.isArray(k.combination_of_columns) ? k.combination_of_columns.map(String) : [];
    const name = t.testMetadata!.name;
    for (const c of cols) {
      if (name === 'unique' || name === 'unique_combination_of_columns') unique.add(c);
      else if (name === 'not_null') notNull.add(c);
    }
  }
  const both = [...notNull].filter((c) => unique.has(c));
  return (both.length ? both : [...unique]).sort();
}

/** A source's `unrendered_config` as dbt 1.11 gives it: its own, its freshness and loaded-at settings, its meta. */
export function sourceUnrenderedConfig(n: SourceNode, config: Record<string, unknown>, meta: unknown): Record<string, unknown> {
  return {
    ...n.unrenderedConfig,
    ...(n.freshness !== undefined && n.freshness !== null ? { freshness: freshnessShape(n.freshness) } : {}),
    loaded_at_field: n.loadedAtField ?? null,
    loaded_at_query: config.loaded_at_query ?? null,
    // The YAML's meta as written: the project file's +meta is merged into the node's, not into its unrendered config (dbt 1.11).
    meta: n.yamlMeta ?? meta,
  };
}

/** A source's `quoting` as dbt lists it: what the YAML set, the rest null. */
export function sourceQuoting(n: SourceNode): Record<string, boolean | null> {
  const q = n.quoting ?? {};
  return { database: q.database ?? null, schema: q.schema ?? null, identifier: q.identifier ?? null, column: q.column ?? null };
}
