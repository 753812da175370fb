import type { GraphNode } from '../types.ts';

/**
 * A node's `unrendered_config` as dbt 1.11 writes it in manifest.json: a dict update, in order,
 * of the project file's levels for the node as written (`+tags: "{{ target.name }}"` kept), its
 * YAML `config:` (rendered, as dbt passes it), its `config()` calls (their values as given), and
 * for a package's node the root project's levels as written. Keys replace, never merge.
 */
export function unrenderedConfigOf(n: Pick<GraphNode, 'unrenderedConfig' | 'configCall' | 'unrenderedRootConfig'>): Record<string, unknown> {
  return { ...n.unrenderedConfig, ...n.configCall, ...n.unrenderedRootConfig };
}
