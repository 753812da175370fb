import { closestNames, diag, type Diagnostic } from '../diagnostics.ts';
import type { GraphNode, TestNode } from '../types.ts';
import { checkSql } from './check-sql.ts';
import type { TableRef } from './infer/infer-env.ts';
import { findCol } from './infer/shape.ts';
import { locateIssues } from './locate-issues.ts';
import type { NodeCheck } from './node-check.ts';
import type { KeyFn, RelationIndex } from './relation-index.ts';
import type { SqlDialectName } from './sql/lexer.ts';

export interface TestCheck {
  readonly diagnostics: Diagnostic[];
  readonly notChecked?: string | undefined;
}

/**
 * A test against the columns of what it tests: a generic test's `column_name` must be a column
 * of its node; the SQL it compiles to (generic or singular) is checked like a model's.
 */
/** Why a node whose template asks the warehouse is not checked: compile rendered it without the answers. */
export const NEEDS_WAREHOUSE = "its template asks the warehouse (run_query, a relation's columns), so its SQL is known only when it runs";

export function checkTest(
  t: TestNode,
  nodes: ReadonlyMap<string, GraphNode>,
  results: ReadonlyMap<string, NodeCheck>,
  dialect: SqlDialectName,
  key: KeyFn,
  tableRef: (parts: Parameters<RelationIndex['lookup']>[0]) => TableRef | undefined,
  compiledPath: string,
): TestCheck {
  const where = t.declaredAt ?? { file: t.originalFilePath };
  const attached = t.attachedNode ? nodes.get(t.attachedNode) : undefined;
  const shape = t.attachedNode ? results.get(t.attachedNode)?.shape : undefined;
  // Declared under a column, or as a model-level test's column_name argument.
  const kw = t.testMetadata?.kwargs.column_name;
  const column = t.columnName ?? (typeof kw === 'string' ? kw : undefined);
  // A column_name may be an expression (`lower(email)`) or quoted: only plain names are looked up.
  const missing: Diagnostic[] = [];
  if (column && attached && shape && !shape.open && /^[A-Za-z_]\w*$/.test(column) && !findCol(shape, key(column, false))) {
    const names = shape.cols.map((c) => c.name);
    const close = closestNames(column, names);
    // A test that can only warn (expect_column_to_exist at severity warn) only warns; its SQL is still checked below.
    const warns = String(t.config.severity ?? 'error').toLowerCase() === 'warn';
    missing.push(
      diag('SM_CHECK_TEST_COLUMN', `Test ${t.testMetadata?.name ?? t.name} is on column "${column}" of ${attached.name}, which has no such column`, where, {
        nodeId: t.uniqueId,
        hint: close.length ? `Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : `${attached.name} has: ${names.join(', ')}.`,
        severity: warns ? 'warning' : 'error',
      }),
    );
    if (!warns) return { diagnostics: missing };
  }
  const sql = t.compiledCode;
  if (t.needsWarehouse) return { diagnostics: missing, notChecked: NEEDS_WAREHOUSE };
  if (!sql) return { diagnostics: missing };
  const r = checkSql(sql, dialect, key, tableRef);
  if (t.testMetadata) {
    // A generic test's SQL is the test macro's: place what is wrong in it at the YAML that declared the test.
    // The macro may read a column several times: one diagnostic for each distinct problem.
    const issues = r.issues.filter((i, k) => r.issues.findIndex((j) => j.code === i.code && j.message === i.message) === k);
    const diagnostics = issues.map((i) =>
      diag(i.code, `Test ${t.testMetadata!.name} of ${attached?.name ?? t.name}: ${i.message}`, where, {
        nodeId: t.uniqueId,
        hint: [i.hint, `The test compiles to ${compiledPath}.`].filter(Boolean).join(' '),
        severity: i.severity ?? 'error',
      }),
    );
    return { diagnostics: [...missing, ...diagnostics], notChecked: r.notChecked?.reason };
  }
  return { diagnostics: [...missing, ...locateIssues(r.issues, t, sql, compiledPath, r.injected)], notChecked: r.notChecked?.reason };
}
