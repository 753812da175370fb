import { existsSync, globSync, statSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import type { GraphNode } from '../types.ts';

/** What dbt's path method reads of the project: its directory, and each node's path within its own package. */
export interface ProjectFiles {
  dir: string;
  /** A node's path (as loaded: a package's node under its folder) within its package, as dbt's original_file_path. */
  packageRelative(packageName: string, path: string): string;
}

/**
 * dbt 1.11's PathSelectorMethod: the selector is globbed in the root project's directory, and a
 * node is selected when its file, its YAML patch or a folder above its file is one of the paths
 * found, each read within the node's own package. So `path:models/staging` also selects a
 * package's models/staging/... when the root project has that folder, and a path only a package
 * has (or one naming the package's folder) selects nothing.
 */
export function pathSelects(value: string, files: ProjectFiles): (n: GraphNode) => boolean {
  const pattern = value.replace(/\/+$/, '');
  // As Python's Path.glob: a pattern ending in `/` finds folders only (`path:models/a.sql/` selects nothing).
  const folderOnly = pattern !== value;
  const found = (p: string) => !folderOnly || statSync(join(files.dir, p), { throwIfNoEntry: false })?.isDirectory() === true;
  const paths = new Set<string>();
  if (pattern && !/[*?[]/.test(pattern)) {
    if (existsSync(join(files.dir, pattern)) && found(pattern)) paths.add(posix.normalize(pattern).replace(/^\.\//, ''));
  } else if (pattern) {
    for (const p of globSync(pattern, { cwd: files.dir })) if (found(p)) paths.add(p.split(sep).join('/'));
  }
  // Only a YAML file found can be a node's patch (a warm start reads the patch from its store).
  const yaml = [...paths].some((p) => /\.ya?ml$/i.test(p));
  return (n) => {
    const rel = files.packageRelative(n.packageName, n.originalFilePath);
    if (paths.has(rel)) return true;
    if (yaml && n.patchPath && paths.has(files.packageRelative(n.packageName, n.patchPath))) return true;
    for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) if (paths.has(rel.slice(0, i))) return true;
    return false;
  };
}
