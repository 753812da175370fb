import { ancestors, descendants } from '../graph/build-graph.ts';
import { resolveUpstream } from '../graph/resolve-upstream.ts';
import type { GraphNode } from '../types.ts';
import type { RunContext } from './run-context.ts';

/**
 * `build`'s test edges, as dbt adds them: a test of one node gates that node's children (a
 * source's too); a test of several gates the first nodes downstream that have all of them
 * upstream (where dbt's walk stops awaiting it). No edge gives a node a new ancestor but the
 * test, so none makes a cycle.
 *
 * dbt adds the edges in the whole graph, then keeps only what runs, joining each node left out
 * to what follows it: a test of an ephemeral model, or of a model not selected, gates the first
 * nodes after it that run (dbt-core 1.11.16: a failing not_null on an ephemeral model skips the
 * table that reads it, and the tables after).
 */
export function addTestGates(o: RunContext, selected: ReadonlySet<string>, deps: Map<string, string[]>): void {
  const { nodes, graph } = o;
  const testsOf = new Map<string, string[]>();
  const multi: string[] = [];
  for (const id of selected) {
    const n = nodes.get(id)!;
    if (n.resourceType !== 'test') continue;
    if (n.dependsOn.nodes.length > 1) multi.push(id);
    else for (const p of n.dependsOn.nodes) testsOf.set(p, [...(testsOf.get(p) ?? []), id]);
  }
  const gate = (id: string, t: string) => {
    const list = deps.get(id)!;
    if (!list.includes(t)) list.push(t);
  };
  const passed = gatesPassedOn(o, selected, testsOf);
  for (const id of selected) {
    if (!gateable(nodes.get(id))) continue;
    for (const parent of graph.predecessors(id) ?? []) for (const t of passed(parent)) gate(id, t);
  }
  const ancCache = new Map<string, Set<string>>();
  const anc = (id: string) => ancCache.get(id) ?? ancCache.set(id, ancestors(graph, id)).get(id)!;
  for (const t of multi) {
    const on = nodes.get(t)!.dependsOn.nodes;
    const hasAll = (id: string) => on.every((d) => anc(id).has(d));
    const below = new Set(on.flatMap((d) => [...descendants(graph, d)]));
    for (const id of below) {
      if (!gateable(nodes.get(id)) || !hasAll(id)) continue;
      if (!(graph.predecessors(id) ?? []).some((p: string) => on.includes(p) || (below.has(p) && !hasAll(p)))) continue;
      // dbt gates it in the whole graph; a node not run here passes the gate on to what runs after it.
      for (const r of runnableFrom(o, id, selected)) gate(r, t);
    }
  }
}

/**
 * The tests that gate a node's children: its own, and when it does not run here (an ephemeral
 * model, a node not selected, a source), those it was gated by in turn. Each node is resolved
 * once.
 */
function gatesPassedOn(o: RunContext, selected: ReadonlySet<string>, testsOf: ReadonlyMap<string, string[]>): (id: string) => readonly string[] {
  const done = new Map<string, readonly string[]>();
  const preds = (x: string) => o.graph.predecessors(x) ?? [];
  const resolve = (x: string): readonly string[] => {
    const own = testsOf.get(x) ?? [];
    if (selected.has(x)) return own;
    const out = new Set(own);
    for (const p of preds(x)) for (const t of done.get(p) ?? []) out.add(t);
    return out.size ? [...out] : own;
  };
  return (id) => {
    if (!testsOf.size) return [];
    resolveUpstream([id], (x) => (selected.has(x) ? [] : preds(x)), done, resolve);
    return done.get(id)!;
  };
}

/**
 * A node a test can gate: what builds (a model, seed or snapshot). dbt adds test edges only to
 * its manifest's nodes: an exposure or saved query does not wait for its parents' tests.
 */
function gateable(n: GraphNode | undefined): boolean {
  return n !== undefined && (n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot');
}

/** `id` when it runs, else the nearest nodes after it that do (dbt's selected subgraph keeps the order through the others). */
function runnableFrom(o: RunContext, id: string, selected: ReadonlySet<string>): string[] {
  if (selected.has(id)) return [id];
  const out = new Set<string>();
  const seen = new Set<string>([id]);
  let frontier = [id];
  while (frontier.length) {
    const next: string[] = [];
    for (const x of frontier) {
      for (const s of o.graph.successors(x) ?? []) {
        if (seen.has(s) || !gateable(o.nodes.get(s))) continue;
        seen.add(s);
        if (selected.has(s)) out.add(s);
        else next.push(s);
      }
    }
    frontier = next;
  }
  return [...out];
}
