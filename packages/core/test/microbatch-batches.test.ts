import { describe, expect, it } from 'vitest';
import { batchId, ceiling, formatBatchStart, microbatchConfig, microbatchRunError, offset, parseSample, parseEventTime, planBatches, pyDatetimeText, truncate, type BatchSize, type MicrobatchConfig } from '../src/plan/microbatch.ts';

const t = (s: string) => parseEventTime(s)!;
const iso = (d: Date) => d.toISOString().slice(0, 16);
const SIZES: BatchSize[] = ['hour', 'day', 'month', 'year'];

// The batch arithmetic dbt 1.11 documents for its MicrobatchBuilder (2024-09-17 16:06 in each size).
describe('microbatch time arithmetic', () => {
  const at = t('2024-09-17 16:06:00');
  it('truncates, offsets from the truncated time, and raises to a batch edge', () => {
    expect(SIZES.map((s) => iso(truncate(at, s)))).toEqual(['2024-09-17T16:00', '2024-09-17T00:00', '2024-09-01T00:00', '2024-01-01T00:00']);
    expect(SIZES.map((s) => iso(offset(at, s, -1)))).toEqual(['2024-09-17T15:00', '2024-09-16T00:00', '2024-08-01T00:00', '2023-01-01T00:00']);
    expect(SIZES.map((s) => iso(offset(at, s, 1)))).toEqual(['2024-09-17T17:00', '2024-09-18T00:00', '2024-10-01T00:00', '2025-01-01T00:00']);
    expect(SIZES.map((s) => iso(ceiling(at, s)))).toEqual(['2024-09-17T17:00', '2024-09-18T00:00', '2024-10-01T00:00', '2025-01-01T00:00']);
    // Already on the edge: itself.
    expect(iso(ceiling(t('2024-09-17'), 'day'))).toBe('2024-09-17T00:00');
    // A month back from 31 March is February, a month on from 31 January is February.
    expect(iso(offset(t('2024-03-31 10:00'), 'month', -1))).toBe('2024-02-01T00:00');
    expect(iso(offset(t('2024-01-31'), 'month', 1))).toBe('2024-02-01T00:00');
  });
  it('names batches as dbt logs them and as model.batch.id', () => {
    expect(SIZES.map((s) => formatBatchStart(truncate(at, s), s))).toEqual(['2024-09-17T16', '2024-09-17', '2024-09', '2024']);
    expect(SIZES.map((s) => batchId(truncate(at, s), s))).toEqual(['20240917T16', '20240917', '202409', '2024']);
    expect(pyDatetimeText(t('2024-09-17 16:00'))).toBe('2024-09-17 16:00:00+00:00');
  });
  it('reads times as written, UTC, and refuses what is not a date', () => {
    expect(iso(t('2024-09-17T16:06:00Z'))).toBe('2024-09-17T16:06');
    expect(iso(t('2024-09-17 16:06:00+02:00'))).toBe('2024-09-17T16:06');
    for (const bad of ['2024-02-30', 'nonsense', '2024-09-17 25:00', '17/09/2024']) expect(parseEventTime(bad), bad).toBeUndefined();
  });
});

