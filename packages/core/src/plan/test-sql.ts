import type { TestNode } from '../types.ts';

/** Wrap a test's failing-rows query so one round trip says how many failed and what that means. */
export function testResultSql(node: TestNode, sql: string): string {
  const c = node.config;
  const failCalc = typeof c.fail_calc === 'string' ? c.fail_calc : 'count(*)';
  const warnIf = typeof c.warn_if === 'string' ? c.warn_if : '!= 0';
  const errorIf = typeof c.error_if === 'string' ? c.error_if : '!= 0';
  const limit = typeof c.limit === 'number' ? `\nlimit ${c.limit}` : '';
  return [
    `select ${failCalc} as failures,`,
    `  case when ${failCalc} ${warnIf} then true else false end as should_warn,`,
    `  case when ${failCalc} ${errorIf} then true else false end as should_error`,
    `from (\n${sql}${limit}\n) sm_test`,
  ].join('\n');
}
