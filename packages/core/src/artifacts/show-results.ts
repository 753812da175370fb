import { join } from 'node:path';
import type { Compilation, InvocationOptions } from '../compile/compilation.ts';
import { targetDir } from '../compile/compile.ts';
import { relationNameOf } from '../compile/relation-name-of.ts';
import { redact } from '../util/redact.ts';
import { jsonText } from '../util/json-text.ts';
import { writeFileAtomic } from '../util/write-json.ts';
import { runArgs } from './run-args.ts';
import { runResultsFileText } from './run-results.ts';

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
  /** The SQL shown before its limit: the model's compiled SQL, the inline query as rendered, or the select from a seed's, snapshot's or source's relation. */
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
}

/**
 * Write run_results.json as dbt 1.11's `show` does once its query succeeds: one success for the
 * node shown (or the inline query), its compiled code the query with dbt's limit around it; a seed,
 * as dbt records one, without code or relation name (`compiled` null). A failed show writes none.
 */
export function writeShowResults(c: Compilation, opts: InvocationOptions, q: ShownQuery): void {
  const node = q.uniqueId === undefined ? undefined : c.compiled.nodes.get(q.uniqueId);
  const seed = node?.resourceType === 'seed';
  const result = {
    status: 'success',
    timing: [
      { name: 'compile', started_at: q.compileStartedAt, completed_at: q.executeStartedAt },
      { name: 'execute', started_at: q.executeStartedAt, completed_at: q.completedAt },
    ],
    thread_id: 'Thread-1 (worker)',
    execution_time: (Date.parse(q.completedAt) - Date.parse(q.compileStartedAt)) / 1000,
    // dbt's show writes every key of the adapter's response, not only those set.
    adapter_response: { _message: 'OK', code: null, rows_affected: null, query_id: null },
    message: null,
    failures: null,
    unique_id: q.uniqueId ?? `sql_operation.${c.project.config.name}.inline_query`,
    compiled: seed ? null : true,
    compiled_code: seed ? null : redact(showCompiledCode(q.sql, q.limit), c.project.secrets),
    relation_name: node && !seed ? (relationNameOf(c, node) ?? null) : null,
    batch_results: null,
  };
  const args = runArgs('show', { ...opts, cliArgs: { ...opts.cliArgs, ...q.args } }, c.project);
  const text = runResultsFileText(jsonText([result]), (performance.now() - q.startedAt) / 1000, c.invocationId, args);
  writeFileAtomic(join(targetDir(c.project), 'run_results.json'), text);
}
