import type { Dag } from '../graph/build-graph.ts';
import type { GraphNode, UnitTestNode } from '../types.ts';

/**
 * Unit tests run before the model they test: a unit test waits for what the model waits for
 * (`deps`: its selected parents, through ephemeral models; whose columns type its mocked inputs), and the model waits for its unit tests,
 * so a failing unit test skips the model and what depends on it. When the model is selected
 * too (`build`), its unit tests run one after another, as dbt's build runs them in the model's
 * turn: once one fails or errors, the rest are skipped (dbt's order is its set's; sm's is by id).
 */
export function addUnitTestGates(nodes: ReadonlyMap<string, GraphNode>, graph: Dag, selected: ReadonlySet<string>, deps: Map<string, string[]>): void {
  const byModel = new Map<string, string[]>();
  // What each selected model waits for before its unit tests are added (through ephemeral models, as the runner resolves them).
  const own = new Map<string, string[]>();
  for (const id of selected) {
    const u = nodes.get(id);
    if (u?.resourceType !== 'unit_test') continue;
    const modelId = (u as UnitTestNode).dependsOn.nodes[0];
    if (!modelId) continue;
    if (selected.has(modelId) && !own.has(modelId)) own.set(modelId, [...(deps.get(modelId) ?? [])]);
    deps.set(id, selected.has(modelId) ? [...own.get(modelId)!] : (graph.predecessors(modelId) ?? []).filter((p: string) => selected.has(p)));
    if (selected.has(modelId)) {
      const list = deps.get(modelId) ?? [];
      if (!list.includes(id)) list.push(id);
      deps.set(modelId, list);
      let mine = byModel.get(modelId);
      if (!mine) byModel.set(modelId, (mine = []));
      mine.push(id);
    }
  }
  for (const ids of byModel.values()) {
    ids.sort();
    for (let i = 1; i < ids.length; i++) deps.get(ids[i]!)!.push(ids[i - 1]!);
  }
}
