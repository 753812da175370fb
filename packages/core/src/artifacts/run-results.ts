import type { NodeResult } from '../events.ts';
import { artifactMetadata } from './manifest.ts';

/** run_results.json shaped like dbt's (schema v6). */
export function buildRunResults(results: readonly NodeResult[], elapsed: number, invocationId: string, args: Record<string, unknown>): Record<string, unknown> {
  return {
    metadata: artifactMetadata('run-results/v6', invocationId),
    results: results.map((r) => ({
      unique_id: r.uniqueId,
      status: r.status === 'cancelled' ? 'error' : r.status,
      timing: [
        { name: 'compile', started_at: r.startedAt, completed_at: r.startedAt },
        { name: 'execute', started_at: r.startedAt, completed_at: r.completedAt },
      ],
      thread_id: r.threadId,
      execution_time: r.executionTime,
      adapter_response: r.rowsAffected !== undefined ? { rows_affected: r.rowsAffected, _message: r.message } : {},
      message: r.message,
      // An exposure's result as dbt 1.11 writes it: no-op with 0 failures, nothing compiled (null).
      failures: r.failures ?? (r.status === 'no-op' ? 0 : null),
      compiled: r.resourceType === 'exposure' ? null : r.compiledCode !== undefined,
      compiled_code: r.compiledCode ?? null,
      relation_name: r.relationName ?? null,
      batch_results: r.batchResults ?? null,
    })),
    elapsed_time: elapsed,
    args,
  };
}
