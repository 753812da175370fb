import type { Connection, Dialect, QueryResult } from '../adapter.ts';
import type { Plan, Step } from '../plan/step.ts';
import { findRelation } from '../relation-lookup.ts';

/** Sends a statement, noting it for target/run; `record` notes what ran without a statement (a bulk append). */
type Exec = ((sql: string) => Promise<QueryResult>) & { record(note: string): void; renderHook?: RenderHook | undefined };

/** Renders a hook's template in its node's context, with the node's connection. */
export type RenderHook = (template: string, name: string) => Promise<string>;

/** What running a plan did. */
export interface PlanOutcome {
  /** Rows of the steps that count (`countsRows`, appends). */
  rows: number;
}

/**
 * The one executor of plans, and the one transaction wrapper: `before`, then `steps` (inside
 * begin/commit when the plan says so, rolled back on failure), then `after`. A failure outside
 * a transaction runs the plan's `cleanup`; one inside it, after the rollback, the plan's `recover`. Every statement is pushed to `ran` as it is sent, for
 * target/run. Errors propagate: the caller turns them into the node's status. Once `signal` is
 * aborted no further statement starts before the commit (the rollback or cleanup still runs).
 */
export async function runPlan(plan: Plan, conn: Connection, dialect: Dialect, ran: string[], signal?: AbortSignal, renderHook?: RenderHook): Promise<PlanOutcome> {
  const out: PlanOutcome = { rows: 0 };
  const exec: Exec = Object.assign(
    (sql: string): Promise<QueryResult> => {
      ran.push(sql);
      return conn.execute(sql);
    },
    { record: (note: string) => void ran.push(note), renderHook },
  );
  const run = async (steps: readonly Step[], interruptible = true): Promise<void> => {
    for (const s of steps) {
      // Cancelling interrupts the statement running; one that was about to start must not start.
      if (interruptible && signal?.aborted) throw new Error('Interrupted before the next statement');
      await runStep(s, conn, dialect, exec, out);
    }
  };
  if (plan.before?.length) await run(plan.before);
  if (plan.transaction) {
    await exec(dialect.beginTransaction());
    try {
      await run(plan.steps);
      // The last step may have finished as the signal came: an interrupted run commits nothing.
      if (signal?.aborted) throw new Error('Interrupted before the commit');
      await exec(dialect.commit());
    } catch (e) {
      // The transaction may already be aborted by the failure; nothing more to undo then.
      await conn.execute(dialect.rollback()).catch(() => undefined);
      if (plan.recover) await run(plan.recover(), false).catch(() => undefined);
      throw e;
    }
  } else {
    try {
      await run(plan.steps);
    } catch (e) {
      for (const c of plan.cleanup ?? []) await conn.execute(c).catch(() => undefined);
      throw e;
    }
  }
  // After the commit the node is built: its after-commit hooks run even when interrupted.
  if (plan.after?.length) await run(plan.after, false);
  return out;
}

async function runStep(s: Step, conn: Connection, d: Dialect, exec: Exec, out: PlanOutcome): Promise<void> {
  switch (s.kind) {
    case 'sql': {
      const r = await exec(s.sql);
      if (s.countsRows) out.rows += r.rowsAffected || Number(r.rows[0]?.Count ?? r.rows[0]?.count ?? 0);
      return;
    }
    case 'append': {
      if (!conn.append) throw new Error(`The ${d.name} adapter cannot bulk load rows (its connection has no append)`);
      exec.record(`-- bulk append into ${d.relationName(s.relation)}`);
      out.rows += await conn.append(s.relation, s.columns, s.rows);
      return;
    }
    case 'inspect': {
      const found = findRelation(d, await conn.describe(s.relation.schema, s.relation.database, s.relation.identifier, s.relation.quoted), s.relation);
      if (!found) throw new Error(`Relation ${d.relationName(s.relation)} not found after it was created`);
      for (const next of s.then(found.columns)) await runStep(next, conn, d, exec, out);
      return;
    }
    case 'hook': {
      if (!exec.renderHook) throw new Error(`${s.name}: hooks need a renderer, and this run has none`);
      const sql = (await exec.renderHook(s.template, s.name)).trim();
      // A hook that renders to nothing (a log call, a disabled branch) runs nothing, as in dbt.
      if (sql) await exec(sql);
      return;
    }
    case 'query': {
      const r = await exec(s.sql);
      for (const next of s.then(r)) await runStep(next, conn, d, exec, out);
      return;
    }
  }
}
