import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

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
