import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const PACKAGES = resolve(import.meta.dirname, '..', '..');

/** Relative imports (type-only ones too) of every .ts file under `root`, as absolute paths. */
function importGraph(root: string): Map<string, string[]> {
  const g = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const src = readFileSync(p, 'utf8');
        const to = [...src.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g)].map((m) => resolve(dirname(p), m[1] ?? m[2]!));
        g.set(p, to);
      }
    }
  };
  walk(root);
  return g;
}

/** Strongly connected components of more than one member (iterative Tarjan). */
function cycles(g: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  for (const root of g.keys()) {
    if (idx.has(root)) continue;
    const frames: [string, number][] = [[root, 0]];
    idx.set(root, index);
    low.set(root, index++);
    stack.push(root);
    on.add(root);
    while (frames.length) {
      const f = frames[frames.length - 1]!;
      const next = (g.get(f[0]) ?? []).filter((w) => g.has(w));
      if (f[1] < next.length) {
        const w = next[f[1]++]!;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          on.add(w);
          frames.push([w, 0]);
        } else if (on.has(w)) low.set(f[0], Math.min(low.get(f[0])!, idx.get(w)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0])!, low.get(f[0])!));
      if (low.get(f[0]) === idx.get(f[0])) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          comp.push(w);
        } while (w !== f[0]);
        if (comp.length > 1) out.push(comp.sort());
      }
    }
  }
  return out;
}

describe('import structure', () => {
  // Every package of the workspace but bench (its scripts are not a library).
  for (const pkg of ['core', 'cli', 'adapter-duckdb', 'adapter-snowflake', 'test-kit', 'ingest']) {
    const src = join(PACKAGES, pkg, 'src');
    const files = importGraph(src);

    it(`${pkg}: no module imports itself through others`, () => {
      expect(cycles(files).map((c) => c.map((f) => relative(src, f)))).toEqual([]);
    });

    it(`${pkg}: no two folders import each other (the top-level files aside: they are the package's base and its facade)`, () => {
      const folders = new Map<string, string[]>();
      for (const [from, tos] of files) {
        const a = relative(src, dirname(from));
        if (!a) continue;
        for (const to of tos) {
          const b = relative(src, dirname(to));
          if (!b || b === a) continue;
          folders.set(a, [...new Set([...(folders.get(a) ?? []), b])]);
        }
      }
      expect(cycles(folders)).toEqual([]);
    });
  }

  const KNOWN = new Set<string>();

  it("no package's sources or tests import another package's files by path: they import the package, and shared fixtures come from @smsql/test-kit", () => {
    const offenders: string[] = [];
    for (const pkg of readdirSync(PACKAGES)) for (const sub of ['src', 'test']) {
      const files = (() => {
        try {
          return importGraph(join(PACKAGES, pkg, sub));
        } catch {
          return new Map<string, string[]>();
        }
      })();
      for (const [from, tos] of files) {
        for (const to of tos) {
          const edge = `${relative(PACKAGES, from)} -> ${relative(PACKAGES, to)}`;
          // Another package's files; the repository's scripts (a Kafka broker launcher) are not a package.
          if (to.startsWith(PACKAGES + '/') && !to.startsWith(join(PACKAGES, pkg) + '/') && !KNOWN.has(edge)) offenders.push(edge);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
