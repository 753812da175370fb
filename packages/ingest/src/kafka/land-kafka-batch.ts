import type { Connection } from '@sm/core';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, rawColumns } from '../raw-schema.ts';
import type { Topic } from '../raw-schema.ts';
import { bulkInsert } from './bulk-insert.ts';
import { OFFSETS_TABLE, readWarehouseOffsets } from './kafka-tables.ts';
import type { KafkaTables } from './kafka-tables.ts';
import { checkRecord, mapRecord } from './map-record.ts';
import type { MappedRow, RejectedRecord } from './map-record.ts';
import { StagedLines, insertStaged, stageableValue, valuesAsJson } from './json-stage.ts';
import type { JsonStage } from './json-stage.ts';

/** One consumed record, as landing needs it. */
export interface KafkaRecordIn {
  /** The Kafka topic, kept in `_topic` and in the offsets. */
  readonly topic: string;
  /** The raw table (Eventsim topic) the record lands in. */
  readonly table: Topic;
  readonly partition: number;
  readonly offset: bigint;
  readonly value: Buffer | null | undefined;
  /**
   * `checkRecord(table, value)` when the caller has run it already (the consumer checks records
   * as they arrive): the rejection, or null for a record that maps.
   */
  readonly checked?: RejectedRecord | null;
}

export interface LandBatchOptions {
  readonly schema: string;
  readonly groupId: string;
  readonly tables: KafkaTables;
  /** In offset order per partition, as Kafka delivers them. */
  readonly records: readonly KafkaRecordIn[];
  /**
   * Rows go through newline-delimited JSON files that DuckDB reads (see `openJsonStage`) rather
   * than the appender or binds. A batch DuckDB's reader refuses (a duplicate key, a lone
   * surrogate) is landed again without the stage, in a fresh transaction.
   */
  readonly stage?: JsonStage;
}

export interface LandBatchResult {
  /** Rows written to raw tables. */
  readonly rows: number;
  readonly deadLetters: number;
  /** Records skipped because the warehouse already had them (a replay). */
  readonly replayed: number;
  /** `topic:partition` -> next offset now recorded in the warehouse, for partitions this batch moved. */
  readonly nextOffsets: ReadonlyMap<string, bigint>;
  /** How the rows were written: through the JSON stage, or the appender / binds. */
  readonly via: 'stage' | 'append';
}

/** DuckDB's JSON reader refused a staged file; the batch is landed again without the stage. */
class StageRefused extends Error {}

/** Another consumer of the group moved a partition's warehouse offset during this batch; retry it. */
export class OffsetConflictError extends Error {
  readonly code = 'SM_KAFKA_OFFSET_CONFLICT';
  constructor(message: string) {
    super(message);
    this.name = 'OffsetConflictError';
  }
}

/**
 * Lands one batch in ONE warehouse transaction: the raw rows, the dead letters and the group's
 * new offsets. Records below the offset the warehouse already holds are skipped, so a replay
 * after a crash (rows committed, Kafka commit lost) lands nothing twice. The offsets update is a
 * compare-and-set on the value read in the same transaction, so two consumers that both think
 * they own a partition (during a rebalance) cannot both land it: the second fails with
 * {@link OffsetConflictError} and nothing of its batch is kept.
 */
export async function landKafkaBatch(conn: Connection, opts: LandBatchOptions): Promise<LandBatchResult> {
  if (opts.stage) {
    try {
      return await landOnce(conn, opts, opts.stage);
    } catch (e) {
      if (!(e instanceof StageRefused)) throw e;
    }
  }
  return await landOnce(conn, opts, undefined);
}

