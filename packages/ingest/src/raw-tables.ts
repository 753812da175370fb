import type { ColumnDef, Relation } from '@smsql/core';
import { ingestUsageError, type IngestTarget } from './ingest-target.ts';

/** A table landing writes, with the columns it writes and any table constraint. */
export interface WantedTable {
  readonly columns: readonly ColumnDef[];
  /** Appended inside `create table (...)`, e.g. `primary key (file)`. */
  readonly constraint?: string;
}

/** Whether each table's columns are exactly the declared ones, in order (an appender writes by position). */
export interface EnsuredTables {
  readonly inOrder: ReadonlyMap<string, boolean>;
}

/**
 * Creates the schema and the tables when missing, and checks with one describe that existing
 * ones have every column landing writes. Identifiers go through the adapter's dialect.
 */
export async function ensureTables(t: IngestTarget, schema: string, wanted: ReadonlyMap<string, WantedTable>): Promise<EnsuredTables> {
  await createTables(t, schema, wanted);
  const found = new Map((await t.connection.describe(schema)).map((r) => [r.identifier.toLowerCase(), r.columns]));
  const inOrder = new Map<string, boolean>();
  for (const [table, w] of wanted) {
    const have = (found.get(table.toLowerCase()) ?? []).map((c) => c.name.toLowerCase());
    const missing = w.columns.filter((c) => !have.includes(c.name.toLowerCase()));
    if (missing.length) {
      // The user's table, not sm's bug: a project error (exit 2), and the table is left as it is.
      throw ingestUsageError(
        `Table ${schema}.${table} exists without column(s) ${missing.map((c) => c.name).join(', ')} that landing writes; nothing was landed.`,
        `Add them (alter table ... add column), or land into another schema with --schema.`,
      );
    }
    inOrder.set(table, have.length === w.columns.length && w.columns.every((c, i) => have[i] === c.name.toLowerCase()));
  }
  return { inOrder };
}

async function retryOnConflict(f: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await f();
      return;
    } catch (e) {
      if (attempt >= 5 || !/conflict/i.test((e as Error).message)) throw e;
    }
  }
}

/** Creates the schema and the tables when missing; existing ones are left as they are, unchecked (see {@link ensureTables}). */
export async function createTables(t: IngestTarget, schema: string, wanted: ReadonlyMap<string, WantedTable>): Promise<void> {
  const d = t.adapter.dialect;
  // Two processes starting together on one DuckDB database race to create; the loser retries and finds the object.
  await retryOnConflict(() => t.connection.execute(d.createSchema(undefined, schema)));
  for (const [table, w] of wanted) {
    const rel: Relation = { schema, identifier: table };
    const cols = [...w.columns.map((c) => `${d.quoteIdentifier(c.name)} ${c.type}`), ...(w.constraint ? [w.constraint] : [])];
    await retryOnConflict(() => t.connection.execute(`create table if not exists ${d.relationName(rel)} (${cols.join(', ')})`));
  }
}
