import type { TestNode } from '../types.ts';

/**
 * The statement a data test runs, as dbt 1.11's test materialization writes it (recorded from
 * dbt-core 1.11.16 with dbt-duckdb 1.11.1 in packages/cli/test/test-run-files.test.ts): the failing
 * rows (`limit` applied inside, as get_limit_subquery_sql spaces it), or, when the test stored them,
 * `select *` from the relation that holds them; counted by `fail_calc` and judged by `warn_if` and
 * `error_if` in one round trip.
 */
export function testResultSql(node: TestNode, sql: string, storedIn?: string): string {
  const c = node.config;
  const failCalc = typeof c.fail_calc === 'string' ? c.fail_calc : 'count(*)';
  const warnIf = typeof c.warn_if === 'string' ? c.warn_if : '!= 0';
  const errorIf = typeof c.error_if === 'string' ? c.error_if : '!= 0';
  const main = storedIn === undefined ? `\n    ${withLimit(node, sql)}\n  ` : `\n        select *\n        from ${storedIn}\n    `;
  return `\n    \n    select
      ${failCalc} as failures,
      ${failCalc} ${warnIf} as should_warn,
      ${failCalc} ${errorIf} as should_error
    from (
      ${main}
      
    ) dbt_internal_test`;
}

/** A test's failing rows with its `limit` (dbt's get_limit_subquery_sql): what it counts, and what it stores. */
export function withLimit(node: TestNode, sql: string): string {
  const limit = node.config.limit;
  return `\n  ${sql}\n  ${typeof limit === 'number' ? `\n  limit ${limit}` : ''}`;
}
