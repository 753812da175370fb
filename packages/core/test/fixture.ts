import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BaseDialect, type Adapter, type Connection } from '../src/index.ts';

/** Write an inline fixture project to a fresh temp dir; returns the dir. */
export function writeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sm-fixture-'));
  // A fixture that writes its own dbt_project.yml gets no default sm_project.yml beside it (sm would read that one).
  const all: Record<string, string> = 'dbt_project.yml' in files ? { ...files } : { 'sm_project.yml': 'name: demo\nprofile: demo\n', ...files };
  for (const [rel, text] of Object.entries(all)) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  return dir;
}

/**
 * Set every file and folder of the project (target/ aside) ten seconds back: a proof taken
 * within two seconds of a change is void (the change could repeat unseen within the file
 * system's clock tick), so tests that want the warm path age what they wrote.
 */
export function age(dir: string): void {
  const then = new Date(Date.now() - 10_000);
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'target') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      utimesSync(p, then, then);
    }
  };
  walk(dir);
  utimesSync(dir, then, then);
}

/** An adapter for compiling without a warehouse: connecting fails the test. */
export const offline: Adapter = {
  type: 'duckdb',
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('compile must not connect')),
};

/** A connection no statement may reach: a render that uses it fails, naming what it called. */
export const noConnection = new Proxy({}, { get: (_t, k) => (k === 'then' ? undefined : () => Promise.reject(new Error(`the hook's render used the connection (${String(k)})`))) }) as Connection;
