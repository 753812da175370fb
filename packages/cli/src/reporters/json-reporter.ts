import type { DbtNodeInfo, Diagnostic, NodeResult, RunEvent } from '@smsql/core';
import type { Output, Reporter } from './reporter.ts';

/** dbt's name for an event of dbt's structured log, its code and level, what its `msg` says and its `data`. */
interface DbtEvent {
  readonly name: string;
  readonly code: string;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly data: Record<string, unknown>;
  readonly thread?: string | undefined;
}

/** The codes of the dbt 1.11 events these lines stand for (dbt/events/types.py), and of the warnings sm gives. */
const CODES: Record<string, string> = {
  ConcurrencyLine: 'Q027',
  LogStartLine: 'Q011',
  LogModelResult: 'Q012',
  LogTestResult: 'Q007',
  LogSeedResult: 'Q016',
  LogSnapshotResult: 'Q015',
  LogNodeNoOpResult: 'Q019',
  SkippingDetails: 'Q034',
  LogHookStartLine: 'Q032',
  LogFreshnessResult: 'Q018',
  FreshnessCheckComplete: 'Q003',
  RunResultErrorNoMessage: 'Z025',
  LogHookEndLine: 'Q033',
  RunResultFailure: 'Z022',
  RunResultError: 'Z024',
  RunResultWarning: 'Z021',
  RunResultWarningMessage: 'Z046',
  SQLCompiledPath: 'Z026',
  StatsLine: 'Z023',
  JinjaLogInfo: 'I062',
  Note: 'Z050',
  MainEncounteredError: 'Z002',
  NoNodesForSelectionCriteria: 'M030',
  NothingToDo: 'Q035',
  NoNodeForYamlKey: 'I058',
  SpacesInResourceNameDeprecation: 'D014',
  WEOIncludeExcludeDeprecation: 'D031',
};

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
        nodeResultEvent(r, this.#started.get(r.uniqueId) ?? ++this.#dbtIndex, e.total, e.nodeInfo, e.attachedNode),
      );
      this.#finished.set(r.uniqueId, { info: e.nodeInfo, file: e.file });
    } else if (e.type === 'node_start') {
      const description = describeNode(e.resourceType, e.name, e.nodeInfo);
      const index = ++this.#dbtIndex;
      this.#started.set(e.uniqueId, index);
      this.#emit(
        'node_started',
        { unique_id: e.uniqueId, name: e.name, resource_type: e.resourceType, index: e.index, total: e.total },
        dbtEvent('LogStartLine', 'info', fancyLine(`START ${description}`, index, e.total, '[RUN]'), { description, index, ...(e.nodeInfo ? { node_info: e.nodeInfo } : {}), total: e.total }),
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
      this.#emit(
        'run_finished',
        { elapsed: e.elapsed, interrupted: e.interrupted, counts: by },
        this.#command === 'source freshness' ? dbtEvent('FreshnessCheckComplete', 'info', 'Done.', {}) : dbtEvent('StatsLine', 'info', `Done. PASS=${stats.pass} WARN=${stats.warn} ERROR=${stats.error} SKIP=${stats.skip} NO-OP=${stats.noop} TOTAL=${stats.total}`, { stats }),
      );
    } else {
      const dbt = e.template
        ? dbtEvent('JinjaLogInfo', 'info', e.message, { msg: e.message, ...(e.nodeInfo ? { node_info: e.nodeInfo } : {}) })
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
        dbtEvent(name, d.severity === 'error' ? 'error' : 'warn', msg, d.severity === 'error' ? { exc: msg } : { msg }),
      );
    }
  }
  onOutput(text: string): void {
    this.#emit('output', { text }, dbtEvent('Note', 'info', text, { msg: text }));
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

function dbtEvent(name: string, level: DbtEvent['level'], msg: string, data: Record<string, unknown>, thread?: string): DbtEvent {
  return { name, code: CODES[name] ?? '', level, msg, data, thread };
}

/** dbt's description of a node in its start and result lines: `sql table model main.x`, `seed file main.s`, `test not_null_x_id`. */
function describeNode(resourceType: string, name: string, info: DbtNodeInfo | undefined): string {
  if (resourceType === 'source') return `freshness of ${name}`;
  const at = info ? `${info.node_relation.schema}.${info.node_relation.alias}` : name;
  if (resourceType === 'model') return `sql ${info?.materialized ?? 'view'} model ${at}`;
  if (resourceType === 'seed') return `seed file ${at}`;
  if (resourceType === 'snapshot') return `snapshot ${at}`;
  if (resourceType === 'test') return `test ${name}`;
  if (resourceType === 'unit_test') return `unit_test ${name}`;
  return `${resourceType} ${name}`;
}

/** dbt's console line: `3 of 8 OK created sql view model main.x ....... [OK in 0.07s]`. */
function fancyLine(msg: string, index: number, total: number, status: string, seconds?: number): string {
  const head = `${index} of ${total} ${msg} `;
  const tail = seconds === undefined ? status : `[${status} in ${seconds.toFixed(2)}s]`;
  return `${head}${'.'.repeat(Math.max(0, 80 - head.length))} ${tail}`;
}

/** dbt's result event for a node, by resource type and status. */
function nodeResultEvent(r: NodeResult, index: number, total: number, info: DbtNodeInfo | undefined, attachedNode: string | undefined): DbtEvent {
  const node_info = info ? { node_info: info } : {};
  const t = r.executionTime;
  const description = describeNode(r.resourceType, r.name, info);
  const thread = r.threadId === 'main' ? undefined : r.threadId;
  const failed = r.status === 'error' || r.status === 'cancelled';
  if (r.status === 'skipped') {
    const schema = info?.node_relation.schema ?? '';
    return dbtEvent('SkippingDetails', 'info', fancyLine(`SKIP relation ${schema}.${r.name}`, index, total, '[SKIP]'), { index, ...node_info, node_name: r.name, resource_type: r.resourceType, schema, total }, thread);
  }
  if (r.resourceType === 'source') {
    // sm source freshness: the status is freshness's own (node_info has it: pass, warn, error, runtime error).
    const status = info?.node_status ?? r.status;
    const word = status === 'pass' ? 'PASS' : status === 'warn' ? 'WARN' : status === 'error' ? 'ERROR STALE' : 'ERROR';
    const [source_name = '', table_name = ''] = r.name.split('.');
    return dbtEvent('LogFreshnessResult', status === 'pass' ? 'info' : status === 'warn' ? 'warn' : 'error', fancyLine(`${word} ${description}`, index, total, word, t), {
      execution_time: t, index, ...node_info, source_name, status, table_name, total,
    }, thread);
  }
  if (r.status === 'no-op') return dbtEvent('LogNodeNoOpResult', 'info', fancyLine(`NO-OP ${description}`, index, total, 'NO-OP', t), { description, execution_time: t, index, ...node_info, total }, thread);
  if (r.resourceType === 'test' || r.resourceType === 'unit_test') {
    const word = r.status === 'pass' ? 'PASS' : r.status === 'warn' ? 'WARN' : r.status === 'fail' ? 'FAIL' : 'ERROR';
    const counted = (r.status === 'warn' || r.status === 'fail') && r.failures !== undefined ? `${word} ${r.failures}` : word;
    const level = r.status === 'pass' ? 'info' : r.status === 'warn' ? 'warn' : 'error';
    return dbtEvent('LogTestResult', level, fancyLine(`${counted} ${r.name}`, index, total, counted, t), {
      attached_node: attachedNode ?? '', execution_time: t, index, name: r.name, ...node_info, num_failures: r.failures ?? 0, num_models: total, status: failed ? 'error' : r.status,
    }, thread);
  }
  if (r.resourceType === 'seed') {
    const result = failed ? 'ERROR' : (r.message || 'OK');
    return dbtEvent('LogSeedResult', failed ? 'error' : 'info', fancyLine(`${failed ? 'ERROR loading' : 'OK loaded'} ${description}`, index, total, result, t), {
      execution_time: t, index, ...node_info, relation: info?.node_relation.alias ?? r.name, result_message: result, schema: info?.node_relation.schema ?? '', status: failed ? 'error' : 'success', total,
    }, thread);
  }
  if (r.resourceType === 'snapshot') {
    return dbtEvent('LogSnapshotResult', failed ? 'error' : 'info', fancyLine(`${failed ? 'ERROR snapshotting' : 'OK snapshotted'} ${description.replace(/^snapshot /, '')}`, index, total, failed ? 'ERROR' : 'OK', t), {
      cfg: {}, description: description.replace(/^snapshot /, ''), execution_time: t, index, ...node_info, result_message: failed ? 'ERROR' : 'OK', status: failed ? 'error' : 'success', total,
    }, thread);
  }
  return dbtEvent('LogModelResult', failed ? 'error' : 'info', fancyLine(`${failed ? 'ERROR creating' : 'OK created'} ${description}`, index, total, failed ? 'ERROR' : 'OK', t), {
    description, execution_time: t, index, ...node_info, status: failed ? 'error' : 'OK', total,
  }, thread);
}
