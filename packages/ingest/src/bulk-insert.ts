import type { ColumnDef, Relation } from '@smsql/core';
import type { IngestTarget } from './ingest-target.ts';

/** Binds per INSERT statement on the fallback path; well under every driver's limit. */
const MAX_BINDS = 30_000;

/**
 * Writes rows in bulk: the connection's `append` when it has one (DuckDB's appender), otherwise
 * multi-row `insert ... values` with binds, a few thousand rows per statement; never a statement
 * per row. `appendInOrder` says the table's columns are exactly `columns` in this order, which
 * an appender needs because it writes by position.
 */
export async function bulkInsert(
  t: IngestTarget,
  relation: Relation,
  columns: readonly ColumnDef[],
  rows: readonly (readonly unknown[])[],
  appendInOrder = true,
): Promise<number> {
  if (rows.length === 0) return 0;
  const conn = t.connection;
  if (conn.append && appendInOrder) return conn.append(relation, columns, rows);
  const d = t.adapter.dialect;
  const names = columns.map((c) => d.quoteIdentifier(c.name)).join(', ');
  const tuple = `(${columns.map((c) => `cast(? as ${c.type})`).join(', ')})`;
  const perStatement = Math.max(1, Math.floor(MAX_BINDS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const binds: unknown[] = [];
    for (const row of chunk) for (let i = 0; i < columns.length; i++) binds.push(bindable(row[i]));
    await conn.execute(`insert into ${d.relationName(relation)} (${names}) values ${chunk.map(() => tuple).join(', ')}`, binds);
  }
  return rows.length;
}

/** Drivers disagree on bigint and Date binds; text casts back exactly on every warehouse. */
function bindable(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  return v;
}
