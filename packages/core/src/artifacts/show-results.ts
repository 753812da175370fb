import { jsonText } from '../util/json-text.ts';
import { redact } from '../util/redact.ts';
import type { NodeResult } from '../events.ts';
import { adapterResponse, runResultsFileText } from './run-results.ts';

/**
 * The query dbt 1.11's show records as the node's compiled_code: its get_limit_sql around the
 * node's compiled SQL (or the inline query as rendered), with no limit clause for `--limit -1`.
 * Recorded from dbt-duckdb 1.11.1: `\n  \n  <sql>\n  \n  limit 5\n`.
 */
export function showCompiledCode(sql: string, limit: number): string {
  return `\n  \n  ${sql}\n  \n${limit >= 0 ? `  limit ${limit}\n` : ''}`;
}

/** What a `show` ran, for its run_results.json. */
export interface ShownQuery {
  /** The node shown, or undefined for `--inline` (dbt's `sql_operation.<project>.inline_query`). */
  readonly uniqueId: string | undefined;
  /** The SQL shown before its limit: the model's compiled SQL, the inline query as rendered, or the select from a seed's or source's relation. */
  readonly sql: string;
  readonly limit: number;
  /** When compiling (choosing the node, rendering --inline) started, and when the query started and ended. */
  readonly compileStartedAt: string;
  readonly executeStartedAt: string;
  readonly completedAt: string;
  /** The command's own run_results.json args (limit, output, inline, select), over dbt's defaults. */
  readonly args: Record<string, unknown>;
  /** performance.now() when the command started: elapsed_time counts from it. */
  readonly startedAt: number;
  /** A seed's load, which dbt's show runs before showing its rows: its result is the one recorded. */
  readonly loaded?: NodeResult | undefined;
  /** The data tests selected with the node (dbt's eager indirect selection), each run under the same limit, in the order run. */
  readonly tests?: readonly ShownTest[] | undefined;
}

/** A data test that dbt's show runs beside the node it shows: its compiled SQL (before the limit) and when it ran. */
export interface ShownTest {
  readonly uniqueId: string;
  readonly sql: string;
  readonly startedAt: string;
  readonly completedAt: string;
}

/**
 * run_results.json as dbt 1.11's `show` writes it once its query succeeds: one success for the
 * node shown (`id`, or the inline query's), its compiled code the query with dbt's limit around
 * it; a seed, as dbt records one, without code or relation name (`compiled` null); then one
 * success for each data test selected with the node, which dbt's show runs too.
 */
export function showResultsText(q: ShownQuery, shown: { id: string; seed: boolean; relationName: string | undefined }, invocationId: string, args: Record<string, unknown>, secrets: readonly string[]): string {
  const result = {
    status: 'success',
    timing: [
      { name: 'compile', started_at: q.compileStartedAt, completed_at: q.executeStartedAt },
      { name: 'execute', started_at: q.executeStartedAt, completed_at: q.completedAt },
    ],
    thread_id: 'Thread-1 (worker)',
    execution_time: q.loaded ? q.loaded.executionTime : (Date.parse(q.completedAt) - Date.parse(q.compileStartedAt)) / 1000,
    // dbt's show writes every key of the adapter's response, not only those set.
    adapter_response: q.loaded ? adapterResponse(q.loaded) : { _message: 'OK', code: null, rows_affected: null, query_id: null },
    message: q.loaded ? q.loaded.message : null,
    failures: null,
    unique_id: shown.id,
    compiled: shown.seed ? null : true,
    compiled_code: shown.seed ? null : redact(showCompiledCode(q.sql, q.limit), secrets),
    relation_name: shown.seed ? null : (shown.relationName ?? null),
    batch_results: null,
  };
  // dbt records each test it ran as a success with its limited query and no relation.
  const tests = (q.tests ?? []).map((t) => ({
    ...result,
    timing: [
      { name: 'compile', started_at: t.startedAt, completed_at: t.startedAt },
      { name: 'execute', started_at: t.startedAt, completed_at: t.completedAt },
    ],
    execution_time: (Date.parse(t.completedAt) - Date.parse(t.startedAt)) / 1000,
    adapter_response: { _message: 'OK', code: null, rows_affected: null, query_id: null },
    message: null,
    unique_id: t.uniqueId,
    compiled: true,
    compiled_code: redact(showCompiledCode(t.sql, q.limit), secrets),
    relation_name: null,
  }));
  return runResultsFileText(jsonText([result, ...tests]), (performance.now() - q.startedAt) / 1000, invocationId, args);
}
