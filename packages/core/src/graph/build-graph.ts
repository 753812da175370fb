import { diag, type Diagnostic } from '../diagnostics.ts';
import type { GraphNode } from '../types.ts';
import { MinHeap } from '../util/min-heap.ts';

/**
 * The dependency graph: plain adjacency lists, edges from a dependency to what depends on it.
 * Neighbour lists keep the order edges were added, so output built from them is stable.
 */
export class Dag {
  readonly #preds = new Map<string, string[]>();
  readonly #succs = new Map<string, string[]>();
  /** topoOrder of the whole graph, kept until the graph changes. */
  order: readonly string[] | undefined;
  /** A graph read from a store builds its lists when asked ({@link Dag.fromDependencies}). */
  #lazy: { ids: readonly string[]; at: ReadonlyMap<string, number>; depsOf: (i: number) => readonly string[]; succs: boolean } | undefined;

  setNode(id: string): void {
    this.#materialize();
    if (this.#preds.has(id)) return;
    this.order = undefined;
    this.#preds.set(id, []);
    this.#succs.set(id, []);
  }

  /** Add the edge from -> to once; both ends are added as nodes when new. */
  setEdge(from: string, to: string): void {
    this.setNode(from);
    this.setNode(to);
    const s = this.#succs.get(from)!;
    if (s.includes(to)) return;
    this.order = undefined;
    s.push(to);
    this.#preds.get(to)!.push(from);
  }

  /**
   * A graph from its nodes and each node's dependencies (in order, duplicates and self-edges
   * dropped, dependencies that are not nodes ignored), equal to adding them one by one: every
   * node first, then each node's edges. Lists are made when first asked for: a command that
   * runs one model of ten thousand reads that model's dependencies, not the whole graph's
   * (what depends on a node is known only after every list is read; that happens at the first
   * {@link successors} call).
   */
  static fromDependencies(ids: readonly string[], depsOf: (i: number) => readonly string[], at: ReadonlyMap<string, number> = new Map(ids.map((id, i) => [id, i]))): Dag {
    const g = new Dag();
    g.#lazy = { ids, at, depsOf, succs: false };
    return g;
  }

  /** The dependencies of the `i`-th node as build-graph adds them. */
  #predsAt(i: number): string[] {
    const lazy = this.#lazy!;
    const to = lazy.ids[i]!;
    let preds = this.#preds.get(to);
    if (preds) return preds;
    preds = [];
    for (const from of lazy.depsOf(i)) if (from !== to && !preds.includes(from) && lazy.at.has(from)) preds.push(from);
    this.#preds.set(to, preds);
    return preds;
  }

  #allSuccessors(): void {
    const lazy = this.#lazy!;
    if (lazy.succs) return;
    for (const id of lazy.ids) this.#succs.set(id, []);
    for (let i = 0; i < lazy.ids.length; i++) for (const from of this.#predsAt(i)) this.#succs.get(from)!.push(lazy.ids[i]!);
    lazy.succs = true;
  }

  /** Every list made, so the graph can change. */
  #materialize(): void {
    if (!this.#lazy) return;
    this.#allSuccessors();
    this.#lazy = undefined;
  }

  hasNode(id: string): boolean {
    return this.#lazy ? this.#lazy.at.has(id) : this.#preds.has(id);
  }

  nodes(): string[] {
    return this.#lazy ? [...this.#lazy.ids] : [...this.#preds.keys()];
  }

  nodeCount(): number {
    return this.#lazy ? this.#lazy.ids.length : this.#preds.size;
  }

  /** What `id` depends on; undefined when `id` is not in the graph. The array is the graph's own: do not change it. */
  predecessors(id: string): readonly string[] | undefined {
    if (this.#lazy) {
      const i = this.#lazy.at.get(id);
      return i === undefined ? undefined : this.#predsAt(i);
    }
    return this.#preds.get(id);
  }

