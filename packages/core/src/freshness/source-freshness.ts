import { microsIso } from '../artifacts/invocation.ts';
import { dirname, join } from 'node:path';
import type { AdapterSession } from '../adapter.ts';
import { compile, writeJsonAtomic, type Compilation, type InvocationOptions } from '../api.ts';
import { artifactMetadata } from '../artifacts/manifest.ts';
import { dbtNodeInfo } from '../artifacts/node-log-info.ts';
import { diag, SmProjectError, type Diagnostic } from '../diagnostics.ts';
import { TemplateRelation } from '../render/relation.ts';
import type { NodeResult } from '../events.ts';
import { PyDateTime, UTC } from '../jinja/py-datetime.ts';
import { redact } from '../util/redact.ts';
import type { SourceNode } from '../types.ts';
import { makeDirs } from '../util/make-dirs.ts';

export type FreshnessPeriod = 'minute' | 'hour' | 'day';

/** One threshold as dbt writes it in sources.json: both null when not set. */
export interface FreshnessThreshold {
  count: number | null;
  period: FreshnessPeriod | null;
}

export interface FreshnessCriteria {
  warn_after: FreshnessThreshold;
  error_after: FreshnessThreshold;
  filter: string | null;
}

/** dbt's statuses: `error` is stale past error_after; `runtime error` is a query that failed. */
export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

export interface FreshnessResult {
  uniqueId: string;
  /** `source_name.table_name`. */
  name: string;
  relationName: string;
  status: FreshnessStatus;
  criteria: FreshnessCriteria;
  loadedAtField: string;
  /**
   * Time of the newest row as dbt writes it (Python's isoformat in UTC: `2026-12-06T10:00:00+00:00`);
   * for an empty table dbt's "infinitely long ago", `0001-01-01T00:00:00+00:00`; null for a failed query.
   */
  maxLoadedAt: string | null;
  snapshottedAt: string | null;
  /** Seconds from maxLoadedAt to snapshottedAt (from year 1 for an empty table, as in dbt). */
  ageSeconds: number | null;
  message: string;
  sql: string;
  startedAt: string;
  completedAt: string;
  executionTime: number;
  threadId: string;
}

export interface FreshnessOutcome {
  compilation: Compilation;
  results: FreshnessResult[];
  elapsed: number;
  interrupted: boolean;
  /** `failure` when a source is past error_after or its query failed (warnings are fine). */
  status: 'success' | 'failure';
  /** Where sources.json was written. */
  artifactPath: string;
}

export interface FreshnessOptions extends InvocationOptions {
  /** sources.json's path; default `<target-path>/sources.json`. */
  output?: string | undefined;
}

const PERIOD_SECONDS: Record<FreshnessPeriod, number> = { minute: 60, hour: 3600, day: 86400 };

/** What to check for one source table, or undefined when it has no freshness (none, `null`, or no threshold). */
export interface FreshnessSpec {
  criteria: FreshnessCriteria;
  loadedAtField: string;
}

/** Read and check a source's `freshness:` and `loaded_at_field`; problems go to `diagnostics`. */
export function freshnessSpec(n: SourceNode, diagnostics: Diagnostic[]): FreshnessSpec | undefined {
  const f = n.freshness;
  if (f === undefined || f === null) return undefined;
  const where = { file: n.originalFilePath };
  const label = `source ${n.sourceName}.${n.name}`;
  if (typeof f !== 'object' || Array.isArray(f)) {
    diagnostics.push(diag('SM_SCHEMA_YAML', `The freshness of ${label} must be a mapping with warn_after and/or error_after`, where, { nodeId: n.uniqueId, hint: 'freshness: {warn_after: {count: 2, period: hour}, error_after: {count: 6, period: hour}}' }));
    return undefined;
  }
  const o = f as Record<string, unknown>;
  const threshold = (key: 'warn_after' | 'error_after'): FreshnessThreshold => {
    const t = o[key];
    if (t === undefined || t === null) return { count: null, period: null };
    const count = typeof t === 'object' ? (t as Record<string, unknown>).count : t;
    const period = typeof t === 'object' ? (t as Record<string, unknown>).period : undefined;
    if (typeof t === 'object' && (count === null || count === undefined)) return { count: null, period: null };
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || typeof period !== 'string' || !(period in PERIOD_SECONDS)) {
      diagnostics.push(
        diag('SM_SCHEMA_YAML', `${key} of ${label} needs a whole \`count\` of 1 or more and a \`period\` of minute, hour or day (got count ${JSON.stringify(count)}, period ${JSON.stringify(period)})`, where, {
          nodeId: n.uniqueId,
          hint: `${key}: {count: 6, period: hour}`,
        }),
      );
      return { count: null, period: null };
    }
    return { count, period: period as FreshnessPeriod };
  };
  const criteria: FreshnessCriteria = { warn_after: threshold('warn_after'), error_after: threshold('error_after'), filter: typeof o.filter === 'string' && o.filter.trim() ? o.filter : null };
  if (criteria.warn_after.count === null && criteria.error_after.count === null) return undefined;
  if (!n.loadedAtField) {
    diagnostics.push(
      diag('SM_SCHEMA_YAML', `${label} declares freshness but no loaded_at_field, so there is nothing to measure its age by`, where, {
        nodeId: n.uniqueId,
        hint: 'Add `loaded_at_field: <timestamp column>` to the table or its source (e.g. loaded_at_field: _ingested_at), or set `freshness: null` on the table.',
      }),
    );
    return undefined;
  }
  return { criteria, loadedAtField: n.loadedAtField };
}

