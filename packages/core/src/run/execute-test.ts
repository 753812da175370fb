import type { Relation } from '../adapter.ts';
import { planTable, planView } from '../plan/plan.ts';
import { testResultSql, withLimit } from '../plan/test-sql.ts';
import type { GraphNode, ModelNode, TestNode } from '../types.ts';
import type { NodeStatus } from '../events.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';
import { storeFailuresAs, testRelation } from '../project/test-nodes.ts';
import { findRelation } from '../relation-lookup.ts';
import { printedRelationName } from '../render/relation.ts';

/** Data tests: one query returns the failing-row count and whether it warns or errors. */
export async function executeTest(node: GraphNode, x: NodeContext): Promise<ExecOutcome> {
  const t = node as TestNode;
  const sql = t.needsWarehouse ? await x.renderLive({ node: t }) : (t.compiledCode ?? '');
  const path = x.compiled(sql);
  const storeAs = storeFailuresAs(t, x.run.flags.storeFailures);
  if (storeAs === 'invalid') throw new Error(`${t.declaredAt?.file ?? t.originalFilePath}: store_failures_as of ${t.name} is "${String(t.config.store_failures_as)}"; use table, view or ephemeral`);
  let res;
  let storedIn: string | undefined;
  try {
    // Stored on every run, passing or not, so rows of an earlier failure never linger as if current; then counted from where they are, as dbt does.
    if (storeAs) storedIn = await storeFailures(t, withLimit(t, sql), storeAs, x);
    const main = testResultSql(t, sql, storedIn);
    // target/run holds the counting statement alone, as dbt writes it.
    x.runFile(main);
    res = await x.exec(main);
  } catch (e) {
    throw (await missingColumnError(t, x)) ?? e;
  }
  const row = res.rows[0] ?? {};
  const failures = Number(row.failures ?? 0);
  const severity = String(t.config.severity ?? 'error').toLowerCase();
  let status: NodeStatus = 'pass';
  if (severity !== 'warn' && truthy(row.should_error)) status = 'fail';
  else if (truthy(row.should_warn)) status = 'warn';
  // As dbt: under --warn-error (or warn_error_options naming LogTestResult) the warning is a failure, judged by warn_if.
  const warnFails = status === 'warn' && x.run.flags.testWarnFails;
  if (warnFails) status = 'fail';
  const message =
    status === 'pass' ? 'PASS' : `Got ${failures} result${failures === 1 ? '' : 's'}, configured to ${status === 'warn' ? 'warn' : 'fail'} if ${String(t.config[status === 'warn' || warnFails ? 'warn_if' : 'error_if'] ?? '!= 0')}`;
  // dbt's run_results name the relation a test stored its failures in. A pass counts no failures, as in dbt,
  // even when rows came back below the warn_if/error_if thresholds.
  return { status, message, failures: status === 'pass' ? 0 : failures, compiledPath: path, compiledCode: sql, storedFailuresIn: storedIn, ...(storedIn ? { relationName: storedIn } : {}) };
}

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === 1n || v === 'true';
}

/** The failing rows land in a relation named after the test, in `<schema>_dbt_test__audit` as dbt does. */
async function storeFailures(t: TestNode, sql: string, as: 'table' | 'view', x: NodeContext): Promise<string> {
  const d = x.run.adapter.dialect;
  const target = x.run.project.target;
  const rel: Relation = testRelation(t, target);
  const release = x.writeLock ? await x.writeLock.lock() : undefined;
  try {
    await x.ensureSchema(rel);
    const existing = await x.existing(rel);
    // Replaced as a model of that materialization is: a table never half-built, the other kind dropped first.
    const node = { relation: rel, config: {} } as Pick<ModelNode, 'relation' | 'config'> as ModelNode;
    await x.runPlan(as === 'view' ? planView(node, sql, existing, x.plan) : planTable(node, sql, existing, x.plan));
    await x.remember(rel, as === 'view' ? { schema: rel.schema, identifier: rel.identifier, kind: as, columns: [] } : undefined);
  } finally {
    release?.();
  }
  return printedRelationName(rel, d, target);
}

/**
 * When a column test's query fails, look at the tested relation's real columns: a column the
 * YAML names but the relation lacks gets an error naming the YAML line, not the warehouse's binder message.
 */
async function missingColumnError(t: TestNode, x: NodeContext): Promise<Error | undefined> {
  const node = t.attachedNode ? x.run.nodes.get(t.attachedNode) : undefined;
  if (!node || !t.columnName || !/^[A-Za-z_]\w*$/.test(t.columnName) || !('relation' in node) || !node.relation) return undefined;
  const rel = node.relation;
  try {
    const info = findRelation(x.run.adapter.dialect, await x.conn.describe(rel.schema, rel.database, undefined, rel.quoted), rel);
    if (!info?.columns.length || info.columns.some((c) => c.name.toLowerCase() === t.columnName!.toLowerCase())) return undefined;
    const where = t.declaredAt ? `${t.declaredAt.file}${t.declaredAt.line ? `:${t.declaredAt.line}` : ''}` : t.originalFilePath;
    return new Error(
      `${where}: test ${t.name} checks column "${t.columnName}" of ${node.name}, which ${x.run.adapter.dialect.relationName(rel)} does not have (it has: ${info.columns.map((c) => c.name).join(', ')}). Fix the column name in the YAML or add the column to ${node.originalFilePath}.`,
    );
  } catch {
    return undefined;
  }
}
