import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GraphNode, TestNode } from '../types.ts';
import { redact } from './redact.ts';
import type { RunnerOptions } from './runner.ts';

/** target/compiled/<project>/<file>: the SQL a node's template rendered to. */
export function compiledPathOf(o: RunnerOptions, node: GraphNode): string {
  const project = o.compiled.project.config.name;
  // Generic and unit tests live in a YAML file that holds many: each gets a file under it.
  const file = (node.resourceType === 'test' && (node as TestNode).testMetadata) || node.resourceType === 'unit_test' ? `${node.originalFilePath}/${node.name}.sql` : node.originalFilePath;
  return join(o.compiled.project.config.targetPath, 'compiled', project, file);
}

export function writeCompiled(o: RunnerOptions, node: GraphNode, sql: string): string {
  const rel = compiledPathOf(o, node);
  const abs = join(o.compiled.project.dir, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, `${redact(sql, o.secrets)}\n`);
  return rel;
}

export function writeRunSql(o: RunnerOptions, node: GraphNode, statements: string[]): void {
  if (!statements.length) return;
  const rel = compiledPathOf(o, node).replace(/(^|\/)compiled\//, '$1run/');
  const abs = join(o.compiled.project.dir, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, `${redact(statements.join(';\n\n'), o.secrets)};\n`);
}
