import type { Dialect, QuotedParts, TargetConfig } from '../adapter.ts';
import type { GraphNode } from '../types.ts';
import { storeFailuresAs, testRelation } from '../project/test-nodes.ts';
import { printedRelationName } from './relation.ts';

/** A node's relation as compiled SQL names it (the manifest's relation_name); none for ephemerals, exposures and tests that store no failures. */
export function nodeRelationName(n: GraphNode, dialect: Dialect, target: TargetConfig, projectQuoting?: QuotedParts): string | undefined {
  if (n.resourceType === 'model' || n.resourceType === 'snapshot') {
    if (n.config.materialized === 'ephemeral') return undefined;
    return printedRelationName(n.relation, dialect, target);
  }
  if (n.resourceType === 'seed') return printedRelationName(n.relation, dialect, target);
  // dbt names a source here with the project's `quoting:` under the source's own (source() in SQL follows the source's only).
  if (n.resourceType === 'source') return printedRelationName(projectQuoting ? { ...n.relation, quoted: { ...projectQuoting, ...n.quoting } } : n.relation, dialect, target);
  // A test that stores its failures names where (dbt 1.11 writes it at parse from the test's config).
  if (n.resourceType === 'test') {
    const as = storeFailuresAs(n, undefined);
    return as === 'table' || as === 'view' ? printedRelationName(testRelation(n, target), dialect, target) : undefined;
  }
  return undefined;
}
