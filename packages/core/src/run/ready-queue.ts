/**
 * The nodes whose dependencies have all finished, smallest key first. Kept sorted as nodes
 * become ready (binary search, one insertion each), so that taking the next node no longer
 * filters and sorts everything pending after every node, which made a 10,000-node run
 * quadratic.
 */
export class ReadyQueue<T> {
  /** Sorted largest first: the next item is at the end. */
  readonly #items: T[] = [];
  readonly #before: (a: T, b: T) => boolean;
  /** `before(a, b)`: a is taken before b. */
  constructor(before: (a: T, b: T) => boolean) {
    this.#before = before;
  }
  get size(): number {
    return this.#items.length;
  }
  push(x: T): void {
    const a = this.#items;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#before(a[mid]!, x)) hi = mid;
      else lo = mid + 1;
    }
    a.splice(lo, 0, x);
  }
  pop(): T | undefined {
    return this.#items.pop();
  }
}
