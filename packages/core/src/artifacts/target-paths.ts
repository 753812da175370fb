import { join } from 'node:path';
import type { GraphNode } from '../types.ts';

/** Where a project writes what one node compiled to and what it ran. */
export interface TargetLayout {
  /** The project's name: files go under `<target-path>/compiled/<name>/`. */
  readonly projectName: string;
  /** `target-path` of the project file, relative to the project directory. */
  readonly targetPath: string;
}

/**
 * `<target-path>/compiled/<project>/<file>`, relative to the project directory. Generic and unit
 * tests live in a YAML file that declares many: each gets a file named after it under that path.
 */
export function compiledPathOf(layout: TargetLayout, node: GraphNode): string {
  const oneOfMany = (node.resourceType === 'test' && node.testMetadata) || node.resourceType === 'unit_test';
  // A generic test's file is named by its alias (dbt's short name past 63 characters), as compile names it.
  const alias = node.resourceType === 'test' && typeof node.config.alias === 'string' && node.config.alias ? node.config.alias : node.name;
  const file = oneOfMany ? `${node.originalFilePath}/${alias}.sql` : node.originalFilePath;
  return join(layout.targetPath, 'compiled', layout.projectName, file);
}

/** `<target-path>/run/<project>/<file>`: the statements a node ran, beside its compiled SQL. */
export function runPathOf(layout: TargetLayout, node: GraphNode): string {
  return compiledPathOf(layout, node).replace(/(^|\/)compiled\//, '$1run/');
}
