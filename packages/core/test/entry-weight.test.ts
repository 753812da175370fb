import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every command loads `@smsql/core`; what it loads is paid on each one (a warm compile is a
 * third module loading). The checker, docs, deps and the yaml package are loaded by the commands
 * that use them, through their own entries.
 */
function modulesLoadedBy(specifier: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'sm-entry-weight-'));
  const hook = join(dir, 'hook.mjs');
  writeFileSync(
    hook,
    `import { registerHooks } from 'node:module';
    const urls = [];
    registerHooks({ load(url, ctx, next) { urls.push(url); return next(url, ctx); } });
    process.on('exit', () => process.stdout.write(JSON.stringify(urls)));`,
  );
  const r = spawnSync(process.execPath, ['--conditions=smsql-source', '--import', hook, '--input-type=module', '-e', `await import(${JSON.stringify(specifier)});`], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as string[];
}

describe("the main entry's weight", () => {
  it('@smsql/core loads no checker, docs or deps module, nor the yaml package', () => {
    const urls = modulesLoadedBy('@smsql/core');
    expect(urls.some((u) => u.includes('/src/project/load-project.ts'))).toBe(true);
    expect(urls.filter((u) => /\/src\/(check|docs|deps)\/|\/node_modules\/.*\/yaml\//.test(u))).toEqual([]);
  });

  it('@smsql/core/check, /docs and /deps load what they name', () => {
    expect(modulesLoadedBy('@smsql/core/check').some((u) => u.includes('/src/check/check-project.ts'))).toBe(true);
    expect(modulesLoadedBy('@smsql/core/docs').some((u) => u.includes('/src/docs/generate-docs.ts'))).toBe(true);
    expect(modulesLoadedBy('@smsql/core/deps').some((u) => u.includes('/src/deps/install-deps.ts'))).toBe(true);
  });
});
