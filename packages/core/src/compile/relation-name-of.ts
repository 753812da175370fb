import type { GraphNode } from '../types.ts';
import { nodeRelationName } from '../render/node-relation-name.ts';
import type { Compilation } from './compilation.ts';

/** A node's relation as compiled SQL names it (the manifest's relation_name); none for ephemerals, exposures and tests that store no failures. */
export function relationNameOf(c: Pick<Compilation, 'adapter' | 'project'>, n: GraphNode): string | undefined {
  return nodeRelationName(n, c.adapter.dialect, c.project.target, c.project.config.quoting);
}
