/**
 * A plan is the whole statement sequence of one node, decided before anything runs. The plan
 * functions build plans; one executor (run/run-plan.ts) runs them with one transaction wrapper,
 * so no executor writes begin/commit/rollback of its own.
 */
import type { ColumnDef, QueryResult, Relation } from '../adapter.ts';

export type Step =
  /** One statement. `countsRows`: its changed rows (or, where the warehouse reports none, a `count` result row) are the node's rows. */
  | { readonly kind: 'sql'; readonly sql: string; readonly countsRows?: boolean | undefined }
  /** Bulk-load rows into an existing table through the connection's `append` (seeds); the rows count. */
  | { readonly kind: 'append'; readonly relation: Relation; readonly columns: readonly ColumnDef[]; readonly rows: Iterable<readonly unknown[]> }
  /**
   * Read `relation`'s columns from the warehouse, then continue with the steps `then` plans from
   * them (e.g. an incremental apply depends on the staged columns). `then` is pure; it may throw
   * to fail the node, which rolls the transaction back.
   */
  | { readonly kind: 'inspect'; readonly relation: Relation; readonly then: (columns: readonly ColumnDef[]) => readonly Step[] }
  /** Run a read-only query, then continue with the steps `then` plans from its result (pure; may throw). */
  | { readonly kind: 'query'; readonly sql: string; readonly then: (result: QueryResult) => readonly Step[] }
  /**
   * A hook: a template rendered when its turn comes (it may read what the steps before it built,
   * as dbt renders hooks as they run), then run unless it renders to nothing.
   */
  | { readonly kind: 'hook'; readonly template: string; readonly name: string };

export interface Plan {
  /** Run before the transaction opens (dbt's hooks with `transaction: false`, before_begin). */
  readonly before?: readonly Step[] | undefined;
  readonly steps: readonly Step[];
  /** Run after the transaction commits (hooks with `transaction: false`, after_commit). */
  readonly after?: readonly Step[] | undefined;
  /**
   * Wrap `steps` in begin/commit, rolling back on failure. The planner decides it from the
   * adapter's capabilities; the executor never does.
   */
  readonly transaction: boolean;
  /** Statements run after a failure outside a transaction, their own errors ignored (drop a stage). */
  readonly cleanup?: readonly string[] | undefined;
  /**
   * After `steps` failed in a transaction and it was rolled back: steps run outside any
   * transaction to keep something for inspection (a failed audit's shadow), decided when the
   * failure is known (empty: nothing). The node fails with the original error whatever they do.
   */
  readonly recover?: (() => readonly Step[]) | undefined;
}

export const sql = (text: string, countsRows?: boolean): Step => (countsRows ? { kind: 'sql', sql: text, countsRows } : { kind: 'sql', sql: text });

/** Statements one after another, no transaction. */
export const sequence = (statements: readonly string[]): Plan => ({ steps: statements.map((s) => sql(s)), transaction: false });
