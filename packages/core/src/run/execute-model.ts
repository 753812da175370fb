import { incrementalConfigError, isIncrementalRun, planIncremental, planTable, planView } from '../plan/plan.ts';
import { incrementalSqlOf } from '../plan/incremental-sql.ts';
import type { Plan } from '../plan/step.ts';
import { auditRelation, auditTests, planAudited, wantsAudit, type AuditOutcome } from '../plan/audit-plan.ts';
import type { GraphNode, ModelNode } from '../types.ts';
import { executeCustom, findMaterialization } from './execute-custom.ts';
import { executeExternal } from './execute-external.ts';
import { executeMicrobatch } from './execute-microbatch.ts';
import { executePython } from './execute-python.ts';
import { isMicrobatch } from '../plan/microbatch.ts';
import { defaultDatabaseOf, printedRelationName } from '../render/relation.ts';
import type { ExecOutcome, NodeContext } from './node-context.ts';
import { nodeHooks, withHooks } from '../plan/hooks.ts';
import { contractCheck, contractIncomplete, contractMismatch, type DescribedColumn } from '../plan/contract.ts';
import { contractTable } from '../plan/constraint-ddl.ts';
import { describedColumns } from './described-columns.ts';
import { applyGrants } from './grants.ts';
import { CompilerError } from '../render/template-diagnostic.ts';

/** Views, tables, incremental, external and ephemeral models: compiled SQL in, one plan out, run by the plan executor. */
export async function executeModel(node: GraphNode, x: NodeContext): Promise<ExecOutcome> {
  const m = node as ModelNode;
  const mat = String(m.config.materialized);
  if (mat === 'ephemeral') return { status: 'success', message: 'ephemeral: inlined where referenced' };
  if (mat === 'external') return executeExternal(m, x);
  await x.ensureSchema(m.relation);
  const existing = await x.existing(m.relation);
  if ((mat === 'table' || mat === 'incremental') && !isIncrementalRun(m, existing, x.plan)) {
    // As dbt-duckdb's table and incremental materializations check partition_by before creating the table.
    const { dialect } = x.run.adapter;
    const bad = dialect.tableConfigError?.(m.config);
    if (bad) throw new CompilerError(bad);
    const printed = dialect.relationName({ ...m.relation, database: m.relation.database ?? defaultDatabaseOf(dialect, x.run.project.target) });
    for (const said of dialect.tableConfigIgnored?.(m.config, printed) ?? []) x.adapterWarning(said);
    // dbt's warnings for the contract's constraints the warehouse does not enforce or support, as it creates the table.
    for (const w of contractTable(m, dialect)?.warnings ?? []) x.run.onEvent({ type: 'log', level: 'warn', message: w.message });
  }
  if (m.pythonCode !== undefined) return executePython(m, x, existing);
  if (mat !== 'view' && mat !== 'table' && mat !== 'incremental') {
    // A project's own {% materialization %}: run as dbt runs it.
    const custom = findMaterialization(x.run.macros, x.run.project.config.name, mat, x.run.adapter.dialect.name);
    if (custom) return executeCustom(m, x, custom);
    throw new CompilerError(`Unknown materialization "${mat}" on ${m.name} (${m.originalFilePath}): no {% materialization ${mat} %} in the project's macros. Use view, table, incremental, external or ephemeral, or define it.`);
  }
  if (mat === 'incremental') {
    const bad = incrementalConfigError(m);
    if (bad) throw new CompilerError(bad);
    if (isMicrobatch(m)) return executeMicrobatch(m, x, existing);
  }
  // Decided once, here, from the catalog and the flags; compile rendered the SQL for either answer.
  const incremental = isIncrementalRun(m, existing, x.plan);
  // A template that asked the warehouse is rendered now, with it; the rest ran in compile.
  const sql = m.needsWarehouse ? await x.renderLive({ node: m, incremental }) : incremental ? incrementalSqlOf(m) : (m.compiledCode ?? '');
  const path = x.compiled(sql);
  // Only comments (a file whose SQL was all commented out): DuckDB would say 'syntax error at or near ")"' about sm's own wrapping.
  if (!hasStatement(sql)) throw new CompilerError(`Model ${m.name} (${m.originalFilePath}) has no SQL to run: what it compiles to is blank or only comments. Write its select, or delete the file (an empty file is skipped, as dbt skips it).`);
  await enforceContract(m, sql, x);
  let plan: Plan;
  // Write-audit-publish: built beside, tested there, swapped in only when the tests pass.
  const audit = wantsAudit(m, x.run.flags.audit) ? { passed: [], warned: [], failed: [] } as AuditOutcome : undefined;
  if (audit) {
    const tests = auditTests(m, x.run.nodes, x.run.graph, (r) => printedRelationName(r, x.run.adapter.dialect, x.run.project.target));
    plan = planAudited(m, sql, existing, incremental, x.run.flags.testWarnFails ? tests.map((t) => ({ ...t, warnFails: true })) : tests, x.plan, audit);
  }
  else if (mat === 'view') plan = planView(m, sql, existing, x.plan);
  else if (mat === 'table' || (mat === 'incremental' && !incremental)) plan = planTable(m, sql, existing, x.plan);
  else if (mat === 'incremental') plan = planIncremental(m, sql, existing!.columns, x.plan);
  else throw new Error(`internal: no plan for materialization ${mat}`);
  const rel = m.relation;
  let rows: number;
  try {
    rows = (await x.runPlan(withHooks(plan, nodeHooks(m), x.plan.capabilities), incremental)).rows;
  } finally {
    // An audit replaces the relation (or leaves its shadow): what the run knew of both is stale.
    if (audit) await x.remember(auditRelation(rel), undefined);
  }
  await x.remember(rel, mat === 'view' ? { schema: rel.schema, identifier: rel.identifier, kind: 'view', columns: [] } : undefined);
  // Updated in place, the relation kept its grants; replaced, only where the warehouse copies them (dbt's should_revoke).
  await applyGrants(m.config, rel, x, !!existing && (incremental || x.run.adapter.dialect.copiesGrants(m.config)));
  await persistDocs(m, mat === 'view' ? 'view' : 'table', x);
  if (audit) {
    // The node's message stays what dbt readers expect; the audit is a log line (a warning when a test warned).
    const n = audit.passed.length + audit.warned.length;
    const warned = audit.warned.length ? `; ${audit.warned.length} warned: ${audit.warned.join(', ')}` : '';
    x.run.onEvent({ type: 'log', level: audit.warned.length ? 'warn' : 'debug', message: `${m.name}: audited in ${audit.inTransaction ? 'the transaction that applied its new rows' : x.run.adapter.dialect.relationName(auditRelation(rel))} (${n} test${n === 1 ? '' : 's'} passed${warned}) and published` });
  }
  return {
    status: 'success',
    message: incremental ? `+${rows} rows` : mat === 'view' ? 'CREATE VIEW' : 'CREATE TABLE',
    relationName: printedRelationName(rel, x.run.adapter.dialect, x.run.project.target),
    compiledPath: path,
    compiledCode: sql,
    rowsAffected: incremental ? rows : undefined,
  };
}

