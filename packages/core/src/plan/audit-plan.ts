/**
 * Write-audit-publish: a table or incremental model is built into a shadow relation beside it,
 * its tests run against the shadow, and only when they pass is the shadow swapped in, in one
 * atomic step. A failing audit leaves the published table as it was and keeps the shadow for
 * inspection. Pure: the plan's last audit query decides, at run time, between publishing and
 * failing the node.
 */
import type { ColumnDef, RelationInfo, Relation } from '../adapter.ts';
import { ancestors, type Dag } from '../graph/build-graph.ts';
import type { GraphNode, ModelNode, TestNode } from '../types.ts';
import { planIncremental, tempRelation, uniqueKeyOf, type PlanContext } from './plan.ts';
import { sql, type Plan, type Step } from './step.ts';
import { testResultSql } from './test-sql.ts';

/** A test the audit runs: its result query, pointed at the shadow. */
export interface AuditTest {
  readonly id: string;
  readonly name: string;
  /** One row: failures, should_warn, should_error (see testResultSql), read from the shadow. */
  readonly sql: string;
  /** The same, read from the published relation (an audit inside the transaction that changes it). */
  readonly publishedSql: string;
  /**
   * Set for `unique` on an incremental model's unique key: the published relation's rows whose
   * key is among the rows the run applies (its stage, `<name>__sm_new`), read inside that
   * transaction instead of `publishedSql` (scopedUniqueSql).
   */
  readonly scopedSql?: string | undefined;
  /**
   * Set for `not_null` and `accepted_values` on an incremental model: the same test read from
   * the run's stage, used in that transaction when `stageColumn` is written from the stage
   * unchanged (rowLocalColumn, stageWrites).
   */
  readonly stageSql?: string | undefined;
  readonly stageColumn?: string | undefined;
  readonly severity: 'error' | 'warn';
  /** A warning fails the audit (--warn-error, or warn_error_options naming LogTestResult), as it fails the test in `sm test`. */
  readonly warnFails?: boolean | undefined;
}

/** The shadow an audited model is built into: `<name>__sm_audit` beside it. */
export function auditRelation(rel: Relation): Relation {
  return tempRelation(rel, 'audit');
}

/** Whether a model is built with write-audit-publish: its `audit` config, else `--audit`; tables and incremental models only. */
export function wantsAudit(node: ModelNode, flag: boolean | undefined): boolean {
  const mat = node.config.materialized;
  if (mat !== 'table' && mat !== 'incremental') return false;
  const c = node.config.audit;
  return c === true || (c === undefined && !!flag);
}

/**
 * The tests that audit `model`: every test of it whose other parents are built before it (a
 * relationships test from a child model to this one audits the child, not this model). Each
 * test's SQL reads the shadow instead of the published relation.
 */
