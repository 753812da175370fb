import type { DbtNodeInfo, NodeResult } from '@smsql/core';

/**
 * dbt 1.11's structured-log events (dbt/events/types.py) as sm's JSON lines carry them beside
 * their own fields (json-reporter.ts): names, codes, levels, the console text dbt puts in `msg`,
 * and each event's `data`.
 */

/** dbt's name for an event of dbt's structured log, its code and level, what its `msg` says and its `data`. */
export interface DbtEvent {
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
  PrintEvent: 'Z052',
  CompiledNode: 'Q042',
  ShowNode: 'Q041',
  Note: 'Z050',
  AdapterEventWarning: 'E003',
  MainEncounteredError: 'Z002',
  NoNodesForSelectionCriteria: 'M030',
  NothingToDo: 'Q035',
  NoNodeForYamlKey: 'I058',
  NodeNotFoundOrDisabled: 'I060',
  InvalidDisabledTargetInTestNode: 'I050',
  SpacesInResourceNameDeprecation: 'D014',
  WEOIncludeExcludeDeprecation: 'D031',
};

export function dbtEvent(name: string, level: DbtEvent['level'], msg: string, data: Record<string, unknown>, thread?: string): DbtEvent {
  return { name, code: CODES[name] ?? '', level, msg, data, thread };
}

/** `schema.alias` of the node's relation, as dbt names it in its lines. */
function relationLabel(name: string, info: DbtNodeInfo | undefined): string {
  return info ? `${info.node_relation.schema}.${info.node_relation.alias}` : name;
}

/** dbt's description of a node in its start and result lines: `sql table model main.x`, `seed file main.s`, `test not_null_x_id`. */
export function describeNode(resourceType: string, name: string, info: DbtNodeInfo | undefined): string {
  if (resourceType === 'source') return `freshness of ${name}`;
  const at = relationLabel(name, info);
  if (resourceType === 'model') return `sql ${info?.materialized ?? 'view'} model ${at}`;
  if (resourceType === 'seed') return `seed file ${at}`;
  if (resourceType === 'snapshot') return `snapshot ${at}`;
  if (resourceType === 'test') return `test ${name}`;
  if (resourceType === 'unit_test') return `unit_test ${name}`;
  return `${resourceType} ${name}`;
}

/** dbt's console line: `3 of 8 OK created sql view model main.x ....... [OK in 0.07s]`. */
export function fancyLine(msg: string, index: number, total: number, status: string, seconds?: number): string {
  const head = `${index} of ${total} ${msg} `;
  const tail = seconds === undefined ? status : `[${status} in ${seconds.toFixed(2)}s]`;
  return `${head}${'.'.repeat(Math.max(0, 80 - head.length))} ${tail}`;
}

/** dbt's result event for a node, by resource type and status. */
export function nodeResultEvent(r: NodeResult, index: number, total: number, info: DbtNodeInfo | undefined, attachedNode: string | undefined, cfg?: Record<string, string>): DbtEvent {
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
    const at = relationLabel(r.name, info);
    return dbtEvent('LogSnapshotResult', failed ? 'error' : 'info', fancyLine(`${failed ? 'ERROR snapshotting' : 'OK snapshotted'} ${at}`, index, total, failed ? 'ERROR' : 'OK', t), {
      cfg: cfg ?? {}, description: at, execution_time: t, index, ...node_info, result_message: failed ? 'ERROR' : 'OK', status: failed ? 'error' : 'success', total,
    }, thread);
  }
  return dbtEvent('LogModelResult', failed ? 'error' : 'info', fancyLine(`${failed ? 'ERROR creating' : 'OK created'} ${description}`, index, total, failed ? 'ERROR' : 'OK', t), {
    description, execution_time: t, index, ...node_info, status: failed ? 'error' : 'OK', total,
  }, thread);
}
