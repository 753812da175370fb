import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Write an inline fixture project to a fresh temporary directory; returns the directory. Paths
 * are relative to it; `sm_project.yml` defaults to a project named `demo` with profile `demo`.
 * Its files and folders are dated an hour back, as a user's project is: a command takes its
 * inputs as unchanged since the last one (the warm start, compile/input-proof.ts) only for files
 * older than a few seconds, so a fixture written just now would never take that path. A test that
 * edits a file afterwards dates it now, which the next command sees as a change.
 */
export function writeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sm-fixture-'));
  // A fixture that writes its own dbt_project.yml gets no default sm_project.yml beside it (sm would read that one).
  const all: Record<string, string> = 'dbt_project.yml' in files ? { ...files } : { 'sm_project.yml': 'name: demo\nprofile: demo\n', ...files };
  const written = new Set<string>([dir]);
  for (const [rel, text] of Object.entries(all)) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    for (let p = abs; p.length > dir.length; p = dirname(p)) written.add(p);
  }
  const then = new Date(Date.now() - 3_600_000);
  for (const p of written) utimesSync(p, then, then);
  return dir;
}

/**
 * A dbt project named `demo` beside its profiles.yml (one DuckDB target at `target/d.duckdb`,
 * schema `main`, one thread), with these files: run with `--project-dir` alone.
 */
export function writeDuckdbProject(files: Record<string, string>): string {
  return writeProject({
    'dbt_project.yml': "name: demo\nprofile: demo\nversion: '1.0'\n",
    'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/d.duckdb\n      schema: main\n      threads: 1\n',
    ...files,
  });
}
