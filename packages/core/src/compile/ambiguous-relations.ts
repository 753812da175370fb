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
  const folded = new Map<string, { node: GraphNode; name: string }>();
  const out: Diagnostic[] = [];
  for (const n of nodes.values()) {
    const rel = n.resourceType === 'test' ? storedFailuresRelation(n, target, storeFailuresFlag) : n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot' ? n.relation : undefined;
    if (!rel) continue;
    const name = printedRelationName(rel, dialect, target);
    const key = foldedName(rel, name, dialect);
    const twin = folded.get(key);
    // An ephemeral model is never built, so its name can be another's in all but case.
    if (n.config.materialized === 'ephemeral') {
      // (dbt's exact-name check below still counts it)
    } else if (!twin) folded.set(key, { node: n, name });
    else if (twin.name !== name) out.push(caseTwinDiagnostic(twin.node, twin.name, n, name));
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
 * The name as the warehouse resolves it: DuckDB compares every identifier case-insensitively,
 * quoted or not; Snowflake folds the parts it does not quote.
 */
function foldedName(rel: Relation, printed: string, dialect: Dialect): string {
  if (rel.external) return printed;
  if (dialect.identifierCase === 'insensitive') return printed.toLowerCase();
  const part = (p: 'database' | 'schema' | 'identifier', v: string | undefined) => (v === undefined ? '' : rel.quoted?.[p] ? v : dialect.normalizeIdentifier(v));
  return [part('database', rel.database), part('schema', rel.schema), part('identifier', rel.identifier)].join('\u0000');
}

/**
 * Two resources whose names differ only in case (models/a.sql and models/A.sql) are one relation
 * in the warehouse: dbt 1.11.16's parse lets them by (its check compares the printed names) and its
 * build fails the second as it renames into the first (exit 1):
 *   Failure in model A (models/A.sql)
 *     Internal Error
 *     Cache inconsistency detected: in rename, new key _ReferenceKey(database='db', schema='main', identifier='a') already in cache
 * sm built both, the second replacing the first, exit 0. Now the second fails as it starts, naming
 * both, and what reads it is skipped.
 */
function caseTwinDiagnostic(first: GraphNode, firstName: string, n: GraphNode, name: string): Diagnostic {
  return diag('SM_DUPLICATE_NODE', `${n.uniqueId} would be built as ${name}, which the warehouse takes for ${firstName}, the relation of ${first.uniqueId} (${first.originalFilePath}): their names differ only in case`, { file: n.originalFilePath }, {
    nodeId: n.uniqueId,
    atCompile: true,
    hint: 'Rename one of them (or give it another alias) so that the names differ in more than case.',
  });
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
