import type { ColumnDef } from '@smsql/core';
import type { IngestTarget } from '../ingest-target.ts';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, rawColumns } from '../raw-schema.ts';
import type { Topic } from '../raw-schema.ts';
import { createTables, ensureTables } from '../raw-tables.ts';
import type { EnsuredTables, WantedTable } from '../raw-tables.ts';

/**
 * Where each consumer group has got to, per partition, in the warehouse itself: written in the
 * same transaction as the rows, so it is the source of truth after a crash between the
 * warehouse commit and the Kafka commit.
 */
export const OFFSETS_TABLE = '_sm_kafka_offsets';
export const OFFSETS_COLUMNS: readonly ColumnDef[] = [
  { name: 'group_id', type: 'varchar' },
  { name: 'topic', type: 'varchar' },
  { name: 'partition_id', type: 'integer' },
  { name: 'next_offset', type: 'bigint' },
  { name: 'updated_at', type: 'timestamp' },
];

/** Creates the schema, the raw tables of `topics`, the dead-letter table and the offsets table when missing; checks existing ones. */
export function ensureKafkaTables(t: IngestTarget, schema: string, topics: readonly Topic[]): Promise<EnsuredTables> {
  const wanted = new Map<string, WantedTable>([
    ...topics.map((topic) => [topic, { columns: rawColumns(topic) }] as const),
    [DEAD_LETTER_TABLE, { columns: DEAD_LETTER_COLUMNS }],
    [OFFSETS_TABLE, { columns: OFFSETS_COLUMNS }],
  ]);
  return ensureTables(t, schema, wanted);
}

/**
 * Creates the schema and the offsets table when missing, unchecked: what reading the warehouse's
 * offsets needs, ahead of the other tables. {@link ensureKafkaTables} checks it with the rest.
 */
export function createOffsetsTable(t: IngestTarget, schema: string): Promise<void> {
  return createTables(t, schema, new Map([[OFFSETS_TABLE, { columns: OFFSETS_COLUMNS }]]));
}

/** The offsets table and its columns, quoted by the target's dialect. */
export function offsetsSql(t: IngestTarget, schema: string): { table: string; c: (name: string) => string } {
  const d = t.adapter.dialect;
  return { table: d.relationName({ schema, identifier: OFFSETS_TABLE }), c: (name) => d.quoteIdentifier(name) };
}

/** `topic:partition` -> next offset to land, for one group, as the warehouse has it. */
export async function readWarehouseOffsets(t: IngestTarget, schema: string, groupId: string): Promise<Map<string, bigint>> {
  const { table, c } = offsetsSql(t, schema);
  const res = await t.connection.execute(
    `select ${c('topic')} as topic, ${c('partition_id')} as partition_id, max(${c('next_offset')}) as next_offset from ${table} where ${c('group_id')} = ? group by ${c('topic')}, ${c('partition_id')}`,
    [groupId],
  );
  const out = new Map<string, bigint>();
  for (const r of res.rows) {
    out.set(`${String(col(r, 'topic'))}:${Number(col(r, 'partition_id'))}`, BigInt(String(col(r, 'next_offset'))));
  }
  return out;
}

/** Snowflake reports unquoted column names in upper case, DuckDB as written. */
export function col(row: Readonly<Record<string, unknown>>, name: string): unknown {
  return name in row ? row[name] : row[name.toUpperCase()];
}
