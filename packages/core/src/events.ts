import type { Diagnostic } from './diagnostics.ts';
import type { TemplateMessage } from './types.ts';
import { redact } from './util/redact.ts';

/**
 * dbt's `node_info`, which its structured log (`--log-format json`) puts in every line about a
 * node: what tools that follow dbt's log (orchestrators, lineage collectors) key on. Statuses and
 * times as dbt 1.11 writes them: `started` with an empty finish time, then the node's status.
 */
export interface DbtNodeInfo {
  materialized: string;
  meta: Record<string, unknown>;
  node_checksum: string;
  node_finished_at: string;
  node_name: string;
  node_path: string;
  node_relation: { alias: string; database: string | null; relation_name: string; schema: string };
  node_started_at: string;
  node_status: string;
  resource_type: string;
  unique_id: string;
}

/** What a run reports as it goes; reporters render these (pretty terminal, JSON lines). */
/** `no-op`: a node `build` lists but has nothing to do for (an exposure), as dbt 1.11 lists it. */
/** `partial success`: a microbatch model some of whose batches failed (dbt's PartialSuccess; an error for the exit code and for what depends on it). */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn' | 'cancelled' | 'no-op' | 'partial success';

export interface NodeResult {
  uniqueId: string;
  name: string;
  resourceType: string;
  status: NodeStatus;
  message: string;
  /** Seconds. */
  executionTime: number;
  startedAt: string;
  completedAt: string;
  rowsAffected?: number | undefined;
  failures?: number | undefined;
  relationName?: string | undefined;
  /** Relative to the project: the SQL that ran. */
  compiledPath?: string | undefined;
  compiledCode?: string | undefined;
  /** Where failing rows were stored (`store_failures`). */
  storedFailuresIn?: string | undefined;
  threadId: string;
  materialized?: string | undefined;
  /** A microbatch model's batches, each `[start, end]` in ISO 8601 (run_results.json's `batch_results`). */
  batchResults?: BatchResults | undefined;
  /** Why it failed as dbt's artifacts word it (artifacts/result-fields.ts). */
  failure?: NodeFailure | undefined;
  /** What skipped it: a node it depends on failed, or --fail-fast stopped the run. */
  skipCause?: 'upstream' | 'fail-fast' | undefined;
}

/**
 * A failed node as dbt's run_results.json tells it: "<kind> in <type> <name> (<file>)", then
 * `detail`. `kind`: "Compilation Error" (its template failed), or what the warehouse's dbt
 * adapter calls a refused statement ("Runtime Error" for DuckDB, "Database Error" for
 * Snowflake), or "Runtime Error". `compileStep`: it failed before any SQL of its own ran (dbt's
 * compile step: nothing compiled, one timing).
 */
export interface NodeFailure {
  kind: string;
  detail: string;
  file: string;
  compileStep: boolean;
}

export interface BatchResults {
  successful: [string, string][];
  failed: [string, string][];
}

export type RunEvent =
  /** Warnings of the compile that precedes the run (e.g. a selection criterion that matches nothing), before `run_start`. */
  | { type: 'diagnostics'; diagnostics: readonly Diagnostic[] }
  | { type: 'run_start'; command: string; total: number; target: string; adapter: string; invocationId: string; threads?: number | undefined }
  /** `thread`: the worker the node runs on, as dbt's log names it (`Thread-1 (worker)`). */
  | { type: 'node_start'; uniqueId: string; name: string; resourceType: string; index: number; total: number; materialized?: string | undefined; nodeInfo?: DbtNodeInfo | undefined; thread?: string | undefined }
  /** `attachedNode`: a generic test's node (dbt's attached_node); `file`: the node's file, relative to the project. */
  /** `cfg`: a snapshot's config as dbt's LogSnapshotResult carries it. */
  | { type: 'node_finish'; result: NodeResult; index: number; total: number; nodeInfo?: DbtNodeInfo | undefined; attachedNode?: string | undefined; file?: string | undefined; cfg?: Record<string, string> | undefined }
  | { type: 'run_end'; results: NodeResult[]; elapsed: number; interrupted: boolean }
  /** `template`: said by a template (`log(msg, info=True)`, `print`), of the node `nodeInfo` describes when it is a node's; `thread`: the worker running that node. */
  | { type: 'log'; level: 'info' | 'warn' | 'error' | 'debug'; message: string; template?: true | undefined; print?: true | undefined; nodeInfo?: DbtNodeInfo | undefined; adapter?: AdapterSaid | undefined; thread?: string | undefined };

export type EventSink = (e: RunEvent) => void;

/** The sink with the target's secrets replaced by asterisks in every log line (what a template's log() or print() said included). */
export function redactingSink(sink: EventSink, secrets: readonly string[]): EventSink {
  if (!secrets.length) return sink;
  return (e) => sink(e.type === 'log' ? { ...e, message: redact(e.message, secrets) } : e);
}

/** What the warehouse's dbt adapter logs itself (dbt's AdapterEventWarning): its logger's name ("DuckDB") and the words after "<name> adapter: ". */
export interface AdapterSaid {
  readonly name: string;
  readonly base: string;
}

/** What a template said (`log(msg, info=True)`, `print(msg)`), in a node's render when `nodeInfo` describes one, on the worker `thread` that runs it. */
export function templateSaid(m: TemplateMessage, nodeInfo?: DbtNodeInfo, thread?: string): RunEvent {
  return { type: 'log', level: 'info', message: m.message, template: true, ...(m.print ? { print: true as const } : { nodeInfo }), ...(thread ? { thread } : {}) };
}
