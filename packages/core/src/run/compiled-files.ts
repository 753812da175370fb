import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GraphNode, TestNode } from '../types.ts';
import { redact } from './redact.ts';
import type { RunnerOptions } from './runner.ts';

/** target/compiled/<project>/<file>: the SQL a node's template rendered to. */
export function compiledPathOf(o: RunnerOptions, node: GraphNode): string {
  const project = o.compiled.project.config.name;
  const file = node.resourceType === 'test' && (node as TestNode).testMetadata ? `${node.originalFilePath}/${node.name}.sql` : node.originalFilePath;
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
