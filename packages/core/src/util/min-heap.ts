/**
 * A binary min-heap: `pop` returns the item that `less` puts first. Used for the ready sets of
 * the topological sort and of the runner, where re-sorting after every node made a 10,000-node
 * project quadratic. With a total order (as both use: ties broken by unique id) the sequence of
 * pops is fully determined.
 */
export class MinHeap<T> {
  readonly #a: T[] = [];
  readonly #less: (a: T, b: T) => boolean;

  constructor(less: (a: T, b: T) => boolean) {
    this.#less = less;
  }

  get size(): number {
    return this.#a.length;
  }

  push(v: T): void {
    const a = this.#a;
    let i = a.length;
    a.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(v, a[p]!)) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }

  pop(): T | undefined {
    const a = this.#a;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    const n = a.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.#less(a[r]!, a[l]!) ? r : l;
      if (!this.#less(a[c]!, last)) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
}
