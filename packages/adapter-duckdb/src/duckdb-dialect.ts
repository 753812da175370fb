import { BaseDialect } from '@smsql/core';

/**
 * DuckDB: identifiers compare case-insensitively and keep their spelling; everything else
 * the base dialect says holds, including `merge into` (DuckDB 1.4+). It also writes and reads
 * Parquet, which external models need.
 */
export class DuckDbDialect extends BaseDialect {
  override readonly name = 'duckdb';
  override readonly identifierCase = 'insensitive' as const;

  override copyToParquet(sql: string, path: string, partitionBy: readonly string[]): string {
    const part = partitionBy.length ? `, partition_by (${partitionBy.map((c) => this.quoteIdentifier(c)).join(', ')})` : '';
    return `copy (\n${sql}\n) to ${this.quoteString(path)} (format parquet${part})`;
  }

  override readParquet(glob: string): string {
    return `select * from read_parquet(${this.quoteString(glob)}, hive_partitioning = true, union_by_name = true)`;
  }
}
