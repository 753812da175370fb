import type { NodeResult } from '../events.ts';
import { jsonText } from '../util/json-text.ts';
import { artifactMetadata } from './manifest.ts';
import { resultMessage, resultTiming } from './result-fields.ts';

/** run_results.json shaped like dbt's (schema v6). */
export function buildRunResults(results: readonly NodeResult[], elapsed: number, invocationId: string, args: Record<string, unknown>): Record<string, unknown> {
  return runResultsFile(
    results.map((r) => {
      const seed = r.resourceType === 'seed';
      return {
        // Keys in dbt 1.11's order.
        status: r.status === 'cancelled' ? 'error' : r.status,
        timing: resultTiming(r),
        thread_id: r.threadId,
        execution_time: r.executionTime,
        adapter_response: adapterResponse(r),
        message: resultMessage(r),
        // An exposure's result as dbt 1.11 writes it: no-op with 0 failures, nothing compiled (null).
        failures: r.failures ?? (r.status === 'no-op' ? 0 : null),
        unique_id: r.uniqueId,
        // A seed is loaded, not compiled: dbt writes null for all three. So is a unit test that never
        // compiled (skipped, or its inputs unreadable): dbt's result then holds its definition, which has no `compiled`.
        compiled: r.resourceType === 'exposure' || seed || (r.resourceType === 'unit_test' && r.compiledCode === undefined) ? null : r.compiledCode !== undefined,
        compiled_code: seed ? null : (r.compiledCode ?? null),
        relation_name: seed ? null : (r.relationName ?? null),
        batch_results: r.batchResults ?? null,
      };
    }),
    elapsed,
    invocationId,
    args,
  );
}

function runResultsFile(results: unknown[], elapsed: number, invocationId: string, args: Record<string, unknown>): Record<string, unknown> {
  return { metadata: artifactMetadata('run-results/v6', invocationId), results, elapsed_time: elapsed, args };
}

/** A node as dbt's compile records it. */
export interface CompiledResult {
  readonly uniqueId: string;
  readonly resourceType: string;
  readonly compiledCode: string;
  readonly relationName: string | undefined;
  /** An ephemeral model: dbt's compile gives it a compile timing only (it has nothing to execute). */
  readonly ephemeral?: boolean | undefined;
}

/**
 * The results of run_results.json as dbt 1.11's compile writes them (docs generate's too, which
 * compiles first), as JSON: each node a success with no message, adapter response or failures,
 * and its compiled code; a seed with neither code nor relation name (`compiled` null); an
 * ephemeral model (listed under --select) with a compile timing only. `when` is every timing's
 * start and end.
 */
export function compileResultsText(nodes: readonly CompiledResult[], when: string): string {
  const results = nodes.map((n) => {
    const seed = n.resourceType === 'seed';
    return {
      status: 'success',
      timing: [{ name: 'compile', started_at: when, completed_at: when }, ...(n.ephemeral ? [] : [{ name: 'execute', started_at: when, completed_at: when }])],
      thread_id: 'Thread-1 (worker)',
      execution_time: 0,
      adapter_response: {},
      message: null,
      failures: null,
      unique_id: n.uniqueId,
      compiled: seed ? null : true,
      compiled_code: seed ? null : n.compiledCode,
      relation_name: seed ? null : (n.relationName ?? null),
      batch_results: null,
    };
  });
  return jsonText(results);
}

/**
 * The same timings at another time, in the bytes {@link compileResultsText} made (only its timings
 * hold `"started_at":"<when>"`). Timestamps of one length are overwritten in place: a warm compile
 * of 10,000 models neither decodes nor re-encodes its 15 MB.
 */
export function retimedCompileResults(bytes: Buffer, was: string, when: string, places?: readonly number[]): Buffer {
  const from = timingBytes(was);
  const to = timingBytes(when);
  if (from.length !== to.length) return Buffer.from(bytes.toString('utf8').replaceAll(from.toString(), to.toString()));
  if (places && placesHold(bytes, from, places)) {
    let at = 0;
    for (const d of places) to.copy(bytes, (at += d));
    return bytes;
  }
  for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + from.length)) to.copy(bytes, at);
  return bytes;
}

const timingBytes = (when: string) => Buffer.from(`"started_at":"${when}","completed_at":"${when}"`);

/**
 * Where {@link compileResultsText}'s bytes made at `when` hold their timings, each as the
 * distance from the one before: given back to {@link retimedCompileResults}, a warm compile
 * copies the new time to each place instead of searching 16 MB for them (40 of its ms).
 */
export function timingPlaces(bytes: Buffer, when: string): number[] {
  const from = timingBytes(when);
  const out: number[] = [];
  let last = 0;
  for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + from.length)) {
    out.push(at - last);
    last = at;
  }
  return out;
}

/** Whether each of `places` holds `from` (places recorded for other bytes are not used). */
function placesHold(bytes: Buffer, from: Buffer, places: readonly number[]): boolean {
  let at = 0;
  for (const d of places) {
    at += d;
    if (!Number.isInteger(d) || d < 0 || at + from.length > bytes.length || bytes.compare(from, 0, from.length, at, at + from.length) !== 0) return false;
  }
  return true;
}

/** run_results.json (the same text as {@link buildRunResults}'s shape serialized) around results already JSON. */
export function runResultsFileText(resultsText: string, elapsed: number, invocationId: string, args: Record<string, unknown>): string {
  const [head, tail] = runResultsEnvelope(elapsed, invocationId, args);
  return head + resultsText + tail;
}

/** What run_results.json holds before and after its results' JSON. */
export function runResultsEnvelope(elapsed: number, invocationId: string, args: Record<string, unknown>): [string, string] {
  return [`{"metadata":${jsonText(artifactMetadata('run-results/v6', invocationId))},"results":`, `,"elapsed_time":${jsonText(elapsed)},"args":${jsonText(args)}}`];
}

/**
 * A result's `adapter_response` in dbt's shape (`_message`, `code`, `rows_affected`): what the
 * warehouse said of the node's last statement. dbt-duckdb says `OK` of every statement but a
 * seed's load (`INSERT n`, `CREATE n` under a full refresh); a node that failed or did not run, and an operation, have none.
 */
export function adapterResponse(r: NodeResult): Record<string, unknown> {
  if (r.status === 'error' || r.status === 'skipped' || r.status === 'cancelled' || r.status === 'no-op' || r.resourceType === 'operation') return {};
  if (r.resourceType === 'seed' && r.rowsAffected !== undefined) {
    const code = r.message.startsWith('CREATE ') ? 'CREATE' : 'INSERT';
    return { _message: `${code} ${r.rowsAffected}`, code, rows_affected: r.rowsAffected };
  }
  return r.rowsAffected !== undefined ? { _message: 'OK', rows_affected: r.rowsAffected } : { _message: 'OK' };
}