export function auditTests(model: ModelNode, nodes: ReadonlyMap<string, GraphNode>, graph: Dag, relationName: (rel: Relation) => string): AuditTest[] {
  const before = ancestors(graph, model.uniqueId);
  // As ref() prints them (DuckDB: with the database), else without the database (database none,
  // ''): that name is in every printed form, and replacing it keeps whatever database part precedes it.
  const names = (database: string | undefined) => ({
    published: relationName({ ...model.relation, database }),
    shadow: relationName({ ...auditRelation(model.relation), database }),
    stage: relationName({ ...tempRelation(model.relation, 'new'), database }),
  });
  const whole = names(model.relation.database);
  const bare = names('');
  const out: AuditTest[] = [];
  for (const id of graph.successors(model.uniqueId) ?? []) {
    const t = nodes.get(id);
    if (t?.resourceType !== 'test' || !t.dependsOn.nodes.includes(model.uniqueId)) continue;
    if (!t.dependsOn.nodes.every((p) => p === model.uniqueId || before.has(p))) continue;
    const text = (t as TestNode).compiledCode ?? '';
    const named = text.includes(whole.published) ? whole : bare;
    const { published, shadow, stage } = named;
    if (!text.includes(published)) {
      throw new Error(`Cannot audit ${model.name}: the SQL of its test ${t.name} does not name ${published} as ref() writes it, so it cannot be pointed at the shadow. Write the test with ref('${model.name}'), or build ${model.name} with audit: false.`);
    }
    const severity = String(t.config.severity ?? 'error').toLowerCase() === 'warn' ? 'warn' : 'error';
    const reading = (rel: string) => text.split(published).join(rel);
    // Scoped or read from the stage only where the name stands alone (a database part before it would qualify the subquery).
    const standalone = named === whole || !text.includes(`.${published}`);
    const key = standalone ? scopedUniqueKey(model, t as TestNode) : undefined;
    const column = standalone ? rowLocalColumn(model, t as TestNode) : undefined;
    // dbt's own relationships test, as its macro wrote it: counted by child value (relationshipsCount).
    const counted = relationshipsCount(t as TestNode, text);
    const result = (sql: string) => (counted ? testResultSql(counted.node, counted.sql(sql)) : testResultSql(t as TestNode, sql));
    out.push({
      id,
      name: t.name,
      sql: result(reading(shadow)),
      publishedSql: result(text),
      scopedSql: key && testResultSql(t as TestNode, reading(`(select * from ${published} where ${key} in (select ${key} from ${stage}))`)),
      stageSql: column && testResultSql(t as TestNode, reading(stage)),
      stageColumn: column,
      severity,
    });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * dbt's `relationships` test exactly as the built-in macro (render/builtin-tests.ts) writes it,
 * counted for an audit by child value instead of by child row: the child's rows grouped by the
 * column, each group's row count summed over the values no parent row has. The same number of
 * failing rows as the test's own query (a value without a parent fails every row holding it;
 * a value with one fails none), without joining every child row: DuckDB probes the parent's
 * hash table once per distinct value instead of once per row (a month of fact_streams' user_key,
 * 658k rows, 18 → 8 ms of CPU). Only the audit's count changes: `sm test` runs the test's own
 * query, so its failing rows are the rows dbt's would be. Undefined (the test's own query) when
 * the text is not the built-in macro's (a project's own test_relationships), or a fail_calc
 * or limit is configured, which count rows.
 */
export function relationshipsCount(test: TestNode, text: string): { node: TestNode; sql: (text: string) => string } | undefined {
  const meta = test.testMetadata;
  if (!meta || meta.name !== 'relationships' || (meta.namespace !== undefined && meta.namespace !== 'dbt')) return undefined;
  const c = test.config;
  // As testResultSql reads them.
  if ((typeof c.fail_calc === 'string' && c.fail_calc.replace(/\s+/g, '').toLowerCase() !== 'count(*)') || typeof c.limit === 'number') return undefined;
  if (!BUILTIN_RELATIONSHIPS.test(text.trim())) return undefined;
  return {
    node: { ...test, config: { ...test.config, fail_calc: 'coalesce(sum(sm_rows), 0)' } },
    sql: (t) =>
      t.trim().replace(BUILTIN_RELATIONSHIPS, (_m, column: string, model: string, field: string, parent: string) =>
        [
          'with child as (',
          `  select ${column} as from_field, count(*) as sm_rows`,
          `  from ${model}`,
          `  where ${column} is not null`,
          '  group by 1',
          '),',
          'parent as (',
          `  select ${field} as to_field`,
          `  from ${parent}`,
          ')',
          'select child.sm_rows',
          'from child',
          'left join parent on child.from_field = parent.to_field',
          'where parent.to_field is null',
        ].join('\n'),
      ),
  };
}

/** The text of the built-in test_relationships macro (render/builtin-tests.ts): column, model, field, parent. */
const BUILTIN_RELATIONSHIPS =
  /^with child as \(\n    select ([^\n]+) as from_field\n    from ([^\n]+)\n    where \1 is not null\n\),\n\nparent as \(\n    select ([^\n]+) as to_field\n    from ([^\n]+)\n\)\n\nselect\n    from_field\n\nfrom child\nleft join parent\n    on child\.from_field = parent\.to_field\n\nwhere parent\.to_field is null$/;

/**
 * The column when `test` is dbt's `unique` on `model`'s single unique key, the model is
 * incremental and its runs never change the type of a column (on_schema_change other than
 * sync_all_columns). Such a test, run in the transaction that applies an incremental run's rows,
 * needs to read only the rows whose key the run wrote: a merge (or delete+insert) on that key
 * changes no other row's key, so any duplicate the run makes has a copy among them, whether
 * the other copy is new or old. What it no longer reads is a duplicate between two rows the
 * run did not touch, which the table held before the run: the audit that published those rows
 * ran the same test on all of them, and `sm test` (or a --full-refresh build) still reads every
 * row. On a table of a month of listens that is the difference between hashing 658,000 keys
 * and ~2,000 each hour.
 */
