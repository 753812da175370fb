import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { GraphNode } from '../types.ts';

/** Where a node's JSON is in the packed file: byte offset and length. */
export type Extent = readonly [number, number];

/**
 * The compiled nodes of a stored compile, read from the packed file as they are asked for: a
 * command that touches a few nodes parses a few. Iterating (or asking for every node) reads
 * the whole file once. Iteration follows the stored order, which is the order compile made
 * them in. Behaves as the Map a compile in memory gives.
 */
export class StoredNodeMap extends Map<string, GraphNode> {
  /** Each node's position in the store's rows, in the stored order. */
  readonly #at: ReadonlyMap<string, number>;
  readonly #extentOf: (row: number) => Extent;
  readonly #file: string;
  #all = false;

  /** `at`: each node's row, in the stored order (the graph's map, shared: a second one of 20,000 entries cost a warm command 20 ms); `extentOf` a row's extent. */
  constructor(file: string, at: ReadonlyMap<string, number>, extentOf: (row: number) => Extent) {
    super();
    this.#file = file;
    this.#at = at;
    this.#extentOf = extentOf;
  }

  #extent(id: string): Extent | undefined {
    const i = this.#at.get(id);
    return i === undefined ? undefined : this.#extentOf(i);
  }

  override get(id: string): GraphNode | undefined {
    const have = super.get(id);
    if (have || this.#all) return have;
    const at = this.#extent(id);
    if (!at) return undefined;
    const buf = Buffer.alloc(at[1]);
    const fd = openSync(this.#file, 'r');
    try {
      readSync(fd, buf, 0, at[1], at[0]);
    } finally {
      closeSync(fd);
    }
    const n = JSON.parse(buf.toString('utf8')) as GraphNode;
    super.set(id, n);
    return n;
  }

  /** Read these nodes (those not read yet) with one open of the file: a few hundred asked for one by one cost an open each. */
  prefetch(ids: Iterable<string>): void {
    if (this.#all) return;
    let fd: number | undefined;
    try {
      for (const id of ids) {
        const at = super.has(id) ? undefined : this.#extent(id);
        if (!at) continue;
        fd ??= openSync(this.#file, 'r');
        const buf = Buffer.alloc(at[1]);
        readSync(fd, buf, 0, at[1], at[0]);
        super.set(id, JSON.parse(buf.toString('utf8')) as GraphNode);
      }
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  override has(id: string): boolean {
    return this.#at.has(id) || super.has(id);
  }

  override get size(): number {
    return this.#at.size;
  }

  /** Parse every node not yet read, from one read of the file. */
  #loadAll(): void {
    if (this.#all) return;
    const text = readFileSync(this.#file);
    for (const [id, i] of this.#at) {
      if (super.has(id)) continue;
      const at = this.#extentOf(i);
      super.set(id, JSON.parse(text.toString('utf8', at[0], at[0] + at[1])) as GraphNode);
    }
    this.#all = true;
  }

  override *keys(): MapIterator<string> {
    yield* this.#at.keys();
  }

  override *entries(): MapIterator<[string, GraphNode]> {
    this.#loadAll();
    for (const id of this.#at.keys()) yield [id, super.get(id)!];
  }

  override *values(): MapIterator<GraphNode> {
    this.#loadAll();
    for (const id of this.#at.keys()) yield super.get(id)!;
  }

  override [Symbol.iterator](): MapIterator<[string, GraphNode]> {
    return this.entries();
  }

  override forEach(fn: (value: GraphNode, key: string, map: Map<string, GraphNode>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
}
