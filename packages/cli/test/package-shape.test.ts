import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);
interface Pkg {
  name: string;
  version: string;
  private?: boolean;
  files?: string[];
  bin?: Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
}
const packages = readdirSync(new URL('packages/', root))
  .filter((d) => existsSync(new URL(`packages/${d}/package.json`, root)))
  .map((d) => ({ dir: d, pkg: JSON.parse(readFileSync(new URL(`packages/${d}/package.json`, root), 'utf8')) as Pkg }));
const published = packages.filter((p) => !p.pkg.private);

/** What `pnpm pack` would publish: checked here so a new package or export cannot ship sources by mistake. */
describe('published package shape', () => {
  it('every published package is in the @smsql scope, at one version', () => {
    expect(published.length).toBeGreaterThanOrEqual(5);
    for (const { pkg } of published) expect(pkg.name).toMatch(/^@smsql\//);
    expect(new Set(published.map((p) => p.pkg.version)).size).toBe(1);
  });
  it('exports and bin point at dist/, with sources only behind the smsql-source condition', () => {
    for (const { pkg } of published) {
      expect(pkg.files, pkg.name).toContain('dist');
      for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
        if (sub === './package.json') continue;
        expect(typeof target, `${pkg.name} ${sub}`).toBe('object');
        const t = target as Record<string, string>;
        expect(Object.keys(t), `${pkg.name} ${sub}`).toEqual(['smsql-source', 'types', 'default']);
        expect(t['smsql-source']).toMatch(/^\.\/src\/.*\.ts$/);
        expect(t.types).toBe(t['smsql-source']!.replace('./src/', './dist/').replace(/\.ts$/, '.d.ts'));
        expect(t.default).toBe(t['smsql-source']!.replace('./src/', './dist/').replace(/\.ts$/, '.js'));
      }
      for (const bin of Object.values(pkg.bin ?? {})) expect(bin).toMatch(/^\.\/dist\/.*\.js$/);
    }
  });
  it('workspace dependencies stay on the workspace version (pnpm pack writes the version in step)', () => {
    for (const { pkg } of published) {
      for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) if (dep.startsWith('@smsql/')) expect(range, `${pkg.name} -> ${dep}`).toBe('workspace:*');
    }
  });
});