  /** What depends on `id`; undefined when `id` is not in the graph. The array is the graph's own: do not change it. */
  successors(id: string): readonly string[] | undefined {
    if (this.#lazy) this.#allSuccessors();
    return this.#succs.get(id);
  }
}

/** Edges point from a dependency to what depends on it. */
export function buildGraph(nodes: ReadonlyMap<string, GraphNode>): { graph: Dag; diagnostics: Diagnostic[] } {
  const graph = new Dag();
  for (const id of nodes.keys()) graph.setNode(id);
  for (const n of nodes.values()) {
    for (const dep of n.dependsOn.nodes) if (dep !== n.uniqueId && nodes.has(dep)) graph.setEdge(dep, n.uniqueId);
  }
  const diagnostics: Diagnostic[] = [];
  for (const n of nodes.values()) {
    if (n.dependsOn.nodes.includes(n.uniqueId)) {
      diagnostics.push(diag('SM_CYCLE', `Cycle: ${n.name} refers to itself`, { file: n.originalFilePath }, { nodeId: n.uniqueId, hint: 'Use {{ this }} to read the model\'s own relation (e.g. in incremental models), not ref() to itself.' }));
    }
  }
  // A topological order that reaches every node proves there is no longer cycle; only otherwise look for them.
  if (topoOrder(graph).length === graph.nodeCount()) return { graph, diagnostics };
  for (const comp of findCycles(graph)) {
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

/**
 * Strongly connected components of more than one node (Tarjan), visiting nodes and successors
 * in graph order. Iterative, so a chain of any length cannot overflow the stack.
 */
export function findCycles(graph: Dag): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  for (const root of graph.nodes()) {
    if (idx.has(root)) continue;
    // Each frame: a node and how many of its successors have been looked at.
    const frames: [string, number][] = [[root, 0]];
    idx.set(root, index);
    low.set(root, index++);
    stack.push(root);
    onStack.add(root);
    while (frames.length) {
      const frame = frames[frames.length - 1]!;
      const [v, i] = frame;
      const succ = graph.successors(v)!;
      if (i < succ.length) {
        frame[1] = i + 1;
        const w = succ[i]!;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          frames.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0])!, low.get(v)!));
      if (low.get(v) === idx.get(v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1) out.push(comp);
      }
    }
  }
  return out;
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

function walk(graph: Dag, id: string, depth: number, next: (n: string) => readonly string[]): Set<string> {
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

/**
 * Nodes in dependency order; among nodes ready at the same time the smallest id comes first,
 * so output is stable. Nodes on a cycle (and what depends on them) are left out.
 */
export function topoOrder(graph: Dag, subset?: ReadonlySet<string>): string[] {
  // The whole graph (as `compile` selects it) is ordered once.
  const whole = !subset || (subset.size === graph.nodeCount() && [...subset].every((id) => graph.hasNode(id)));
  if (whole) return [...(graph.order ??= orderOf(graph, undefined))];
  return orderOf(graph, subset);
}

function orderOf(graph: Dag, subset: ReadonlySet<string> | undefined): string[] {
  const ids: string[] = subset ? [...subset] : graph.nodes();
  const inSet = subset ? new Set(ids) : undefined;
  const indeg = new Map<string, number>();
  // Within a subset, what depends on each node there, from the subset's own dependency lists:
  // ordering a few nodes of a large graph reads only their lists.
  const within = inSet ? new Map<string, string[]>() : undefined;
  // Smallest id first (by code unit, as Array#sort): a deterministic order.
  const ready = new MinHeap<string>((a, b) => a < b);
  for (const id of ids) {
    let d = 0;
    for (const p of graph.predecessors(id) ?? []) {
      if (inSet && !inSet.has(p)) continue;
      d++;
      if (within) {
        const list = within.get(p);
        if (list) list.push(id);
        else within.set(p, [id]);
      }
    }
    indeg.set(id, d);
    if (d === 0) ready.push(id);
  }
  const out: string[] = [];
  while (ready.size) {
    const id = ready.pop()!;
    out.push(id);
    for (const s of within ? (within.get(id) ?? []) : (graph.successors(id) ?? [])) {
      const d = indeg.get(s)! - 1;
      indeg.set(s, d);
      if (d === 0) ready.push(s);
    }
  }
  return out;
}
