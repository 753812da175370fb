import { relative, sep } from 'node:path';
import type { PackageInfo } from '../types.ts';

/**
 * A package's files are kept relative to the root project (`dbt_packages/dbt_utils/macros/x.sql`)
 * so that errors point at real files; dbt's artifacts name them relative to the package
 * (`macros/x.sql`, with `package_name: dbt_utils`). This turns the first into the second.
 */
export function packageRelativePaths(projectDir: string, packages: readonly PackageInfo[]): (packageName: string, path: string) => string {
  const prefixes = new Map(packages.map((p) => [p.name, `${relative(projectDir, p.dir).split(sep).join('/')}/`]));
  return (packageName, path) => {
    const prefix = prefixes.get(packageName);
    return prefix && path.startsWith(prefix) ? path.slice(prefix.length) : path;
  };
}
