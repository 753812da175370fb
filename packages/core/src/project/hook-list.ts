import type { PackageInfo, ProjectConfig } from '../types.ts';

export type ProjectHookKind = 'on-run-start' | 'on-run-end';

/** One on-run-start or on-run-end hook of the root project or of an installed package. */
export interface ProjectHook {
  readonly packageName: string;
  /** Its place among its own project file's hooks of its kind (0-based): its node is `operation.<package>.<package>-<kind>-<index>`. */
  readonly index: number;
  readonly sql: string;
  /** The project file that declares it (`dbt_project.yml`) and that file's checksum (dbt's checksum of the hook node). */
  readonly file: string;
  readonly fileChecksum: string;
}

/** A hook's operation node's name, as dbt names it: `<package>-<kind>-<index>` (its id is `operation.<package>.<name>`). */
export function hookNodeName(h: ProjectHook, kind: ProjectHookKind): string {
  return `${h.packageName}-${kind}-${h.index}`;
}

/**
 * Every hook of a kind in the order dbt 1.11 runs them: the root project's first, then each
 * installed package's, packages ordered by name, each project's in its file's order.
 */
export function projectHooks(p: { readonly config: ProjectConfig; readonly packages: readonly PackageInfo[] }, kind: ProjectHookKind): ProjectHook[] {
  const of = (packageName: string, hooks: readonly string[], file: string, fileChecksum: string): ProjectHook[] =>
    hooks.map((sql, index) => ({ packageName, index, sql, file, fileChecksum }));
  const pick = (c: { onRunStart: string[]; onRunEnd: string[] }) => (kind === 'on-run-start' ? c.onRunStart : c.onRunEnd);
  const packages = [...p.packages].filter((x) => x.name !== p.config.name).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [
    ...of(p.config.name, pick(p.config), p.config.file, p.config.fileChecksum),
    ...packages.flatMap((x) => of(x.name, pick(x), x.file, x.fileChecksum)),
  ];
}