export function scopedUniqueKey(model: ModelNode, test: TestNode): string | undefined {
  if (model.config.materialized !== 'incremental' || model.config.on_schema_change === 'sync_all_columns') return undefined;
  const key = uniqueKeyOf(model);
  const column = builtinTestColumn(test, ['unique']);
  return key.length === 1 && column?.toLowerCase() === key[0]!.toLowerCase() ? column : undefined;
}

/** The plain column name a test of dbt's own named `names` is on (undefined for an expression or another test). */
function builtinTestColumn(test: TestNode, names: readonly string[]): string | undefined {
  const meta = test.testMetadata;
  if (!meta || !names.includes(meta.name) || (meta.namespace !== undefined && meta.namespace !== 'dbt')) return undefined;
  const column = meta.kwargs.column_name;
  return typeof column === 'string' && /^[A-Za-z_]\w*$/.test(column.trim()) ? column.trim() : undefined;
}

/**
 * The column when `test` is dbt's `not_null` or `accepted_values` on an incremental `model`:
 * tests that judge each row by its own value of one column. In the transaction that applies an
 * incremental run, the rows the run wrote hold the stage's values of every column the apply
 * writes (merge sets them all on a matched row and inserts the rest; delete+insert and append
 * insert the stage's rows), and no other row changed. So such a test can read the stage
 * (`<name>__sm_new`, an hour's rows) instead of the whole table, and fails on exactly the bad
 * values the run brings. What it no longer reads is a bad value in a row the run did not touch,
 * which the audit that published that row read, and `sm test` (or a --full-refresh build) still
 * reads. Used only when the column is in the stage and in the table with the same type
 * (stageWrites); otherwise the table is read as before.
 */
export function rowLocalColumn(model: ModelNode, test: TestNode): string | undefined {
  return model.config.materialized === 'incremental' ? builtinTestColumn(test, ['not_null', 'accepted_values']) : undefined;
}

/** Whether the apply writes `column` with the stage's values: it is in both, with one type. */
export function stageWrites(current: readonly ColumnDef[], incoming: readonly ColumnDef[]): (column: string) => boolean {
  const norm = (t: string) => t.replace(/\s+/g, '').toUpperCase();
  const find = (list: readonly ColumnDef[], name: string) => list.find((c) => c.name.toLowerCase() === name.toLowerCase());
  return (column) => {
    const a = find(current, column);
    const b = find(incoming, column);
    return !!a && !!b && norm(a.type) === norm(b.type);
  };
}

/** What an audit found, filled in as its queries run. */
export interface AuditOutcome {
  passed: string[];
  warned: string[];
  failed: { name: string; failures: number }[];
  /** Set by the plan: the tests read the published relation inside the transaction that applied the new rows. */
  inTransaction?: boolean;
}

/**
 * Build into the shadow (a table: the query; incremental: a clone of the published table with
 * the new rows applied), run each audit query, then publish: swap where the warehouse swaps
 * (Snowflake), drop and rename in the transaction where DDL is transactional (DuckDB), renames
 * otherwise. The shadow is built and kept outside the transaction, so a failed audit leaves it
 * for inspection and the published table untouched.
 *
 * An incremental run where DDL is transactional (DuckDB) copies nothing: the new rows are
 * applied to the published table and the tests read it inside one transaction, which commits
 * only when they pass; other sessions see yesterday's rows until then. Cloning there would copy
 * the whole table to add an hour's rows (a zero-copy clone is a Snowflake feature). A failed
 * audit rolls back, then builds the shadow the same way as elsewhere, for inspection; a passing
 * one drops the shadow a failed audit may have left.
 */
