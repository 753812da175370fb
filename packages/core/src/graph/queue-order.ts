/**
 * dbt 1.11's job queue (GraphQueue): each node scored by its level in a grouped topological sort,
 * handed on as soon as all it waits for are done, several made ready together by level, then
 * unique id. run/runner.ts schedules with it; {@link oneThreadOrder} is the order it hands nodes
 * to one thread, which is the order dbt's compile lists its results in.
 */

/** Each node's level in dbt's grouped topological sort of `selected`: 0 for those that wait for none, else one more than the deepest it waits for. */
export function depthsOf(selected: ReadonlySet<string>, deps: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const depth = new Map<string, number>();
  const visit = (root: string): void => {
    // Iterative (a chain of 10,000 models is deeper than the call stack): a node is scored once all it waits for are.
    const stack = [root];
    const open = new Set<string>();
    while (stack.length) {
      const id = stack[stack.length - 1]!;
      if (depth.has(id)) {
        stack.pop();
        continue;
      }
      let d = 0;
      let missing = false;
      for (const p of deps.get(id) ?? []) {
        const pd = depth.get(p);
        if (pd === undefined) {
          // A cycle (compile rejects them) scores as if the edge were not there.
          if (selected.has(p) && !open.has(p)) {
            stack.push(p);
            missing = true;
          }
        } else d = Math.max(d, pd + 1);
      }
      if (!missing) {
        depth.set(id, d);
        stack.pop();
      } else open.add(id);
    }
  };
  for (const id of selected) visit(id);
  return depth;
}

/**
 * The order dbt's queue hands `selected` to a single thread: those ready at first by level then
 * id, then, as each is done, the ones it made ready (by level then id) after those already waiting.
 * `deps`: what each waits for among `selected`.
 */
export function oneThreadOrder(selected: ReadonlySet<string>, deps: ReadonlyMap<string, readonly string[]>): string[] {
  const depth = depthsOf(selected, deps);
  const byDepth = (a: string, b: string) => depth.get(a)! - depth.get(b)! || (a < b ? -1 : a > b ? 1 : 0);
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const id of selected) {
    const ds = new Set((deps.get(id) ?? []).filter((d) => selected.has(d) && d !== id));
    waiting.set(id, ds.size);
    for (const d of ds) {
      const list = dependents.get(d);
      if (list) list.push(id);
      else dependents.set(d, [id]);
    }
  }
  const queue = [...selected].filter((id) => waiting.get(id) === 0).sort(byDepth);
  for (let head = 0; head < queue.length; head++) {
    const ready = (dependents.get(queue[head]!) ?? []).filter((id) => {
      const n = waiting.get(id)! - 1;
      waiting.set(id, n);
      return n === 0;
    });
    queue.push(...ready.sort(byDepth));
  }
  // A cycle (compile rejects them) leaves nodes never ready: they follow, in the order given.
  if (queue.length < selected.size) queue.push(...[...selected].filter((id) => waiting.get(id)! > 0));
  return queue;
}

/**
 * What each of `queued` waits for in dbt's queue: its nearest predecessors among them, through any
 * node the queue leaves out (a source, an exposure), as dbt's subset graph keeps those edges.
 */
export function queuedPredecessors(queued: ReadonlySet<string>, predecessors: (id: string) => readonly string[] | undefined): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const id of queued) {
    const out = new Set<string>();
    const seen = new Set<string>();
    const stack = [...(predecessors(id) ?? [])];
    while (stack.length) {
      const p = stack.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      if (queued.has(p)) out.add(p);
      else stack.push(...(predecessors(p) ?? []));
    }
    deps.set(id, [...out]);
  }
  return deps;
}
