import type { DbtNodeInfo, Diagnostic, NodeResult, RunEvent } from '@smsql/core';
import { dbtEvent, describeNode, fancyLine, nodeResultEvent, type DbtEvent } from './dbt-log-events.ts';
import type { Output, Reporter, ResultEvent } from './reporter.ts';

/**
 * One JSON object per line on stdout, for orchestrators. Each line has sm's fields (`ts`,
 * `event`, ...) and, beside them, dbt 1.11's structured-log envelope (`info`: name, code, level,
 * msg, invocation_id, pid, thread, ts; `data`, with `node_info` for a node), so tools that follow
 * dbt's JSON log read sm's: a node's start is dbt's LogStartLine, its result LogModelResult,
 * LogTestResult, LogSeedResult, LogSnapshotResult or SkippingDetails, the summary StatsLine, a
 * template's log() JinjaLogInfo. sm does not print dbt's other lines (MainReportVersion,
 * FoundStats, ...).
 */
export class JsonReporter implements Reporter {
  readonly #o: Output;
  #invocationId: string;
  /** dbt's `index`: each node numbered once, as it starts or is skipped (sm's own `index` counts starts and finishes apart). */
  #dbtIndex = 0;
  #command = '';
  readonly #started = new Map<string, number>();
  /** The node_info and file of each node that finished, for the summary of failures after the run. */
  readonly #finished = new Map<string, { info: DbtNodeInfo | undefined; file: string | undefined }>();
  constructor(o: Output, invocationId = '') {
    this.#o = o;
    this.#invocationId = invocationId;
  }
  #emit(event: string, fields: Record<string, unknown>, dbt: DbtEvent): void {
    const now = new Date();
    const info = {
      category: '',
      code: dbt.code,
      extra: {},
      invocation_id: this.#invocationId,
      level: dbt.level,
      msg: dbt.msg,
      name: dbt.name,
      pid: process.pid,
      thread: dbt.thread ?? 'MainThread',
      ts: `${now.toISOString().slice(0, -1)}000Z`,
    };
    this.#o.out(JSON.stringify({ ts: now.toISOString(), event, ...fields, data: dbt.data, info }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  }
  onEvent(e: RunEvent): void {
    if ((e.type === 'node_start' || e.type === 'node_finish') && (e.type === 'node_start' ? e.resourceType : e.result.resourceType) === 'operation') {
      this.#hookLine(e);
    } else if (e.type === 'node_finish') {
      const r = e.result;
      this.#emit(
        'node_finished',
        resultFields(r, e.index, e.total),
        nodeResultEvent(r, this.#started.get(r.uniqueId) ?? ++this.#dbtIndex, e.total, e.nodeInfo, e.attachedNode, e.cfg),
      );
      this.#finished.set(r.uniqueId, { info: e.nodeInfo, file: e.file });
    } else if (e.type === 'node_start') {
      const description = describeNode(e.resourceType, e.name, e.nodeInfo);
      const index = ++this.#dbtIndex;
      this.#started.set(e.uniqueId, index);
      this.#emit(
        'node_started',
        { unique_id: e.uniqueId, name: e.name, resource_type: e.resourceType, index: e.index, total: e.total },
        dbtEvent('LogStartLine', 'info', fancyLine(`START ${description}`, index, e.total, '[RUN]'), { description, index, ...(e.nodeInfo ? { node_info: e.nodeInfo } : {}), total: e.total }, e.thread),
      );
    } else if (e.type === 'run_start') {
      if (e.invocationId) this.#invocationId = e.invocationId;
      this.#command = e.command;
      this.#dbtIndex = 0;
      this.#started.clear();
      const threads = e.threads ?? 1;
      this.#emit(
        'run_started',
        { command: e.command, total: e.total, target: e.target, adapter: e.adapter, invocation_id: e.invocationId },
        dbtEvent('ConcurrencyLine', 'info', `Concurrency: ${threads} threads (target='${e.target}')`, { node_count: e.total, num_threads: threads, target_name: e.target }),
      );
    } else if (e.type === 'diagnostics') {
      this.onDiagnostics(e.diagnostics);
    } else if (e.type === 'run_end') {
      const by: Record<string, number> = {};
      for (const r of e.results) by[r.status] = (by[r.status] ?? 0) + 1;
      const n = (...s: string[]) => s.reduce((a, k) => a + (by[k] ?? 0), 0);
      const stats = { error: n('error', 'fail', 'partial success', 'cancelled'), noop: n('no-op'), pass: n('success', 'pass'), skip: n('skipped'), total: e.results.length, warn: n('warn') };
      // As dbt ends a run: each error, failure and warning again, with its message and compiled file.
      for (const r of e.results) {
        const bad = r.status === 'error' || r.status === 'fail' || r.status === 'partial success';
        // A stale source warns in its own line only, as in dbt.
        if (!bad && (r.status !== 'warn' || r.resourceType === 'source')) continue;
        const { info: node_info, file = '' } = this.#finished.get(r.uniqueId) ?? { info: undefined };
        // A source is named by its table, as dbt names it here.
        const name = r.resourceType === 'source' ? (node_info?.node_name ?? r.name) : r.name;
        const where = `${r.resourceType} ${name} (${file})`;
        const fields = { unique_id: r.uniqueId, status: r.status, message: r.message };
        const withNode = node_info ? { node_info } : {};
        if (bad) {
          this.#emit('run_result', fields, dbtEvent('RunResultFailure', 'error', `Failure in ${where}`, { node_name: name, ...withNode, path: file, resource_type: r.resourceType }));
          if (r.resourceType === 'source') this.#emit('run_result', fields, dbtEvent('RunResultErrorNoMessage', 'error', `  Status: ${node_info?.node_status ?? r.status}`, { ...withNode, status: node_info?.node_status ?? r.status }));
          else this.#emit('run_result', fields, dbtEvent('RunResultError', 'error', r.message, { msg: r.message, ...withNode }));
        } else {
          this.#emit('run_result', fields, dbtEvent('RunResultWarning', 'warn', `Warning in ${where}`, { node_name: name, ...withNode, path: file, resource_type: r.resourceType }));
          this.#emit('run_result', fields, dbtEvent('RunResultWarningMessage', 'warn', r.message, { msg: r.message, ...withNode }));
        }
        if (r.compiledPath) this.#emit('run_result', fields, dbtEvent('SQLCompiledPath', 'info', `  compiled code at ${r.compiledPath}`, { ...withNode, path: r.compiledPath }));
      }
      // A selection with nothing to run ends as dbt's does: NothingToDo, no summary.
      const nothing = !e.results.length && !e.interrupted && this.#command !== 'source freshness';
      this.#emit(
        'run_finished',
        { elapsed: e.elapsed, interrupted: e.interrupted, counts: by },
        nothing ? dbtEvent('NothingToDo', 'warn', 'Nothing to do. Try checking your model configs and model specification args', {})
        : this.#command === 'source freshness' ? dbtEvent('FreshnessCheckComplete', 'info', 'Done.', {}) : dbtEvent('StatsLine', 'info', `Done. PASS=${stats.pass} WARN=${stats.warn} ERROR=${stats.error} SKIP=${stats.skip} NO-OP=${stats.noop} TOTAL=${stats.total}`, { stats }),
      );
    } else {
      const dbt = e.print
        ? dbtEvent('PrintEvent', 'info', e.message, { msg: e.message }, e.thread)
        : e.adapter
        ? dbtEvent('AdapterEventWarning', e.level, e.message, { args: [], base_msg: e.adapter.base, name: e.adapter.name, ...(e.nodeInfo ? { node_info: e.nodeInfo } : {}) }, e.thread)
        : e.template
        ? dbtEvent('JinjaLogInfo', 'info', e.message, { msg: e.message, ...(e.nodeInfo ? { node_info: e.nodeInfo } : {}) }, e.thread)
        : dbtEvent('Note', e.level, e.message, { msg: e.message });
      this.#emit('log', { level: e.level, message: e.message }, dbt);
    }
  }
  /** A project hook (on-run-start, on-run-end) as dbt logs it: LogHookStartLine and LogHookEndLine, numbered among the hooks of its kind. */
  #hookLine(e: Extract<RunEvent, { type: 'node_start' | 'node_finish' }>): void {
    const node_info = e.nodeInfo ? { node_info: e.nodeInfo } : {};
    if (e.type === 'node_start') {
      this.#emit(
        'node_started',
        { unique_id: e.uniqueId, name: e.name, resource_type: e.resourceType, index: e.index, total: e.total },
        dbtEvent('LogHookStartLine', 'info', fancyLine(`START hook: ${e.name}`, e.index, e.total, '[RUN]'), { index: e.index, ...node_info, statement: e.name, total: e.total }),
      );
      return;
    }
    const r = e.result;
    const word = r.status === 'success' ? 'OK' : r.status === 'skipped' ? 'SKIP' : 'ERROR';
    this.#emit(
      'node_finished',
      resultFields(r, e.index, e.total),
      dbtEvent('LogHookEndLine', r.status === 'error' ? 'error' : 'info', fancyLine(`${word} hook: ${r.name}`, e.index, e.total, word, r.executionTime), {
        execution_time: r.executionTime, index: e.index, ...node_info, statement: r.name, status: r.status, total: e.total,
      }),
    );
    this.#finished.set(r.uniqueId, { info: e.nodeInfo, file: undefined });
  }

  onDiagnostics(ds: readonly Diagnostic[]): void {
    for (const d of ds) {
      // A warning is named by its dbt event (warn_error_options names it so); sm's own by its code.
      const name = d.severity === 'error' ? 'MainEncounteredError' : (d.event ?? d.code);
      const msg = `${d.location?.file ? `${d.location.file}${d.location.line ? `:${d.location.line}` : ''}: ` : ''}${d.message}${d.hint ? ` ${d.hint}` : ''}`;
      this.#emit(
        'diagnostic',
        { severity: d.severity, code: d.code, message: d.message, file: d.location?.file ?? null, line: d.location?.line ?? null, column: d.location?.column ?? null, hint: d.hint ?? null, node: d.nodeId ?? null },
        dbtEvent(name, d.severity === 'error' ? 'error' : 'warn', msg, d.severity === 'error' ? { exc: msg } : { ...(d.eventData ?? { msg }) }),
      );
    }
  }
  onOutput(text: string, dbt?: ResultEvent): void {
    this.#emit('output', { text, ...dbt?.fields }, dbt ? dbtEvent(dbt.name, 'info', text, dbt.data) : dbtEvent('Note', 'info', text, { msg: text }));
  }
  onError(message: string): void {
    this.#emit('error', { message }, dbtEvent('MainEncounteredError', 'error', message, { exc: message }));
  }
}

/** sm's own fields of a node_finished line. */
function resultFields(r: NodeResult, index: number, total: number): Record<string, unknown> {
  return {
    unique_id: r.uniqueId,
    name: r.name,
    resource_type: r.resourceType,
    status: r.status,
    index,
    total,
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
  };
}