/** Seconds a threshold allows, or undefined when it is not set. */
function allowance(t: FreshnessThreshold): number | undefined {
  return t.count !== null && t.period !== null ? t.count * PERIOD_SECONDS[t.period] : undefined;
}

function describe(t: FreshnessThreshold): string {
  return `${t.count} ${t.period}${t.count === 1 ? '' : 's'}`;
}

/** `3h 5m`, `12m`, `40s`, `2d 3h`: an age for people. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m`;
  return `${s}s`;
}

/** A timestamp a driver returned, as a time; undefined when it is no time at all. */
function asTime(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v === 'string') {
    // A warehouse timestamp without a zone is UTC, as dbt assumes.
    const iso = v.trim().replace(' ', 'T');
    const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  if (v && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') return asTime((v as { toJSON: () => unknown }).toJSON());
  return undefined;
}

/** Judge one source from its newest load time and the warehouse's now. */
export function judge(spec: FreshnessSpec, maxLoadedAt: Date | undefined, now: Date): { status: Exclude<FreshnessStatus, 'runtime error'>; ageSeconds: number | null; message: string } {
  const warn = allowance(spec.criteria.warn_after);
  const error = allowance(spec.criteria.error_after);
  const limits = [warn !== undefined ? `warn after ${describe(spec.criteria.warn_after)}` : '', error !== undefined ? `error after ${describe(spec.criteria.error_after)}` : ''].filter(Boolean).join(', ');
  if (!maxLoadedAt) {
    return { status: error !== undefined ? 'error' : 'warn', ageSeconds: null, message: `no rows${spec.criteria.filter ? ' matching the filter' : ''}: max(${spec.loadedAtField}) is null (${limits})` };
  }
  const age = (now.getTime() - maxLoadedAt.getTime()) / 1000;
  const when = `last loaded ${formatAge(age)} ago`;
  if (error !== undefined && age > error) return { status: 'error', ageSeconds: age, message: `${when}, more than error_after ${describe(spec.criteria.error_after)}` };
  if (warn !== undefined && age > warn) return { status: 'warn', ageSeconds: age, message: `${when}, more than warn_after ${describe(spec.criteria.warn_after)}` };
  return { status: 'pass', ageSeconds: age, message: when };
}

/**
 * The query: the newest load time and the warehouse's clock, read together; with `micros` (the
 * dialect's epochMicros), each in microseconds too.
 */
export function freshnessSql(spec: FreshnessSpec, relationName: string, micros?: (expr: string) => string): string {
  const where = spec.criteria.filter ? `\nwhere ${spec.criteria.filter}` : '';
  const max = `max(${spec.loadedAtField})`;
  const us = micros ? `, ${micros(max)} as max_loaded_at_us, ${micros('current_timestamp')} as snapshotted_at_us` : '';
  return `select ${max} as max_loaded_at, current_timestamp as snapshotted_at${us}\nfrom ${relationName}${where}`;
}

/**
 * `sm source freshness`, as dbt's: for every selected source table with freshness configured,
 * query max(loaded_at_field), compare its age with warn_after/error_after, report each as a
 * node, and write sources.json (dbt's sources v3 artifact). A bad freshness config is a
 * project error raised before any query.
 */
export async function sourceFreshness(opts: FreshnessOptions): Promise<FreshnessOutcome> {
  const t0 = performance.now();
  // 'show' compiles without a command's resource types or test checks; only sources are kept.
  const c = await compile({ ...opts, resourceTypes: ['source'] }, 'show');
  const diagnostics: Diagnostic[] = [];
  const work: { node: SourceNode; spec: FreshnessSpec; relationName: string }[] = [];
  for (const id of c.selected) {
    const node = c.compiled.nodes.get(id);
    if (node?.resourceType !== 'source') continue;
    const spec = freshnessSpec(node, diagnostics);
    if (spec) work.push({ node, spec, relationName: new TemplateRelation(node.relation, c.adapter.dialect).toString() });
  }
  if (diagnostics.length) throw new SmProjectError(diagnostics);
  const sink = opts.onEvent ?? (() => undefined);
  const target = c.project.target;
  const artifactPath = opts.output ?? join(c.project.dir, c.project.config.targetPath, 'sources.json');
  sink({ type: 'run_start', command: 'source freshness', total: work.length, target: target.name, adapter: target.type, invocationId: c.invocationId });
  if (!work.length) {
    sink({ type: 'log', level: 'warn', message: 'No selected source has freshness configured: add `freshness:` and `loaded_at_field:` to a source table in its YAML.' });
  }
  // By position in the selection, so sources.json lists sources in a stable order whatever finished first.
  const results: FreshnessResult[] = [];
  const nodeResults: NodeResult[] = [];
  const byIndex: (FreshnessResult | undefined)[] = [];
  if (work.length) {
    const session = await c.adapter.connect(target, { projectDir: c.project.dir });
    const onAbort = () => void session.cancelAll();
    opts.signal?.addEventListener('abort', onAbort);
    try {
      let next = 0;
      const d = c.adapter.dialect;
      const micros = d.epochMicros ? (e: string) => d.epochMicros!(e) : undefined;
      const threads = Math.max(1, Math.min(opts.threads ?? target.threads, work.length));
      const worker = async (thread: number) => {
        while (next < work.length && !opts.signal?.aborted) {
          const i = next++;
          const w = work[i]!;
          const name = `${w.node.sourceName}.${w.node.name}`;
          const info = (status: string, startedAt: Date | string, finishedAt?: string) => dbtNodeInfo(w.node, c.adapter.dialect, target, status, startedAt, finishedAt);
          sink({ type: 'node_start', uniqueId: w.node.uniqueId, name, resourceType: 'source', index: i + 1, total: work.length, nodeInfo: info('started', new Date()), thread: `Thread-${thread} (worker)` });
          const r = await checkOne(session, w, name, `Thread-${thread} (worker)`, c.project.secrets, micros);
          byIndex[i] = r;
          const nr = toNodeResult(r);
          nodeResults.push(nr);
          // node_status is freshness's own (pass, warn, error, runtime error), as in dbt's log.
          sink({ type: 'node_finish', result: nr, index: i + 1, total: work.length, nodeInfo: info(r.status, r.startedAt, r.completedAt), file: w.node.originalFilePath });
        }
      };
      await Promise.all(Array.from({ length: threads }, (_, k) => worker(k + 1)));
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      await session.close();
    }
  }
  for (const r of byIndex) if (r) results.push(r);
  const elapsed = (performance.now() - t0) / 1000;
  const interrupted = !!opts.signal?.aborted;
  makeDirs(dirname(artifactPath));
  writeJsonAtomic(artifactPath, buildSourcesArtifact(results, elapsed, c.invocationId));
  sink({ type: 'run_end', results: nodeResults, elapsed, interrupted });
  const failed = results.some((r) => r.status === 'error' || r.status === 'runtime error');
  return { compilation: c, results, elapsed, interrupted, status: failed || interrupted ? 'failure' : 'success', artifactPath };
}

/** 0001-01-01T00:00:00Z: what dbt takes an empty table's newest load time for. */
const LONG_AGO = new Date(new Date(0).setUTCFullYear(1, 0, 1));

async function checkOne(session: AdapterSession, w: { node: SourceNode; spec: FreshnessSpec; relationName: string }, name: string, threadId: string, secrets: readonly string[], micros: ((expr: string) => string) | undefined): Promise<FreshnessResult> {
  const startedAt = new Date();
  const sql = freshnessSql(w.spec, w.relationName);
  const base = { uniqueId: w.node.uniqueId, name, relationName: w.relationName, criteria: w.spec.criteria, loadedAtField: w.spec.loadedAtField, sql, threadId, startedAt: startedAt.toISOString() };
  const done = () => {
    const end = new Date();
    return { completedAt: end.toISOString(), executionTime: (end.getTime() - startedAt.getTime()) / 1000 };
  };
  const conn = await session.acquire();
  try {
    // With microseconds where the dialect can say them; a loaded_at_field they cannot be read of (text) is read as before.
    const precise = micros ? await conn.execute(freshnessSql(w.spec, w.relationName, micros)).catch(() => undefined) : undefined;
    const res = precise ?? (await conn.execute(sql));
    const row = Object.fromEntries(Object.entries(res.rows[0] ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const raw = row.max_loaded_at;
    const max = raw === null || raw === undefined ? undefined : asTime(raw);
    if (raw !== null && raw !== undefined && !max) {
      const message = `max(${w.spec.loadedAtField}) of ${w.relationName} is ${typeof raw === 'bigint' || typeof raw === 'number' ? 'a number' : `"${String(raw)}"`}, not a timestamp. Make loaded_at_field a timestamp expression, e.g. to_timestamp(epoch_ms / 1000).`;
      return { ...base, status: 'runtime error', maxLoadedAt: null, snapshottedAt: null, ageSeconds: null, message, ...done() };
    }
    const now = asTime(row.snapshotted_at) ?? new Date();
    const j = judge(w.spec, max, now);
    // dbt reads no newest row as one loaded at the start of year 1 (adapters' _create_freshness_response).
    const loadedUs = max ? microsOf(row.max_loaded_at_us, max) : BigInt(LONG_AGO.getTime()) * 1000n;
    const nowUs = microsOf(row.snapshotted_at_us, now);
    return { ...base, status: j.status, maxLoadedAt: isoMicros(loadedUs), snapshottedAt: isoMicros(nowUs), ageSeconds: Number(nowUs - loadedUs) / 1e6, message: j.message, ...done() };
  } catch (e) {
    const message = redact(`${e instanceof Error ? e.message : String(e)}\nwhile running:\n${sql}`, secrets);
    return { ...base, status: 'runtime error', maxLoadedAt: null, snapshottedAt: null, ageSeconds: null, message, ...done() };
  } finally {
    session.release(conn);
  }
}

/** A time's microseconds since 1970: the query's, else its JavaScript value's (milliseconds). */
function microsOf(us: unknown, d: Date): bigint {
  if (typeof us === 'bigint') return us;
  if (typeof us === 'number' && Number.isInteger(us)) return BigInt(us);
  return BigInt(d.getTime()) * 1000n;
}

/** Python's isoformat of that instant in UTC, as dbt writes it: `...05.654321+00:00`, no fraction for a whole second. */
function isoMicros(us: bigint): string {
  const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
  return new PyDateTime(Number(ms), Number(us - ms * 1000n), UTC).isoformat();
}

function toNodeResult(r: FreshnessResult): NodeResult {
  return {
    uniqueId: r.uniqueId,
    name: r.name,
    resourceType: 'source',
    status: r.status === 'runtime error' ? 'error' : r.status,
    message: r.message,
    executionTime: r.executionTime,
    startedAt: r.startedAt,
    completedAt: r.completedAt,
    relationName: r.relationName,
    threadId: r.threadId,
  };
}

/**
 * sources.json shaped like dbt's (schema v3). A source whose query failed is left out, as dbt
 * 1.11 leaves it out (its error is on the console and in the exit code only).
 */
export function buildSourcesArtifact(results: readonly FreshnessResult[], elapsed: number, invocationId: string): Record<string, unknown> {
  return {
    metadata: artifactMetadata('sources/v3', invocationId),
    results: results
      .filter((r) => r.status !== 'runtime error')
      .map((r) => ({
        unique_id: r.uniqueId,
        max_loaded_at: r.maxLoadedAt,
        snapshotted_at: r.snapshottedAt,
        max_loaded_at_time_ago_in_s: r.ageSeconds,
        status: r.status,
        criteria: r.criteria,
        // What dbt-duckdb's connection says of the freshness query.
        adapter_response: { _message: 'OK' },
        timing: [
          { name: 'compile', started_at: microsIso(r.startedAt), completed_at: microsIso(r.startedAt) },
          { name: 'execute', started_at: microsIso(r.startedAt), completed_at: microsIso(r.completedAt) },
        ],
        thread_id: r.threadId,
        execution_time: r.executionTime,
      })),
    elapsed_time: elapsed,
  };
}
