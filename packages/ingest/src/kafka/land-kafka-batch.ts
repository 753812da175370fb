import type { Lander, LandingStage } from '@smsql/core';
import { bulkInsert } from '../bulk-insert.ts';
import type { IngestTarget } from '../ingest-target.ts';
import { transaction } from '../ingest-target.ts';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, TOPICS, landingTable, rawColumns } from '../raw-schema.ts';
import type { EnsuredTables } from '../raw-tables.ts';
import { STAMP } from './check-chunk.ts';
import type { ChunkOut } from './check-chunk.ts';
import { offsetsSql, readWarehouseOffsets } from './kafka-tables.ts';
import { mapRecord } from './map-record.ts';
import type { CheckedBatch } from './record-batch.ts';

export interface LandBatchOptions {
  readonly schema: string;
  readonly groupId: string;
  readonly tables: EnsuredTables;
  /** Checked records, in offset order per partition as Kafka delivers them. */
  readonly batch: CheckedBatch;
  /**
   * Per `topic:partition`, an offset below which every record fetched is in this batch or an
   * earlier one (the fetch positions when the batch was cut). The warehouse offset moves up to it
   * even past the last record: offsets that hold no record (transaction markers, aborted
   * transactions' records) would otherwise keep it, and `once`'s end, short of the high watermark
   * for ever. Default: the records' own offsets only.
   */
  readonly through?: ReadonlyMap<string, bigint>;
}

export interface LandBatchResult {
  /** Rows written to raw tables. */
  readonly rows: number;
  readonly deadLetters: number;
  /** Records skipped because the warehouse already had them (a replay). */
  readonly replayed: number;
  /** `topic:partition` -> next offset now recorded in the warehouse, for partitions this batch moved. */
  readonly nextOffsets: ReadonlyMap<string, bigint>;
  /** How the rows were written: the lander's staged lines, or rows through the appender / inserts. */
  readonly via: 'stage' | 'rows';
}

/** The warehouse's reader refused the staged lines; the batch is landed again as rows. */
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
 * {@link OffsetConflictError} and nothing of its batch is kept. With a `lander`, rows go as the
 * staged lines the checker wrote; a batch its reader refuses (a duplicate key, a lone surrogate)
 * is landed again as rows parsed here, in a fresh transaction.
 */
export async function landKafkaBatch(t: IngestTarget, lander: Lander | undefined, opts: LandBatchOptions): Promise<LandBatchResult> {
  if (lander && opts.batch.chunks.every((c) => !c.rows)) {
    try {
      return await landOnce(t, opts, lander);
    } catch (e) {
      if (!(e instanceof StageRefused)) throw e;
    }
  }
  return await landOnce(t, opts, undefined);
}

