/**
 * Resolve each node from `starts` once its upstream nodes (`next`) are resolved, memoised in
 * `done`, without recursion (a chain of 10,000 models is deeper than the call stack). A node met
 * again on its own way up is a cycle (compile rejects them): it is resolved without waiting.
 */
export function resolveUpstream<T>(starts: readonly string[], next: (x: string) => readonly string[], done: Map<string, T>, resolve: (x: string) => T): void {
  const open = new Set<string>();
  const stack = starts.filter((x) => !done.has(x));
  while (stack.length) {
    const x = stack[stack.length - 1]!;
    if (done.has(x)) {
      stack.pop();
      continue;
    }
    const waiting = open.has(x) ? [] : next(x).filter((p) => !done.has(p) && !open.has(p));
    open.add(x);
    if (waiting.length) {
      stack.push(...waiting);
      continue;
    }
    done.set(x, resolve(x));
    stack.pop();
  }
}
