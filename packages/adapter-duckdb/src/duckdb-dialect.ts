import { BaseDialect } from '@sm/core';

/**
 * DuckDB: identifiers compare case-insensitively and keep their spelling; everything else
 * the base dialect says holds, including `merge into` (DuckDB 1.4+).
 */
export class DuckDbDialect extends BaseDialect {
  override readonly name = 'duckdb';
  override readonly identifierCase = 'insensitive' as const;
}