async function landOnce(t: IngestTarget, opts: LandBatchOptions, lander: Lander | undefined): Promise<LandBatchResult> {
  const { schema, groupId, tables, batch } = opts;
  const loadedAt = new Date();
  /** Stages made here for lines the batch holds in memory (not staged as they were checked). */
  const temporary: LandingStage[] = [];
  const tx = transaction(t);
  await tx.begin();
  try {
    const current = await readWarehouseOffsets(t, schema, groupId);
    const next = new Map<string, bigint>();
    const keep = batch.chunks.map(() => new Uint8Array(0));
    let replayed = 0;
    batch.chunks.forEach((c, ci) => {
      const k = (keep[ci] = new Uint8Array(c.input.count));
      // Records come in runs of one partition: look its offsets up once per run.
      let runTopic = -1;
      let runPartition = -1;
      let runKey = '';
      let landed = -1;
      let runNext = -1;
      const { topics, partitions, offsets, kafkaTopics } = c.input;
      for (let i = 0; i < c.input.count; i++) {
        if (topics[i] !== runTopic || partitions[i] !== runPartition) {
          if (runNext >= 0) next.set(runKey, BigInt(runNext));
          runTopic = topics[i]!;
          runPartition = partitions[i]!;
          runKey = `${kafkaTopics[runTopic]}:${runPartition}`;
          const w = current.get(runKey);
          landed = w === undefined ? -1 : Number(w);
          const n = next.get(runKey);
          runNext = n === undefined ? -1 : Number(n);
        }
        // Offsets are numbers here (exact below 2^53), so that no BigInt is made per record.
        const o = offsets[i]!;
        if (o < landed) {
          replayed++;
          continue;
        }
        k[i] = 1;
        if (o + 1 > runNext) runNext = o + 1;
      }
      if (runNext >= 0) next.set(runKey, BigInt(runNext));
    });

    for (const [k, at] of opts.through ?? []) {
      const landed = current.get(k);
      // Only rows that exist (every partition's is seeded at start) and only forwards.
      if (landed !== undefined && at > landed && at > (next.get(k) ?? -1n)) next.set(k, at);
    }

    const dead: unknown[][] = [];
    batch.chunks.forEach((c, ci) => {
      for (const r of c.rejected) {
        if (!keep[ci]![r.i]) continue;
        const { kafkaTopics, topics, partitions, offsets } = c.input;
        dead.push([kafkaTopics[topics[r.i]!], partitions[r.i], BigInt(offsets[r.i]!), null, r.raw, r.reason, loadedAt]);
      }
    });

    let rows = 0;
    if (lander) {
      for (let table = 0; table < TOPICS.length; table++) {
        const { stages, lines, all, topic } = keptStages(batch.chunks, keep, table, lander, temporary);
        if (!lines) continue;
        // Replayed records' lines are in the stages too: the statement skips them by offset, as `keep` did here.
        const from = lines < all ? partitionsFrom(current, topic) : undefined;
        let inserted: number;
        try {
          inserted = await lander.insertStaged(landingTable(schema, TOPICS[table]!, loadedAt), stages, { topic, ...STAMP }, from);
        } catch (e) {
          throw new StageRefused((e as Error).message, { cause: e });
        }
        if (inserted !== lines) throw new Error(`internal: ${lines} staged records of ${topic} landed as ${inserted} rows`);
        rows += inserted;
      }
    } else {
      const byTable = rowsOf(batch.chunks, keep, loadedAt, await stagedBytes(batch.chunks));
      for (const [table, tableRows] of byTable) {
        rows += await bulkInsert(t, { schema, identifier: table }, rawColumns(table), tableRows, tables.inOrder.get(table));
      }
    }
    await bulkInsert(t, { schema, identifier: DEAD_LETTER_TABLE }, DEAD_LETTER_COLUMNS, dead, tables.inOrder.get(DEAD_LETTER_TABLE));
    await writeOffsets(t, schema, groupId, current, next, loadedAt);
    await tx.commit();
    return { rows, deadLetters: dead.length, replayed, nextOffsets: next, via: lander ? 'stage' : 'rows' };
  } catch (e) {
    try {
      await tx.rollback();
    } catch {
      // The transaction may already be aborted (DuckDB does so on a write conflict); the original error matters.
    }
    throw e;
  } finally {
    await Promise.all(temporary.map((s) => s.discard()));
  }
}

/**
 * The stages that hold one table's staged lines (lines the batch holds in memory are appended to
 * a stage of `temporary` first), how many of those lines are kept and how many there are, and
 * their Kafka topic (one per raw table: the lines carry their partition and offset, not it).
 */
function keptStages(
  chunks: readonly ChunkOut[],
  keep: readonly Uint8Array[],
  table: number,
  lander: Lander,
  temporary: LandingStage[],
): { stages: LandingStage[]; lines: number; all: number; topic: string } {
  const stages = new Set<LandingStage>();
  let inMemory: LandingStage | undefined;
  let lines = 0;
  let all = 0;
  let topic: string | undefined;
  chunks.forEach((c, ci) => {
    const k = keep[ci]!;
    for (const s of c.staged) {
      if (s.table !== table) continue;
      let kept = 0;
      for (let l = 0; l < s.recs.length; l++) kept += k[s.recs[l]!]!;
      all += s.recs.length;
      if (s.stage) stages.add(s.stage);
      else if (s.pieces.length) {
        if (!inMemory) temporary.push((inMemory = lander.createStage()));
        for (const p of s.pieces) inMemory.append(p).catch(() => undefined); // met again when the stage is read
        stages.add(inMemory);
      }
      if (!kept) continue;
      lines += kept;
      const t = s.topic < 0 ? undefined : c.input.kafkaTopics[s.topic];
      if (t === undefined || (topic !== undefined && t !== topic)) throw new Error(`internal: records of more than one Kafka topic staged for raw table ${TOPICS[table]}`);
      topic = t;
    }
  });
  return { stages: [...stages], lines, all, topic: topic ?? '' };
}

