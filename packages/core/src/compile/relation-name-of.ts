import { printedRelationName } from '../render/relation.ts';
import type { GraphNode } from '../types.ts';
import type { Compilation } from './compilation.ts';

/** A node's relation as compiled SQL names it (the manifest's relation_name); none for ephemerals, tests and exposures. */
export function relationNameOf(c: Pick<Compilation, 'adapter' | 'project'>, n: GraphNode): string | undefined {
  if (n.resourceType === 'model' || n.resourceType === 'snapshot') {
    if (n.config.materialized === 'ephemeral') return undefined;
    return printedRelationName(n.relation, c.adapter.dialect, c.project.target);
  }
  if (n.resourceType === 'seed' || n.resourceType === 'source') return printedRelationName(n.relation, c.adapter.dialect, c.project.target);
  return undefined;
}
