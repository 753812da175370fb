import { Graph, alg } from '@dagrejs/graphlib';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { GraphNode } from '../types.ts';

export type Dag = Graph;

/** Edges point from a dependency to what depends on it. */
export function buildGraph(nodes: ReadonlyMap<string, GraphNode>): { graph: Dag; diagnostics: Diagnostic[] } {
  const graph = new Graph({ directed: true });
  for (const id of nodes.keys()) graph.setNode(id);
  for (const n of nodes.values()) {
    for (const dep of n.dependsOn.nodes) if (nodes.has(dep) && dep !== n.uniqueId) graph.setEdge(dep, n.uniqueId);
  }
  const diagnostics: Diagnostic[] = [];
  // Self-references and longer cycles alike: tarjan finds every strongly connected component.
  for (const n of nodes.values()) {
    if (n.dependsOn.nodes.includes(n.uniqueId)) {
      diagnostics.push(diag('SM_CYCLE', `Cycle: ${n.name} refers to itself`, { file: n.originalFilePath }, { nodeId: n.uniqueId, hint: 'Use {{ this }} to read the model\'s own relation (e.g. in incremental models), not ref() to itself.' }));
    }
  }
  for (const comp of alg.findCycles(graph)) {
    const ordered = orderCycle(graph, comp);
    const names = ordered.map((id) => nodes.get(id)?.name ?? id);
    const first = nodes.get(ordered[0]!);
    diagnostics.push(
      diag('SM_CYCLE', `Cycle between ${comp.length} nodes (each refers to the next): ${[...names, names[0]].join(" -> ")}`, first ? { file: first.originalFilePath } : undefined, {
        nodeId: ordered[0],
        hint: `Files: ${ordered.map((id) => nodes.get(id)?.originalFilePath).join(', ')}. Break the cycle by removing one of these ref() calls.`,
      }),
    );
  }
  return { graph, diagnostics };
}

/** Order a strongly connected component along its edges so the message reads as a path. */
function orderCycle(graph: Dag, comp: string[]): string[] {
  const set = new Set(comp);
  const start = [...comp].sort()[0]!;
  const path = [start];
  const seen = new Set(path);
  let cur = start;
  while (path.length < comp.length) {
    const next = (graph.predecessors(cur) ?? []).filter((s: string) => set.has(s) && !seen.has(s)).sort()[0];
    if (!next) break;
    path.push(next);
    seen.add(next);
    cur = next;
  }
  for (const id of comp) if (!seen.has(id)) path.push(id);
  return path;
}

export function ancestors(graph: Dag, id: string, depth = Infinity): Set<string> {
  return walk(graph, id, depth, (n) => graph.predecessors(n) ?? []);
}

export function descendants(graph: Dag, id: string, depth = Infinity): Set<string> {
  return walk(graph, id, depth, (n) => graph.successors(n) ?? []);
}

function walk(graph: Dag, id: string, depth: number, next: (n: string) => string[]): Set<string> {
  const out = new Set<string>();
  let frontier = [id];
  for (let d = 0; d < depth && frontier.length; d++) {
    const nf: string[] = [];
    for (const n of frontier) for (const m of next(n)) if (!out.has(m)) (out.add(m), nf.push(m));
    frontier = nf;
  }
  out.delete(id);
  return out;
}

/** Nodes in dependency order; ties broken by id so output is stable. */
export function topoOrder(graph: Dag, subset?: ReadonlySet<string>): string[] {
  const indeg = new Map<string, number>();
  const ids: string[] = subset ? [...subset] : graph.nodes();
  const inSet = new Set(ids);
  for (const id of ids) indeg.set(id, (graph.predecessors(id) ?? []).filter((p: string) => inSet.has(p)).length);
  const ready = ids.filter((id) => indeg.get(id) === 0).sort();
  const out: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    out.push(id);
    const newly: string[] = [];
    for (const s of graph.successors(id) ?? []) {
      if (!inSet.has(s)) continue;
      const d = indeg.get(s)! - 1;
      indeg.set(s, d);
      if (d === 0) newly.push(s);
    }
    if (newly.length) {
      ready.push(...newly);
      ready.sort();
    }
  }
  return out;
}
