import type { GraphNode } from '../types.ts';

/**
 * What dbt 1.11.16 adds to a data test's `depends_on.macros` beyond what its parse records
 * (recorded with dbt-duckdb 1.11.1, 6 Dec 2026): compiling a generic test renders its model
 * argument through `get_where_subquery` (which parse does not render for dbt's own `unique` and
 * `not_null`), added once, after those listed, and only when the manifest has the macro.
 * Undefined: nothing to add. (Running a test, dbt's materialization adds `get_limit_subquery_sql`,
 * `should_store_failures` and `statement`; sm's run leaves the manifest as compile wrote it: see
 * `ranOtherSql` in api.ts.)
 */
export function testMacrosAfterCompile(n: GraphNode, rootProject: string, has: (id: string) => boolean): string[] | undefined {
  if (n.resourceType !== 'test') return undefined;
  const out = [...n.dependsOn.macros];
  const add = (id: string | undefined) => void (id && has(id) && !out.includes(id) && out.push(id));
  if (n.testMetadata && !out.some((id) => id.endsWith('.get_where_subquery'))) {
    add([`macro.${rootProject}.get_where_subquery`, 'macro.dbt.get_where_subquery'].find(has));
  }
  return out.length === n.dependsOn.macros.length ? undefined : out;
}
