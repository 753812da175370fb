import type { Dag } from '../graph/build-graph.ts';
import type { GraphNode, UnitTestNode } from '../types.ts';

/**
 * Unit tests run before the model they test: a unit test waits for the model's selected
 * parents (whose columns type its mocked inputs), and the model waits for its unit tests,
 * so a failing unit test skips the model and what depends on it.
 */
export function addUnitTestGates(nodes: ReadonlyMap<string, GraphNode>, graph: Dag, selected: ReadonlySet<string>, deps: Map<string, string[]>): void {
  for (const id of selected) {
    const u = nodes.get(id);
    if (u?.resourceType !== 'unit_test') continue;
    const modelId = (u as UnitTestNode).dependsOn.nodes[0];
    if (!modelId) continue;
    deps.set(id, (graph.predecessors(modelId) ?? []).filter((p: string) => selected.has(p)));
    if (selected.has(modelId)) {
      const list = deps.get(modelId) ?? [];
      if (!list.includes(id)) list.push(id);
      deps.set(modelId, list);
    }
  }
}