export function planAudited(node: ModelNode, query: string, existing: RelationInfo | undefined, incremental: boolean, tests: readonly AuditTest[], ctx: PlanContext, outcome: AuditOutcome): Plan {
  const d = ctx.dialect;
  const rel = node.relation;
  const shadow = auditRelation(rel);
  const opts = { adapterConfig: node.config };
  const cloneAndApply = (): Step[] =>
    existing
      ? [
          sql(d.cloneTable ? d.cloneTable(rel, shadow, opts) : d.createOrReplaceTableAs(shadow, `select * from ${d.relationName(rel)}`, opts)),
          ...planIncremental({ ...node, relation: shadow }, query, existing.columns, ctx).steps,
        ]
      : [];
  if (incremental && existing && ctx.capabilities.supportsTransactionalDdl) {
    outcome.inTransaction = true;
    // The stage stays until the audit has read it (scopedSql), then goes with the shadow.
    const stage = tempRelation(rel, 'new');
    const drop = () => [sql(d.dropRelation(stage, 'table')), sql(d.dropRelation(shadow, 'table'))];
    return {
      // The audit is planned once the stage's columns are known: they decide which tests read it.
      steps: planIncremental(node, query, existing.columns, ctx, { keepStage: true, andThen: (current, incoming) => auditSteps(node, tests, outcome, 'scopedSql', ctx, drop, stageWrites(current, incoming)) }).steps,
      transaction: true,
      recover: () => (outcome.failed.length ? [sql(d.dropRelation(shadow, 'table')), ...cloneAndApply()] : []),
    };
  }
  const before: Step[] = [];
  if (incremental && existing) before.push(...cloneAndApply());
  else before.push(sql(d.createOrReplaceTableAs(shadow, query, opts)));
  return { before, steps: auditSteps(node, tests, outcome, 'sql', ctx, () => publish(rel, shadow, existing, ctx)), transaction: ctx.capabilities.supportsTransactionalDdl };
}

/**
 * Each audit query in turn, recording its outcome; then `publish`, or the audit's failure.
 * `fromStage` (in the transaction of an incremental run): whether a test's column can be read from the stage.
 */
function auditSteps(
  node: ModelNode,
  tests: readonly AuditTest[],
  outcome: AuditOutcome,
  which: 'sql' | 'publishedSql' | 'scopedSql',
  ctx: PlanContext,
  publish: () => Step[],
  fromStage?: (column: string) => boolean,
): Step[] {
  const d = ctx.dialect;
  const check = (i: number): Step[] => {
    if (i === tests.length) {
      if (outcome.failed.length) throw new Error(auditFailure(node, outcome, d.relationName(node.relation), d.relationName(auditRelation(node.relation))));
      return publish();
    }
    const t = tests[i]!;
    return [
      {
        kind: 'query',
        sql: which !== 'scopedSql' ? t[which] : t.stageSql && t.stageColumn && fromStage?.(t.stageColumn) ? t.stageSql : (t.scopedSql ?? t.publishedSql),
        then: (r) => {
          const row = r.rows[0] ?? {};
          const failures = Number(row.failures ?? 0);
          if (t.severity === 'error' && truthy(row.should_error)) outcome.failed.push({ name: t.name, failures });
          else if (truthy(row.should_warn)) {
            if (t.warnFails) outcome.failed.push({ name: t.name, failures });
            else outcome.warned.push(t.name);
          }
          else outcome.passed.push(t.name);
          return check(i + 1);
        },
      },
    ];
  };
  return check(0);
}

/** The shadow takes the published table's place, atomically where the warehouse allows. */
function publish(rel: Relation, shadow: Relation, existing: RelationInfo | undefined, ctx: PlanContext): Step[] {
  const d = ctx.dialect;
  if (existing?.kind === 'table' && d.swapRelations) {
    // After the swap the shadow holds yesterday's rows: gone with it.
    return [sql(d.swapRelations(rel, shadow)), sql(d.dropRelation(shadow, 'table'))];
  }
  if (ctx.capabilities.supportsTransactionalDdl || !existing) {
    return [...(existing ? [sql(d.dropRelation(rel, existing.kind))] : []), sql(d.renameRelation(shadow, 'table', rel.identifier))];
  }
  const backup = tempRelation(rel, 'backup');
  return [
    sql(d.dropRelation(backup, existing.kind)),
    sql(d.renameRelation(rel, existing.kind, backup.identifier)),
    sql(d.renameRelation(shadow, 'table', rel.identifier)),
    sql(d.dropRelation(backup, existing.kind)),
  ];
}

function auditFailure(node: ModelNode, o: AuditOutcome, published: string, shadow: string): string {
  const failed = o.failed.map((f) => `${f.name} (${f.failures} failing row${f.failures === 1 ? '' : 's'})`).join(', ');
  return (
    `Audit failed: ${o.failed.length} of ${o.failed.length + o.passed.length + o.warned.length} tests of ${node.name} failed on the new build: ${failed}. ` +
    `${published} is unchanged; the new build is kept in ${shadow} for inspection. What depends on ${node.name} is skipped.`
  );
}

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === 1n || v === 'true';
}
