import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectFile } from '../project/project-file.ts';

/** The project file's `target-path` as written (a plain scalar), else dbt's default. */
export function targetPathOf(dir: string): string {
  const file = findProjectFile(dir);
  const text = file ? readFileSync(join(dir, file), 'utf8') : '';
  const m = /^target-path:[ \t]*["']?([^"'#\r\n]*?)["']?[ \t]*(?:#.*)?$/m.exec(text);
  return m?.[1]?.trim() || 'target';
}
