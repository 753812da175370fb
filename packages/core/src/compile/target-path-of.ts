import { join, relative, resolve } from 'node:path';
import { findProjectFile } from '../project/project-file.ts';
import { projectRelative } from '../project/project-relative.ts';
import { readText } from '../util/read-text.ts';

/** `--target-path` when given (as load-project.ts keeps it: relative to the project), else the project file's `target-path` as written (a plain scalar), else dbt's default. */
export function targetPathOf(dir: string, override?: string): string {
  if (override) return relative(dir, resolve(dir, override)) || '.';
  const file = findProjectFile(dir);
  const text = file ? readText(join(dir, file)) : '';
  const m = /^target-path:[ \t]*["']?([^"'#\r\n]*?)["']?[ \t]*(?:#.*)?$/m.exec(text);
  return projectRelative(dir, m?.[1]?.trim() || 'target');
}
