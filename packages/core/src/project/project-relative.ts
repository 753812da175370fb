import { isAbsolute, relative } from 'node:path';

/**
 * A path from the project file as one relative to the project folder. An absolute
 * `target-path: /mnt/build` means that folder, as in dbt; sm joins such paths to the project
 * folder everywhere (join(dir, '/mnt/build') is dir/mnt/build), so it is stored as the way there.
 */
export function projectRelative(dir: string, path: string): string {
  return isAbsolute(path) ? relative(dir, path) || '.' : path;
}
