import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The folders of each package's src/ form layers: no folder imports, directly or through others,
 * a folder that imports it back (issue 15: "no import cycles between folders"). A file at the
 * root of src/ counts as its own node, so `api.ts` may import every folder while the folders
 * import `types.ts`. Every import counts: static, `export ... from`, `import type` and `import()`.
 * And no package reaches into another package's files by path: it imports the package.
 */
const PACKAGES = resolve(import.meta.dirname, '..', '..');
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** Cycles in a graph of folders, each as the chain of files that closes it. */
function folderCycles(src: string): string[] {
  const node = (f: string) => {
    const r = relative(src, f);
    return r.includes('/') ? dirname(r) : r;
  };
  const edges = new Map<string, Map<string, string>>();
  for (const f of tsFiles(src)) {
    for (const spec of importsOf(f)) {
      if (!spec.startsWith('.')) continue;
      const to = resolve(dirname(f), spec);
      if (!to.startsWith(src)) continue;
      const [a, b] = [node(f), node(to)];
      if (a === b) continue;
      if (!edges.has(a)) edges.set(a, new Map());
      if (!edges.get(a)!.has(b)) edges.get(a)!.set(b, `${relative(src, f)} -> ${relative(src, to)}`);
    }
  }
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (u: string) => {
    state.set(u, 1);
    stack.push(u);
    for (const v of edges.get(u)?.keys() ?? []) {
      if (state.get(v) === 1) {
        const c = [...stack.slice(stack.indexOf(v)), v];
        cycles.push(c.slice(0, -1).map((x, i) => edges.get(x)!.get(c[i + 1]!)!).join('  then  '));
      } else if (!state.has(v)) visit(v);
    }
    stack.pop();
    state.set(u, 2);
  };
  for (const k of edges.keys()) if (!state.has(k)) visit(k);
  return cycles;
}

const packages = readdirSync(PACKAGES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe('import layers', () => {
  it('finds the packages', () => {
    expect(packages).toEqual(expect.arrayContaining(['core', 'cli', 'ingest', 'adapter-duckdb', 'adapter-snowflake', 'test-kit']));
  });

  it.each(packages)('%s: no cycle between the folders of src/', (pkg) => {
    expect(folderCycles(join(PACKAGES, pkg, 'src'))).toEqual([]);
  });

  it.each(packages)("%s: src/ and test/ import other packages by name, never by path", (pkg) => {
    const outside: string[] = [];
    for (const sub of ['src', 'test']) {
      let files: string[];
      try {
        files = tsFiles(join(PACKAGES, pkg, sub));
      } catch {
        continue;
      }
      for (const f of files) {
        for (const spec of importsOf(f)) {
          if (!spec.startsWith('.')) continue;
          const to = resolve(dirname(f), spec);
          if (to.startsWith(PACKAGES + '/') && !to.startsWith(join(PACKAGES, pkg) + '/')) outside.push(`${relative(PACKAGES, f)} imports ${spec}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  it('sees a cycle when there is one (the check itself)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-layers-'));
    try {
      mkdirSync(join(dir, 'a'));
      mkdirSync(join(dir, 'b'));
      writeFileSync(join(dir, 'a', 'x.ts'), "import type { Y } from '../b/y.ts';\nexport type X = Y;\n");
      writeFileSync(join(dir, 'a', 'z.ts'), 'export const z = 1;\n');
      writeFileSync(join(dir, 'b', 'y.ts'), "export type Y = number;\nexport const load = () => import('../a/z.ts');\n");
      writeFileSync(join(dir, 'types.ts'), "export * from './a/x.ts';\n");
      expect(folderCycles(dir)).toEqual(['a/x.ts -> b/y.ts  then  b/y.ts -> a/z.ts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
