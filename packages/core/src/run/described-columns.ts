import type { ColumnDef, QueryResult } from '../adapter.ts';

/** The columns a dialect's describe statement lists (`describeQuery`, `describeParquet`): its rows' `column_name` and `column_type`. */
export function describedColumns(result: Pick<QueryResult, 'rows'>): ColumnDef[] {
  return result.rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}
