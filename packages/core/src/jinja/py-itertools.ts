import { iterList } from './py-methods.ts';
import { PyTuple } from './py-values.ts';
import { pyFunction } from './runtime.ts';

/** Python's `itertools` as far as templates use it; each returns a list (of tuples) instead of an iterator. */
export function itertoolsModule(): Record<string, unknown> {
  const LIMIT = 1_000_000;
  const guard = (n: number) => {
    if (n > LIMIT) throw new Error(`itertools: more than ${LIMIT} items`);
  };
  return {
    product: pyFunction((_c, a, kw) => {
      const repeat = Number(kw?.repeat ?? 1);
      const pools: unknown[][] = [];
      for (let r = 0; r < repeat; r++) for (const x of a) pools.push(iterList(x));
      let out: unknown[][] = [[]];
      for (const pool of pools) {
        out = out.flatMap((prefix) => pool.map((x) => [...prefix, x]));
        guard(out.length);
      }
      return out.map((t) => PyTuple.fromArray(t));
    }),
    chain: Object.assign(
      pyFunction((_c, a) => a.flatMap((x) => iterList(x))),
      { from_iterable: pyFunction((_c, a) => iterList(a[0]).flatMap((x) => iterList(x))) },
    ),
    combinations: pyFunction((_c, a) => {
      const pool = iterList(a[0]);
      const r = Number(a[1]);
      const out: PyTuple[] = [];
      const pick = (start: number, acc: unknown[]) => {
        if (acc.length === r) return void out.push(PyTuple.fromArray(acc));
        for (let i = start; i < pool.length; i++) pick(i + 1, [...acc, pool[i]]);
        guard(out.length);
      };
      if (r <= pool.length) pick(0, []);
      return out;
    }),
    permutations: pyFunction((_c, a) => {
      const pool = iterList(a[0]);
      const r = a[1] === undefined || a[1] === null ? pool.length : Number(a[1]);
      const out: PyTuple[] = [];
      const pick = (used: boolean[], acc: unknown[]) => {
        if (acc.length === r) return void out.push(PyTuple.fromArray(acc));
        pool.forEach((x, i) => {
          if (used[i]) return;
          used[i] = true;
          pick(used, [...acc, x]);
          used[i] = false;
        });
        guard(out.length);
      };
      if (r <= pool.length) pick([], []);
      return out;
    }),
    islice: pyFunction((_c, a) => {
      const items = iterList(a[0]);
      if (a.length === 2) return items.slice(0, a[1] === null ? undefined : Number(a[1]));
      const start = Number(a[1] ?? 0);
      const stop = a[2] === null || a[2] === undefined ? items.length : Number(a[2]);
      const step = Number(a[3] ?? 1);
      const out: unknown[] = [];
      for (let i = start; i < Math.min(stop, items.length); i += step) out.push(items[i]);
      return out;
    }),
    zip_longest: pyFunction((_c, a, kw) => {
      const lists = a.map((x) => iterList(x));
      const n = Math.max(0, ...lists.map((l) => l.length));
      const fill = kw?.fillvalue ?? null;
      return Array.from({ length: n }, (_, i) => PyTuple.fromArray(lists.map((l) => (i < l.length ? l[i] : fill))));
    }),
    accumulate: pyFunction((_c, a) => {
      let total: unknown;
      return iterList(a[0]).map((x, i) => (total = i === 0 ? x : (total as number) + (x as number)));
    }),
  };
}
