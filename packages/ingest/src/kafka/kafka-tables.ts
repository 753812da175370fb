import type { ColumnDef, Connection } from '@sm/core';
import { DEAD_LETTER_COLUMNS, DEAD_LETTER_TABLE, rawColumns } from '../raw-schema.ts';
import type { Topic } from '../raw-schema.ts';

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

/** Whether each table's columns are exactly the declared ones, in order (an appender writes by position). */
export interface KafkaTables {
  readonly inOrder: ReadonlyMap<string, boolean>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkIdentifier(kind: string, name: string): void {
  if (!IDENT.test(name)) {
    throw new Error(`Invalid ${kind} "${name}": use letters, digits and underscores, not starting with a digit.`);
  }
}

function createTable(schema: string, table: string, columns: readonly ColumnDef[]): string {
  return `create table if not exists ${schema}.${table} (${columns.map((c) => `${c.name} ${c.type}`).join(', ')})`;
}

/**
 * Creates the schema, the raw tables of `topics`, the dead-letter table and the offsets table
 * when missing, and checks that existing ones have every column landing writes. One describe.
 */
export async function ensureKafkaTables(conn: Connection, schema: string, topics: readonly Topic[]): Promise<KafkaTables> {
  checkIdentifier('schema', schema);
  await conn.execute(`create schema if not exists ${schema}`).catch(async (e: Error) => {
    if (!/conflict/i.test(e.message)) throw e;
    await conn.execute(`create schema if not exists ${schema}`);
  });
  const wanted = new Map<string, readonly ColumnDef[]>([
    ...topics.map((t) => [t, rawColumns(t)] as const),
    [DEAD_LETTER_TABLE, DEAD_LETTER_COLUMNS],
    [OFFSETS_TABLE, OFFSETS_COLUMNS],
  ]);
  for (const [table, columns] of wanted) {
    // Two consumers starting together on one DuckDB database race to create; the loser retries and finds the table.
    for (let attempt = 0; ; attempt++) {
      try {
        await conn.execute(createTable(schema, table, columns));
        break;
      } catch (e) {
        if (attempt >= 5 || !/conflict/i.test((e as Error).message)) throw e;
      }
    }
  }
  const found = new Map((await conn.describe(schema)).map((r) => [r.identifier.toLowerCase(), r.columns]));
  const inOrder = new Map<string, boolean>();
  for (const [table, columns] of wanted) {
    const have = (found.get(table) ?? []).map((c) => c.name.toLowerCase());
    const missing = columns.filter((c) => !have.includes(c.name));
    if (missing.length) {
      throw new Error(
        `Table ${schema}.${table} exists without column(s) ${missing.map((c) => c.name).join(', ')} that Kafka landing writes. ` +
          `Add them (alter table ... add column) or land into another schema.`,
      );
    }
    inOrder.set(table, have.length === columns.length && columns.every((c, i) => have[i] === c.name));
  }
  return { inOrder };
}

/** `topic:partition` -> next offset to land, for one group, as the warehouse has it. */
export async function readWarehouseOffsets(conn: Connection, schema: string, groupId: string): Promise<Map<string, bigint>> {
  const res = await conn.execute(
    `select topic, partition_id, max(next_offset) as next_offset from ${schema}.${OFFSETS_TABLE} where group_id = ? group by topic, partition_id`,
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
