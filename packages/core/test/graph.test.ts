import { describe, expect, it } from 'vitest';
import { Dag, findCycles, topoOrder } from '../src/graph/build-graph.ts';

function dag(edges: [string, string][], extra: string[] = []): Dag {
  const g = new Dag();
  for (const n of extra) g.setNode(n);
  for (const [a, b] of edges) g.setEdge(a, b);
  return g;
}

describe('graph', () => {
  it('orders dependencies first, and among ready nodes the smallest id first', () => {
    const g = dag([['m', 'z'], ['b', 'z'], ['z', 'a'], ['c', 'a']], ['y']);
    expect(topoOrder(g)).toEqual(['b', 'c', 'm', 'y', 'z', 'a']);
    // A subset ignores edges from outside it.
    expect(topoOrder(g, new Set(['a', 'z', 'c']))).toEqual(['c', 'z', 'a']);
  });

  it('builds from each node\'s dependencies what adding nodes and edges one by one builds', () => {
    const ids = ['d', 'a', 'c', 'b'];
    const deps: Record<string, string[]> = { d: ['a', 'c', 'a', 'd', 'gone'], a: [], c: ['b', 'a'], b: [] };
    const slow = new Dag();
    for (const id of ids) slow.setNode(id);
    for (const id of ids) for (const d of deps[id]!) if (d !== id && ids.includes(d)) slow.setEdge(d, id);
    const fast = Dag.fromDependencies(ids, (i) => deps[ids[i]!]!);
    // A subset is ordered from its own lists, before anything asks what depends on what.
    expect(topoOrder(fast, new Set(['d', 'c', 'b']))).toEqual(topoOrder(slow, new Set(['d', 'c', 'b'])));
    expect(fast.predecessors('d')).toEqual(['a', 'c']);
    expect(fast.nodes()).toEqual(slow.nodes());
    for (const id of ids) {
      expect([id, fast.predecessors(id)]).toEqual([id, slow.predecessors(id)]);
      expect([id, fast.successors(id)]).toEqual([id, slow.successors(id)]);
    }
    expect(topoOrder(fast)).toEqual(topoOrder(slow));
  });

  it('keeps one edge per pair and the order edges were added', () => {
    const g = dag([['a', 'c'], ['b', 'c'], ['a', 'c']]);
    expect(g.predecessors('c')).toEqual(['a', 'b']);
    expect(g.successors('a')).toEqual(['c']);
    expect(g.predecessors('nope')).toBeUndefined();
  });

  it('finds every cycle, and leaves nodes on or after one out of the order', () => {
    const g = dag([['a', 'b'], ['b', 'a'], ['b', 'c'], ['x', 'y'], ['y', 'z'], ['z', 'x'], ['q', 'r']]);
    expect(findCycles(g).map((c) => c.sort())).toEqual([['a', 'b'], ['x', 'y', 'z']]);
    expect(topoOrder(g)).toEqual(['q', 'r']);
  });

  it('handles a chain of 20,000 nodes (no recursion) in order', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `n${String(20_000 - i).padStart(6, '0')}`);
    const g = new Dag();
    for (let i = 1; i < ids.length; i++) g.setEdge(ids[i - 1]!, ids[i]!);
    g.setEdge(ids[ids.length - 1]!, ids[0]!);
    expect(findCycles(g)).toHaveLength(1);
    const h = new Dag();
    for (let i = 1; i < ids.length; i++) h.setEdge(ids[i - 1]!, ids[i]!);
    expect(findCycles(h)).toEqual([]);
    expect(topoOrder(h)).toEqual(ids);
  });
});
