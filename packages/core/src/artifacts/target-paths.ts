import { join } from 'node:path';
import { testFileName } from '../project/test-nodes.ts';
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
 * tests live in a YAML file that declares many: each gets a file named after it (a generic test
 * after its alias, dbt's short name past 63 characters) under that path.
 */
export function compiledPathOf(layout: TargetLayout, node: GraphNode): string {
  const oneOfMany = (node.resourceType === 'test' && node.testMetadata) || node.resourceType === 'unit_test';
  const file = oneOfMany ? `${node.originalFilePath}/${testFileName(node.name, node.resourceType === 'test' ? node.config.alias : undefined)}` : node.originalFilePath;
  return join(layout.targetPath, 'compiled', layout.projectName, file);
}

/** `<target-path>/run/<project>/<file>`: the statements a node ran, beside its compiled SQL. */
export function runPathOf(layout: TargetLayout, node: GraphNode): string {
  return compiledPathOf(layout, node).replace(/(^|\/)compiled\//, '$1run/');
}
