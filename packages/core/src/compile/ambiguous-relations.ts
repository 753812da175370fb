import type { Dialect, Relation, TargetConfig } from '../adapter.ts';
import { diag, type Diagnostic } from '../diagnostics.ts';
import { printedRelationName } from '../render/relation.ts';
import type { GraphNode, TestNode } from '../types.ts';
import { testRelation } from '../project/test-nodes.ts';

/**
 * Two models, seeds or snapshots (ephemeral models too, as dbt counts them) that would be built
 * as one relation: dbt 1.11 refuses the project when it parses (AmbiguousAliasError, exit 2),
 * where building both would replace one with the other or fail half way. Recorded from dbt
 * 1.11.16 with a model named as a seed, and as a package's model:
 *   dbt found two resources with the database representation ""warehouse"."main"."raw_orders"".
 *   dbt cannot create two resources with identical database representations. To fix this,
 *   change the configuration of one of these resources:
 *   - model.efuzz.raw_orders (models/marts/raw_orders.sql)
 *   - seed.efuzz.raw_orders (seeds/raw_orders.csv)
 */
export function ambiguousRelationDiagnostics(nodes: ReadonlyMap<string, GraphNode>, dialect: Dialect, target: TargetConfig, rootPackage: string, storeFailuresFlag?: boolean): Diagnostic[] {
  const first = new Map<string, GraphNode>();
  const out: Diagnostic[] = [];
  for (const n of nodes.values()) {
    const rel = n.resourceType === 'test' ? storedFailuresRelation(n, target, storeFailuresFlag) : n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot' ? n.relation : undefined;
    if (!rel) continue;
    const name = printedRelationName(rel, dialect, target);
    const other = first.get(name);
    if (!other) {
      first.set(name, n);
      continue;
    }
    const where = (x: GraphNode) => `${x.uniqueId} (${x.originalFilePath})`;
    // The location is a file of the project when one of the two is the project's own.
    const at = n.packageName === rootPackage || other.packageName !== rootPackage ? n : other;
    out.push(
      diag('SM_DUPLICATE_NODE', `Two resources would be built as the one relation ${name}: ${where(other)} and ${where(n)}`, { file: at.originalFilePath }, {
        nodeId: at.uniqueId,
        hint: 'Rename one of them, or give one another alias, schema or database in its config.',
      }),
    );
  }
  return out;
}

/**
 * A data test that stores its failures is a relation too (dbt's TestShouldStoreFailures.is_relational:
 * its config's store_failures, else --store-failures). dbt 1.11.16 on dbt-expectations' integration
 * tests with --store-failures: two tests of one column with one name (their hashed aliases alike)
 * "dbt found two resources with the database representation
 * "it.dbt_test__audit.dbt_expectations_expect_column_50fe8158b4b65c99f8593f7471f8d775"", exit 2.
 */
function storedFailuresRelation(t: TestNode, target: TargetConfig, flag: boolean | undefined): Relation | undefined {
  if (t.config.enabled === false || !(t.config.store_failures || (t.config.store_failures == null && flag))) return undefined;
  return testRelation(t, target);
}
