import { join } from 'node:path';
import { findProjectFile } from '../project/project-file.ts';
import { readText } from '../util/read-text.ts';

/** The project file's `target-path` as written (a plain scalar), else dbt's default. */
export function targetPathOf(dir: string): string {
  const file = findProjectFile(dir);
  const text = file ? readText(join(dir, file)) : '';
  const m = /^target-path:[ \t]*["']?([^"'#\r\n]*?)["']?[ \t]*(?:#.*)?$/m.exec(text);
  return m?.[1]?.trim() || 'target';
}
