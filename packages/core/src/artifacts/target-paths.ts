import { join, posix } from 'node:path';
import { packageRelativePaths } from '../project/package-paths.ts';
import { testFileName } from '../project/test-nodes.ts';
import type { GraphNode, PackageInfo } from '../types.ts';

/** Where a project writes what one node compiled to and what it ran. */
export interface TargetLayout {
  /** `target-path` of the project file, relative to the project directory. */
  readonly targetPath: string;
  /** A package's node's path relative to its package (see packageRelativePaths). */
  readonly inPackage: (packageName: string, path: string) => string;
}

/** The layout of a loaded project's target folder. */
export function targetLayoutOf(p: { readonly dir: string; readonly config: { readonly targetPath: string }; readonly packages: readonly PackageInfo[] }): TargetLayout {
  return { targetPath: p.config.targetPath, inPackage: packageRelativePaths(p.dir, p.packages) };
}

/** What names a node's file under compiled/ and run/. */
export interface NodeFileShape {
  readonly resourceType: string;
  readonly originalFilePath: string;
  readonly name: string;
  readonly packageName: string;
  /** A generic test (or unit test): one of the many a YAML file declares. */
  readonly generic: boolean;
  readonly alias?: unknown;
}

export function nodeFileShape(node: GraphNode): NodeFileShape {
  const generic = (node.resourceType === 'test' && !!node.testMetadata) || node.resourceType === 'unit_test';
  return { resourceType: node.resourceType, originalFilePath: node.originalFilePath, name: node.name, packageName: node.packageName, generic, alias: node.config.alias };
}

/**
 * `<package>/<file>`, under `compiled/` (and `run/`), as dbt names it: the node's package, then
 * its path in that package. Generic and unit tests live in a YAML file that declares many: each
 * gets a file named after it under that path (a generic test after its alias, dbt's short name
 * past 63 characters; a unit test under dbt's pseudo path, the YAML file's folder again).
 */
export function compiledFileOf(s: NodeFileShape, inPackage: TargetLayout['inPackage']): string {
  const path = inPackage(s.packageName, s.originalFilePath);
  if (!s.generic) return `${s.packageName}/${path}`;
  if (s.resourceType === 'unit_test') return `${s.packageName}/${path}/${posix.join(posix.dirname(path), testFileName(s.name, undefined))}`;
  return `${s.packageName}/${path}/${testFileName(s.name, s.alias)}`;
}

/** `<target-path>/compiled/<package>/<file>`, relative to the project directory. */
export function compiledPathOf(layout: TargetLayout, node: GraphNode): string {
  return join(layout.targetPath, 'compiled', compiledFileOf(nodeFileShape(node), layout.inPackage));
}

/** A unit test's fixture for input `name`: `<target-path>/compiled/<package>/<yaml file>/<name>.sql`, beside the test's own folder. */
export function fixturePathOf(layout: TargetLayout, node: GraphNode, name: string): string {
  return join(layout.targetPath, 'compiled', node.packageName, layout.inPackage(node.packageName, node.originalFilePath), `${name}.sql`);
}

/** `<target-path>/run/<package>/<file>`: the statements a node ran, beside its compiled SQL. */
export function runPathOf(layout: TargetLayout, node: GraphNode): string {
  return compiledPathOf(layout, node).replace(/(^|\/)compiled\//, '$1run/');
}

/**
 * Whether dbt 1.11 gives a node a `compiled_path` once it has compiled it: models (ephemeral
 * ones too), analyses and data tests; a snapshot's stays null (dbt writes no compiled file for
 * it), a seed has none.
 */
export function hasCompiledPath(node: GraphNode): boolean {
  const t = node.resourceType;
  return (t === 'model' || t === 'analysis' || t === 'test') && 'compiledCode' in node && node.compiledCode !== undefined;
}