async function landOnce(conn: Connection, opts: LandBatchOptions, stage: JsonStage | undefined): Promise<LandBatchResult> {
  const { schema, groupId, tables, records } = opts;
  const ingestedAt = new Date();
  await conn.execute('begin transaction');
  try {
    const current = await readWarehouseOffsets(conn, schema, groupId);
    const rowsByTable = new Map<Topic, unknown[][]>();
    const staged = new Map<Topic, StagedLines>();
    const dead: unknown[][] = [];
    const next = new Map<string, bigint>();
    let replayed = 0;
    // Records come in runs of one partition: look its offsets up once per run.
    let runTopic = '';
    let runPartition = -1;
    let runKey = '';
    let landed: bigint | undefined;
    let runNext = -1n;
    for (const r of records) {
      if (r.topic !== runTopic || r.partition !== runPartition) {
        if (runNext >= 0n) next.set(runKey, runNext);
        runTopic = r.topic;
        runPartition = r.partition;
        runKey = `${r.topic}:${r.partition}`;
        landed = current.get(runKey);
        runNext = next.get(runKey) ?? -1n;
      }
      if (landed !== undefined && r.offset < landed) {
        replayed++;
        continue;
      }
      if (r.offset + 1n > runNext) runNext = r.offset + 1n;
      if (stage) {
        const rejected = r.checked !== undefined ? r.checked : (checkRecord(r.table, r.value) ?? null);
        if (rejected) {
          dead.push([r.topic, r.partition, r.offset, null, rejected.raw, rejected.reason, ingestedAt]);
          continue;
        }
        let lines = staged.get(r.table);
        if (!lines) staged.set(r.table, (lines = new StagedLines()));
        lines.add(r.topic, r.partition, r.offset, stageableValue(r.value!) ?? valuesAsJson(r.table, (mapRecord(r.table, r.value) as MappedRow).values));
        continue;
      }
      const m = mapRecord(r.table, r.value);
      if (!m.ok) {
        dead.push([r.topic, r.partition, r.offset, null, m.raw, m.reason, ingestedAt]);
      } else {
        let rows = rowsByTable.get(r.table);
        if (!rows) rowsByTable.set(r.table, (rows = []));
        m.values.push(r.topic, r.partition, r.offset, null, ingestedAt);
        rows.push(m.values);
      }
    }
    if (runNext >= 0n) next.set(runKey, runNext);
    let rows = 0;
    for (const [table, lines] of staged) {
      try {
        rows += await insertStaged(conn, stage!, schema, table, lines, ingestedAt);
      } catch (e) {
        throw new StageRefused((e as Error).message, { cause: e });
      }
    }
    for (const [table, tableRows] of rowsByTable) {
      rows += await bulkInsert(conn, { schema, identifier: table }, rawColumns(table), tableRows, tables.inOrder.get(table));
    }
    await bulkInsert(conn, { schema, identifier: DEAD_LETTER_TABLE }, DEAD_LETTER_COLUMNS, dead, tables.inOrder.get(DEAD_LETTER_TABLE));
    await writeOffsets(conn, schema, groupId, current, next, ingestedAt);
    await conn.execute('commit');
    return { rows, deadLetters: dead.length, replayed, nextOffsets: next, via: stage ? 'stage' : 'append' };
  } catch (e) {
    try {
      await conn.execute('rollback');
    } catch {
      // The transaction may already be aborted (DuckDB does so on a write conflict); the original error matters.
    }
    throw e;
  }
}

async function writeOffsets(
  conn: Connection,
  schema: string,
  groupId: string,
  current: ReadonlyMap<string, bigint>,
  next: ReadonlyMap<string, bigint>,
  at: Date,
): Promise<void> {
  const table = `${schema}.${OFFSETS_TABLE}`;
  const updates: unknown[] = [];
  const inserts: unknown[] = [];
  let nUpdates = 0;
  let nInserts = 0;
  for (const [key, offset] of next) {
    const i = key.lastIndexOf(':');
    const topic = key.slice(0, i);
    const partition = Number(key.slice(i + 1));
    const expected = current.get(key);
    if (expected === undefined) {
      inserts.push(groupId, topic, partition, offset.toString(), at.toISOString());
      nInserts++;
    } else {
      updates.push(groupId, topic, partition, expected.toString(), offset.toString(), at.toISOString());
      nUpdates++;
    }
  }
  if (nUpdates) {
    // Every bind sits in the VALUES list: warehouses number `?` in different orders across SET, FROM and WHERE.
    const tuples = Array.from(
      { length: nUpdates },
      () => '(cast(? as varchar), cast(? as varchar), cast(? as integer), cast(? as bigint), cast(? as bigint), cast(? as timestamp))',
    );
    const res = await conn.execute(
      `update ${table} set next_offset = v.next_offset, updated_at = v.updated_at ` +
        `from (values ${tuples.join(', ')}) as v(group_id, topic, partition_id, expected, next_offset, updated_at) ` +
        `where ${table}.group_id = v.group_id and ${table}.topic = v.topic and ${table}.partition_id = v.partition_id and ${table}.next_offset = v.expected`,
      updates,
    );
    if (res.rowsAffected !== undefined && res.rowsAffected < nUpdates) {
      throw new OffsetConflictError(`Another consumer of group "${groupId}" landed some of these partitions meanwhile; the batch is retried.`);
    }
  }
  if (nInserts) {
    const tuple = '(cast(? as varchar), cast(? as varchar), cast(? as integer), cast(? as bigint), cast(? as timestamp))';
    await conn.execute(
      `insert into ${table} (group_id, topic, partition_id, next_offset, updated_at) values ${Array.from({ length: nInserts }, () => tuple).join(', ')}`,
      inserts,
    );
  }
}
