import type { Diagnostic, RunEvent } from '@smsql/core';
import type { Output, Reporter } from './reporter.ts';

/** One JSON object per line on stdout, for orchestrators: `{"ts", "event", ...}`. */
export class JsonReporter implements Reporter {
  readonly #o: Output;
  constructor(o: Output) {
    this.#o = o;
  }
  #emit(event: string, data: Record<string, unknown>): void {
    this.#o.out(JSON.stringify({ ts: new Date().toISOString(), event, ...data }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  }
  onEvent(e: RunEvent): void {
    if (e.type === 'node_finish') {
      const r = e.result;
      this.#emit('node_finished', {
        unique_id: r.uniqueId,
        name: r.name,
        resource_type: r.resourceType,
        status: r.status,
        index: e.index,
        total: e.total,
        execution_time: r.executionTime,
        started_at: r.startedAt,
        completed_at: r.completedAt,
        rows_affected: r.rowsAffected ?? null,
        failures: r.failures ?? null,
        message: r.message,
        compiled_path: r.compiledPath ?? null,
        relation_name: r.relationName ?? null,
        // Where --store-failures / store_failures put the failing rows, as the terminal summary says.
        stored_failures_in: r.storedFailuresIn ?? null,
      });
    } else if (e.type === 'node_start') {
      this.#emit('node_started', { unique_id: e.uniqueId, name: e.name, resource_type: e.resourceType, index: e.index, total: e.total });
    } else if (e.type === 'run_start') {
      this.#emit('run_started', { command: e.command, total: e.total, target: e.target, adapter: e.adapter, invocation_id: e.invocationId });
    } else if (e.type === 'diagnostics') {
      this.onDiagnostics(e.diagnostics);
    } else if (e.type === 'run_end') {
      const by: Record<string, number> = {};
      for (const r of e.results) by[r.status] = (by[r.status] ?? 0) + 1;
      this.#emit('run_finished', { elapsed: e.elapsed, interrupted: e.interrupted, counts: by });
    } else {
      this.#emit('log', { level: e.level, message: e.message });
    }
  }
  onDiagnostics(ds: readonly Diagnostic[]): void {
    for (const d of ds) {
      this.#emit('diagnostic', { severity: d.severity, code: d.code, message: d.message, file: d.location?.file ?? null, line: d.location?.line ?? null, column: d.location?.column ?? null, hint: d.hint ?? null, node: d.nodeId ?? null });
    }
  }
  onOutput(text: string): void {
    this.#emit('output', { text });
  }
  onError(message: string): void {
    this.#emit('error', { message });
  }
}