/** dbt's enforced model contract, checked before anything is built: a breach fails the node and leaves the relation as it was. */
async function enforceContract(m: ModelNode, sql: string, x: NodeContext): Promise<void> {
  const c = contractCheck(m, sql, x.run.adapter.dialect);
  if (!c) return;
  if (!c.declared) throw new Error(contractIncomplete(m, c.missingTypes));
  const described = async (q: string): Promise<DescribedColumn[]> => describedColumns(await x.exec(q));
  const bad = contractMismatch(m, await described(c.query), await described(c.declared));
  if (bad) throw new Error(bad);
}

/**
 * dbt's `persist_docs`: with `relation: true` the model's description becomes the relation's
 * comment, with `columns: true` each documented column's description its column's comment (only
 * columns the relation has, as dbt does). Run once the relation is in place.
 */
async function persistDocs(m: ModelNode, kind: 'table' | 'view', x: NodeContext): Promise<void> {
  const p = m.config.persist_docs as { relation?: unknown; columns?: unknown } | undefined;
  if (!p || typeof p !== 'object') return;
  const d = x.run.adapter.dialect;
  const steps: string[] = [];
  if (p.relation === true && m.description) steps.push(d.commentOn(kind, m.relation, m.description));
  if (p.columns === true) {
    const documented = Object.values(m.columns).filter((c) => c.description);
    const present = documented.length ? new Set((await x.columns(m.relation))?.map((c) => c.name.toLowerCase()) ?? []) : new Set<string>();
    for (const c of documented) if (present.has(c.name.toLowerCase())) steps.push(d.commentOn(kind, m.relation, c.description, c.name));
  }
  for (const s of steps) await x.exec(s);
}

/** Whether SQL holds anything but comments, whitespace and semicolons. */
function hasStatement(sql: string): boolean {
  return !/^[\s;]*$/.test(sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' '));
}
