import type { Topic } from '../raw-schema.ts';
import type { IngestKafkaOptions, IngestProgress, IngestResult } from './ingest-options.ts';
import type { Lander } from '@smsql/core';
import type { IngestTarget } from '../ingest-target.ts';
import type { EnsuredTables } from '../raw-tables.ts';
import { offsetsSql, readWarehouseOffsets } from './kafka-tables.ts';
import type { RecordChecker } from './record-checker.ts';

/** What one `ingestKafka` call knows, shared by its successive consumers (one per reconnect). */
export interface IngestState {
  readonly opts: IngestKafkaOptions;
  readonly topics: readonly Topic[];
  /** Kafka topic -> raw table. */
  readonly tableOf: ReadonlyMap<string, Topic>;
  readonly schema: string;
  readonly target: IngestTarget;
  tables: EnsuredTables;
  /** The adapter's landing capability on the connection; undefined on a warehouse without one (rows then go through append or inserts). */
  lander: Lander | undefined;
  /** Resolves once `tables` and `lander` are set: the warehouse's start-up, run beside the first consumer's. */
  warehouseReady: Promise<void>;
  /**
   * The warehouse's offsets read at the start of the call, ahead of the rest of its start-up (the
   * first consumer joins and fetches from them); taken, and left undefined, by that consumer.
   */
  earlyOffsets: Promise<void> | undefined;
  /** What a landing needs first: `warehouseReady` and the consumer's offsets rows (seeded at its start). */
  landingReady: Promise<void>;
  /** Checks records off the main thread. */
  readonly checker: RecordChecker;
  readonly startedAt: number;
  /** High watermarks at the start of the call: what `once` must reach. */
  targets: Map<string, bigint> | undefined;
  /** Kafka's committed offsets at the start, which count as progress when ahead of the warehouse. */
  readonly kafkaBase: Map<string, bigint>;
  /** Warehouse offsets as last read or written. */
  warehouse: Map<string, bigint>;
  /** Latest high watermarks, for lag. */
  highWatermarks: Map<string, bigint>;
  stats: { rows: number; deadLetters: number; replayed: number; batches: number };
  /** Serialises warehouse use: one connection cannot hold a transaction and run a side query at once. */
  db: Promise<unknown>;
  /** Last time Kafka answered; reconnecting gives up `retryForMs` after it. */
  healthyAt: number;
}

export const key = (topic: string, partition: number) => `${topic}:${partition}`;

export function withDb<T>(s: IngestState, fn: () => Promise<T>): Promise<T> {
  const run = s.db.then(fn, fn);
  s.db = run.catch(() => undefined);
  return run;
}

export function progress(s: IngestState): IngestProgress {
  const elapsedMs = Date.now() - s.startedAt;
  let lag = 0n;
  const marks = s.targets && s.opts.once ? s.targets : s.highWatermarks;
  for (const [k, hw] of marks) {
    const at = position(s, k);
    if (hw > at) lag += hw - at;
  }
  return {
    ...s.stats,
    lag: Number(lag),
    recordsPerSecond: elapsedMs > 0 ? Math.round(((s.stats.rows + s.stats.deadLetters) * 1000) / elapsedMs) : 0,
    elapsedMs,
  };
}

export function result(s: IngestState, stoppedBy: IngestResult['stoppedBy']): IngestResult {
  return { ...progress(s), stoppedBy };
}

export function position(s: IngestState, k: string): bigint {
  const w = s.warehouse.get(k) ?? 0n;
  const b = s.kafkaBase.get(k) ?? 0n;
  return w > b ? w : b;
}

export function drained(s: IngestState): boolean {
  if (!s.targets) return false;
  for (const [k, hw] of s.targets) if (position(s, k) < hw) return false;
  return true;
}

export async function refreshWarehouse(s: IngestState): Promise<void> {
  s.warehouse = await withDb(s, () => readWarehouseOffsets(s.target, s.schema, s.opts.groupId));
}

/** Offsets rows for every partition up front, so landing always compare-and-sets an existing row. */
export async function seedOffsets(s: IngestState, partitions: readonly string[]): Promise<void> {
  const missing = partitions.filter((k) => !s.warehouse.has(k));
  if (!missing.length) return;
  const at = new Date().toISOString();
  const binds: unknown[] = [];
  for (const k of missing) {
    const i = k.lastIndexOf(':');
    binds.push(s.opts.groupId, k.slice(0, i), Number(k.slice(i + 1)), at);
  }
  const tuple = '(cast(? as varchar), cast(? as varchar), cast(? as integer), 0, cast(? as timestamp))';
  const { table, c } = offsetsSql(s.target, s.schema);
  await withDb(s, () =>
    s.target.connection.execute(
      `insert into ${table} (${['group_id', 'topic', 'partition_id', 'next_offset', 'updated_at'].map(c).join(', ')}) values ${missing.map(() => tuple).join(', ')}`,
      binds,
    ),
  );
  await refreshWarehouse(s);
}

export function flatten(offsets: Map<string, bigint[]>): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const [topic, parts] of offsets) parts.forEach((o, p) => out.set(key(topic, p), o));
  return out;
}