/** Per partition of `topic`, the offset the warehouse holds: lines below it are not landed again. */
function partitionsFrom(current: ReadonlyMap<string, bigint>, topic: string): Map<number, bigint> {
  const from = new Map<number, bigint>();
  for (const [k, at] of current) {
    const i = k.lastIndexOf(':');
    if (k.slice(0, i) === topic) from.set(Number(k.slice(i + 1)), at);
  }
  return from;
}

/** The bytes of every stage the chunks' lines went to, read back (for landing them as rows). */
async function stagedBytes(chunks: readonly ChunkOut[]): Promise<Map<LandingStage, Buffer>> {
  const stages = new Set(chunks.flatMap((c) => c.staged.flatMap((s) => (s.stage ? [s.stage] : []))));
  return new Map(await Promise.all([...stages].map(async (s) => [s, await s.read()] as const)));
}

/**
 * Rows with their lineage per raw table: the checker's values, or, when it staged lines, each
 * kept line parsed here (the raw values are not kept past the check; a line is its record's value
 * with the stamp's keys added, which `mapRecord` does not read, or the value written again from
 * its checked fields, so it parses to the same values).
 */
function rowsOf(chunks: readonly ChunkOut[], keep: readonly Uint8Array[], loadedAt: Date, staged: ReadonlyMap<LandingStage, Buffer>): Map<(typeof TOPICS)[number], unknown[][]> {
  const out = new Map<(typeof TOPICS)[number], unknown[][]>();
  const add = (table: (typeof TOPICS)[number], c: ChunkOut, i: number, values: readonly unknown[]) => {
    const { kafkaTopics, topics, partitions, offsets } = c.input;
    let list = out.get(table);
    if (!list) out.set(table, (list = []));
    list.push([...values, kafkaTopics[topics[i]!], partitions[i], BigInt(offsets[i]!), null, loadedAt]);
  };
  chunks.forEach((c, ci) => {
    const k = keep[ci]!;
    if (c.rows) {
      // Rejected records have no row.
      for (let i = 0; i < c.input.count; i++) if (k[i] && c.rows[i]) add(TOPICS[c.input.tables[i]!]!, c, i, c.rows[i]!);
      return;
    }
    for (const s of c.staged) {
      const table = TOPICS[s.table]!;
      const bytes = s.stage ? staged.get(s.stage)!.subarray(s.at, s.at! + (s.ends[s.ends.length - 1] ?? 0)) : Buffer.concat(s.pieces);
      for (let l = 0; l < s.recs.length; l++) {
        const i = s.recs[l]!;
        if (!k[i]) continue;
        const m = mapRecord(table, bytes.subarray(l ? s.ends[l - 1]! : 0, s.ends[l]!));
        if (!m.ok) throw new Error(`internal: the staged line of ${c.input.kafkaTopics[c.input.topics[i]!]}:${c.input.partitions[i]} at offset ${c.input.offsets[i]} does not parse again (${m.reason})`);
        add(table, c, i, m.values);
      }
    }
  });
  return out;
}

async function writeOffsets(
  t: IngestTarget,
  schema: string,
  groupId: string,
  current: ReadonlyMap<string, bigint>,
  next: ReadonlyMap<string, bigint>,
  at: Date,
): Promise<void> {
  const { table, c } = offsetsSql(t, schema);
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
    const res = await t.connection.execute(
      `update ${table} set ${c('next_offset')} = v.next_offset, ${c('updated_at')} = v.updated_at ` +
        `from (values ${tuples.join(', ')}) as v(group_id, topic, partition_id, expected, next_offset, updated_at) ` +
        `where ${table}.${c('group_id')} = v.group_id and ${table}.${c('topic')} = v.topic and ${table}.${c('partition_id')} = v.partition_id and ${table}.${c('next_offset')} = v.expected`,
      updates,
    );
    if (res.rowsAffected !== undefined && res.rowsAffected < nUpdates) {
      throw new OffsetConflictError(`Another consumer of group "${groupId}" landed some of these partitions meanwhile; the batch is retried.`);
    }
  }
  if (nInserts) {
    const tuple = '(cast(? as varchar), cast(? as varchar), cast(? as integer), cast(? as bigint), cast(? as timestamp))';
    await t.connection.execute(
      `insert into ${table} (${['group_id', 'topic', 'partition_id', 'next_offset', 'updated_at'].map(c).join(', ')}) values ${Array.from({ length: nInserts }, () => tuple).join(', ')}`,
      inserts,
    );
  }
}
