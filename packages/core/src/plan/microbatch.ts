/**
 * dbt's `incremental_strategy: microbatch`, the pure part: which batches of event time a run
 * builds, how they are named, and what a model's config must say. A batch is `[start, end)` in
 * UTC. The rules are dbt 1.11's (recorded from dbt-core with dbt-duckdb on the same models):
 * - the end is `--event-time-end`, else the run's start, raised to a whole batch;
 * - the start is `--event-time-start` (cut down to a whole batch), else on a first or full
 *   build the `begin` config, else the end less `lookback` batches (one more when the end falls
 *   on a batch's edge, so the batch just closed is built again);
 * - batches are consecutive, the last one ends at the end.
 * Timestamps are taken as written and read as UTC (dbt replaces any zone with UTC).
 */
import { PyDateTime, UTC } from '../jinja/py-datetime.ts';
import type { ModelNode, SampleWindow } from '../types.ts';

export const BATCH_SIZES = ['hour', 'day', 'month', 'year'] as const;
export type BatchSize = (typeof BATCH_SIZES)[number];

/** One batch of event time, `[start, end)`. */
export interface Batch {
  readonly start: Date;
  readonly end: Date;
}

/** `2026-12-05 17:00`, `2026-12-05T17:00:00Z`, `2026-12-05`: the parts as written, read as UTC; undefined when not such a text. */
export function parseEventTime(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(v.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  // 2026-02-30 is not a date.
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return t;
}

/** Down to the batch's start: 16:06 by hour is 16:00, by day midnight, by month the 1st, by year 1 January. */
export function truncate(t: Date, size: BatchSize): Date {
  const y = t.getUTCFullYear();
  if (size === 'year') return new Date(Date.UTC(y, 0, 1));
  if (size === 'month') return new Date(Date.UTC(y, t.getUTCMonth(), 1));
  if (size === 'day') return new Date(Date.UTC(y, t.getUTCMonth(), t.getUTCDate()));
  return new Date(Date.UTC(y, t.getUTCMonth(), t.getUTCDate(), t.getUTCHours()));
}

/** `n` batches from the start of `t`'s batch. */
export function offset(t: Date, size: BatchSize, n: number): Date {
  const b = truncate(t, size);
  if (size === 'hour') return new Date(b.getTime() + n * 3_600_000);
  if (size === 'day') return new Date(Date.UTC(b.getUTCFullYear(), b.getUTCMonth(), b.getUTCDate() + n));
  if (size === 'month') return new Date(Date.UTC(b.getUTCFullYear(), b.getUTCMonth() + n, 1));
  return new Date(Date.UTC(b.getUTCFullYear() + n, 0, 1));
}

/** Up to a batch's edge (`t` itself when it is one). */
export function ceiling(t: Date, size: BatchSize): Date {
  const b = truncate(t, size);
  return b.getTime() === t.getTime() ? b : offset(b, size, 1);
}

/** How dbt names a batch in its log and its compiled file: `2026-12-05T17`, `2026-12-05`, `2026-12`, `2026`. */
export function formatBatchStart(t: Date, size: BatchSize): string {
  const iso = t.toISOString();
  return size === 'year' ? iso.slice(0, 4) : size === 'month' ? iso.slice(0, 7) : size === 'day' ? iso.slice(0, 10) : iso.slice(0, 13);
}

/** dbt's `model.batch.id`: the formatted start without dashes (`20261205T17`). */
export function batchId(t: Date, size: BatchSize): string {
  return formatBatchStart(t, size).replaceAll('-', '');
}

/** Python's `str()` of an aware UTC datetime, as dbt prints a batch's bounds into SQL: `2026-12-05 17:00:00+00:00`. */
export function pyDatetimeText(t: Date): string {
  return utc(t).isoformat(' ');
}

/** Python's isoformat of an aware UTC datetime, as dbt writes a batch in run_results.json and a source's load time in sources.json: `2026-12-05T17:00:00+00:00` (`.123000` when it has a fraction). */
export function isoText(t: Date): string {
  return utc(t).isoformat();
}

/** The aware UTC datetime templates see (`model.batch.event_time_start`). */
export function utc(t: Date): PyDateTime {
  return new PyDateTime(t.getTime(), 0, UTC);
}

/** What a microbatch model's config says, read once it is known to be valid. */
export interface MicrobatchConfig {
  readonly eventTime: string;
  readonly batchSize: BatchSize;
  readonly begin: Date;
  readonly lookback: number;
}

export function isMicrobatch(node: { readonly config: Record<string, unknown> }): boolean {
  return node.config.materialized === 'incremental' && node.config.incremental_strategy === 'microbatch';
}

/** The model's microbatch config, or what is wrong with it in dbt's words (dbt refuses these at parse; sm before anything runs). */
export function microbatchConfig(node: Pick<ModelNode, 'name' | 'config'>): MicrobatchConfig | string {
  const c = node.config;
  const who = `Microbatch model '${node.name}'`;
  if (c.begin === undefined || c.begin === null || c.begin === '') return `${who} must provide a 'begin' (datetime) config that indicates the earliest timestamp the microbatch model should be built from.`;
  if (typeof c.event_time !== 'string' || !c.event_time) return `${who} must provide an 'event_time' (string) config that indicates the name of the event time column.`;
  if (!(BATCH_SIZES as readonly unknown[]).includes(c.batch_size)) return `${who} must provide a 'batch_size' config that is one of ['hour', 'day', 'month', 'year'], but got: ${c.batch_size === undefined || c.batch_size === null ? 'None' : String(c.batch_size)}.`;
  const begin = parseEventTime(c.begin);
  if (!begin) return `${who} must provide a 'begin' config of valid datetime (ISO format), but got: ${String(c.begin)}.`;
  const lookback = c.lookback ?? 1;
  if (typeof lookback !== 'number' || !Number.isInteger(lookback) || lookback < 0) return `${who} must provide the optional 'lookback' config as a whole number of 0 or more, but got: ${String(lookback)}.`;
  return { eventTime: c.event_time, batchSize: c.batch_size as BatchSize, begin, lookback };
}

/**
 * What fails the model when it runs (not the command): `unique_key`, which dbt-duckdb refuses in
 * every batch, since a batch replaces the rows of its time window and upserts nothing.
 */
export function microbatchRunError(node: Pick<ModelNode, 'name' | 'config'>): string | undefined {
  const k = node.config.unique_key;
  if (k === undefined || k === null || (Array.isArray(k) && !k.length)) return undefined;
  return `Microbatch model '${node.name}' sets unique_key, which the microbatch strategy does not use: each batch deletes and inserts the rows of its event-time window. Remove unique_key, or use incremental_strategy 'merge'.`;
}

export interface BatchWindow {
  /** `--event-time-start`, `--event-time-end`. */
  readonly eventTimeStart?: Date | undefined;
  readonly eventTimeEnd?: Date | undefined;
  /** When the run started: the default end. */
  readonly now: Date;
  /** The table exists and no full refresh is asked: the start follows from the end and `lookback`. */
  readonly incremental: boolean;
}

/** The batches a run builds, in order. */
export function planBatches(mc: MicrobatchConfig, w: BatchWindow): Batch[] {
  const size = mc.batchSize;
  const end = ceiling(w.eventTimeEnd ?? w.now, size);
  let start: Date;
  if (w.eventTimeStart) start = truncate(w.eventTimeStart, size);
  else if (!w.incremental) start = truncate(mc.begin, size);
  else start = offset(end, size, -(mc.lookback + (truncate(end, size).getTime() === end.getTime() ? 1 : 0)));
  const out: Batch[] = [];
  let s = start;
  let e = offset(s, size, 1);
  out.push({ start: s, end: e });
  while (e.getTime() < end.getTime()) {
    s = e;
    e = offset(s, size, 1);
    out.push({ start: s, end: e });
  }
  out[out.length - 1] = { start: out[out.length - 1]!.start, end };
  return out;
}

export type { SampleWindow } from '../types.ts';

const GRAINS = ['hour', 'day', 'month', 'year', 'hours', 'days', 'months', 'years'];

/**
 * dbt's `--sample`: `'3 days'` (back from now, not cut to a whole day; a month back from 31
 * March is the last of February) or `{start: 2026-03-01, end: '2026-03-02 12:00'}`; the
 * window, or what is wrong with the text in dbt's words.
 */
export function parseSample(text: string, now: Date, parseYaml: (t: string) => unknown): SampleWindow | string {
  if (text.trimStart().startsWith('{')) {
    let v: unknown;
    try {
      v = parseYaml(text);
    } catch (e) {
      return `Cannot load SAMPLE_WINDOW from '${text}': ${(e as Error).message.split('\n')[0]}`;
    }
    const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
    const start = parseEventTime(o.start);
    const end = parseEventTime(o.end);
    if (!start || !end) return `Cannot load SAMPLE_WINDOW from '${text}': it needs start and end, each a date or time such as 2026-03-01 or '2026-03-01 06:00:00'.`;
    return { start, end };
  }
  const parts = text.split(' ');
  if (parts.length !== 2) return `Cannot load SAMPLE_WINDOW from '${text}'. Must be of form 'DAYS_INT GRAIN_SIZE'.`;
  const n = /^[+-]?\d+$/.test(parts[0]!) ? Number(parts[0]) : NaN;
  if (!Number.isInteger(n)) return `Unable to convert '${parts[0]}' to an integer.`;
  const grain = parts[1]!.toLowerCase().replace(/s+$/, '');
  if (!(BATCH_SIZES as readonly string[]).includes(grain)) return `Invalid grain size '${parts[1]}'. Must be one of [${GRAINS.map((g) => `'${g}'`).join(', ')}].`;
  return { start: back(now, grain as BatchSize, n), end: now };
}

/** `t` less `n` calendar units, not cut to a whole unit (a day clipped to the month's last). */
function back(t: Date, size: BatchSize, n: number): Date {
  if (size === 'hour') return new Date(t.getTime() - n * 3_600_000);
  if (size === 'day') return new Date(t.getTime() - n * 86_400_000);
  const months = size === 'month' ? n : 12 * n;
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth() - months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const d = new Date(t);
  d.setUTCFullYear(y, m, Math.min(t.getUTCDate(), last));
  return d;
}

/** The rows of one batch in a relation: `ts >= '…' and ts < '…'` (dbt's event-time filter). */
export function windowCondition(column: string, b: Batch): string {
  return `${column} >= '${pyDatetimeText(b.start)}' and ${column} < '${pyDatetimeText(b.end)}'`;
}