describe('which batches a run builds', () => {
  const mc = (batchSize: BatchSize, lookback = 1): MicrobatchConfig => ({ eventTime: 'ts', batchSize, begin: t('2024-09-15 10:00'), lookback });
  const plan = (c: MicrobatchConfig, o: { now: string; incremental: boolean; start?: string; end?: string }) =>
    planBatches(c, { now: t(o.now), incremental: o.incremental, eventTimeStart: o.start ? t(o.start) : undefined, eventTimeEnd: o.end ? t(o.end) : undefined }).map((b) => `${iso(b.start)}/${iso(b.end)}`);
  it('a first build: from begin (cut to a batch) to now raised to a batch edge', () => {
    expect(plan(mc('day'), { now: '2024-09-17 16:06', incremental: false })).toEqual(['2024-09-15T00:00/2024-09-16T00:00', '2024-09-16T00:00/2024-09-17T00:00', '2024-09-17T00:00/2024-09-18T00:00']);
  });
  it('an incremental run: lookback batches before the current one', () => {
    expect(plan(mc('day'), { now: '2024-09-17 16:06', incremental: true })).toEqual(['2024-09-16T00:00/2024-09-17T00:00', '2024-09-17T00:00/2024-09-18T00:00']);
    expect(plan(mc('hour', 0), { now: '2024-09-17 16:06', incremental: true })).toEqual(['2024-09-17T16:00/2024-09-17T17:00']);
    expect(plan(mc('month', 2), { now: '2024-09-17 16:06', incremental: true })).toEqual(['2024-07-01T00:00/2024-08-01T00:00', '2024-08-01T00:00/2024-09-01T00:00', '2024-09-01T00:00/2024-10-01T00:00']);
  });
  it('a range from the flags overrides both; its end is raised to a batch edge', () => {
    expect(plan(mc('day'), { now: '2030-01-01', incremental: true, start: '2024-09-01 08:00', end: '2024-09-02 12:00' })).toEqual(['2024-09-01T00:00/2024-09-02T00:00', '2024-09-02T00:00/2024-09-03T00:00']);
    expect(plan(mc('year'), { now: '2030-01-01', incremental: false, start: '2022-06-01', end: '2023-01-01' })).toEqual(['2022-01-01T00:00/2023-01-01T00:00']);
  });
});

describe("--sample's window", () => {
  const yaml = (s: string) => JSON.parse(s.replace(/'/g, '"')) as unknown;
  const now = t('2024-03-31 16:06:00');
  const w = (s: string) => {
    const r = parseSample(s, now, yaml);
    return typeof r === 'string' ? r : `${iso(r.start)}/${iso(r.end)}`;
  };
  it('goes back from now by calendar units without cutting to a whole one (dbt: relativedelta)', () => {
    expect(w('3 days')).toBe('2024-03-28T16:06/2024-03-31T16:06');
    expect(w('1 hour')).toBe('2024-03-31T15:06/2024-03-31T16:06');
    expect(w('1 month')).toBe('2024-02-29T16:06/2024-03-31T16:06');
    expect(w('1 Years')).toBe('2023-03-31T16:06/2024-03-31T16:06');
    expect(w("{'start': '2024-01-01', 'end': '2024-01-02 12:00'}")).toBe('2024-01-01T00:00/2024-01-02T12:00');
  });
  it("refuses in dbt's words", () => {
    expect(w('3')).toBe("Cannot load SAMPLE_WINDOW from '3'. Must be of form 'DAYS_INT GRAIN_SIZE'.");
    expect(w('x days')).toBe("Unable to convert 'x' to an integer.");
    expect(w('2 weeks')).toContain("Invalid grain size 'weeks'.");
    expect(w("{'start': '2024-01-01'}")).toContain('needs start and end');
  });
});

describe('what a microbatch config must say', () => {
  const node = (config: Record<string, unknown>) => ({ name: 'm', config: { materialized: 'incremental', incremental_strategy: 'microbatch', ...config } });
  it('accepts a complete config, with lookback 1 by default', () => {
    expect(microbatchConfig(node({ event_time: 'ts', batch_size: 'day', begin: '2024-01-01' }))).toEqual({ eventTime: 'ts', batchSize: 'day', begin: t('2024-01-01'), lookback: 1 });
  });
  it("refuses in dbt's words", () => {
    expect(microbatchConfig(node({ event_time: 'ts', batch_size: 'day' }))).toContain("must provide a 'begin' (datetime) config");
    expect(microbatchConfig(node({ event_time: 'ts', begin: '2024-01-01' }))).toContain("one of ['hour', 'day', 'month', 'year'], but got: None.");
    expect(microbatchConfig(node({ event_time: 'ts', batch_size: 'day', begin: '2024-01-01', lookback: -1 }))).toContain("'lookback'");
    // unique_key fails the model when it runs (dbt-duckdb fails each batch), not the command.
    expect(microbatchRunError(node({ event_time: 'ts', batch_size: 'day', begin: '2024-01-01', unique_key: 'id' }))).toContain('unique_key');
    expect(microbatchRunError(node({ event_time: 'ts', batch_size: 'day', begin: '2024-01-01' }))).toBeUndefined();
  });
});
