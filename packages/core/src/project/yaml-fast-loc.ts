/** What the fast YAML reader (yaml-fast.ts) gives: the data, and where each value came from. */

export interface FastYaml {
  readonly data: unknown;
  /** Line and column (1-based) for the path as yaml-file's locateIn finds them; undefined for an empty document. */
  locate(path: readonly (string | number)[]): { line: number; column: number } | undefined;
}

/** Where values came from: a scalar's offset, or a collection's with its entries' and items'. */
export type Loc = number | MapLoc | SeqLoc;
export class MapLoc {
  readonly at: number;
  /** Per key: the key's offset and where its value came from. */
  readonly keys = new Map<string, { at: number; v: Loc }>();
  constructor(at: number) {
    this.at = at;
  }
}
export class SeqLoc {
  readonly at: number;
  readonly items: Loc[] = [];
  constructor(at: number) {
    this.at = at;
  }
}
const offsetOf = (l: Loc): number => (typeof l === 'number' ? l : l.at);

export class Result implements FastYaml {
  readonly data: unknown;
  readonly #root: Loc | undefined;
  readonly #starts: readonly number[];
  constructor(data: unknown, root: Loc | undefined, starts: readonly number[]) {
    this.data = data;
    this.#root = root;
    this.#starts = starts;
  }

  locate(path: readonly (string | number)[]): { line: number; column: number } | undefined {
    let node: Loc | undefined = this.#root;
    if (node === undefined) return undefined;
    let best = offsetOf(node);
    for (const key of path) {
      if (node instanceof MapLoc) {
        const e: { at: number; v: Loc } | undefined = typeof key === 'string' ? node.keys.get(key) : undefined;
        if (!e) break;
        best = e.at;
        node = e.v;
      } else if (node instanceof SeqLoc && typeof key === 'number') {
        node = node.items[key];
        if (node !== undefined) best = offsetOf(node);
      } else break;
    }
    // The last line starting at or before `best`.
    const s = this.#starts;
    let lo = 0;
    let hi = s.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= best) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: best - s[lo]! + 1 };
  }
}
