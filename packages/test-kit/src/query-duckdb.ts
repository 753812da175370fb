import { DuckDBInstance } from '@duckdb/node-api';

/** Open a DuckDB file, run one statement, close it, and return the rows as plain objects. */
export async function queryDuckDb(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(path);
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
