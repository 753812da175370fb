import type { TargetConfig } from '@smsql/core';

/** A DuckDB target in profiles.yml. */
export interface DuckDbTargetConfig extends TargetConfig {
  /** Database file, relative to the project directory; `:memory:` for an in-memory database. Default `target/<name>.duckdb`. */
  readonly path?: string;
  /** Extra DuckDB settings passed at open, e.g. `{ memory_limit: '4GB' }`. */
  readonly settings?: Record<string, string>;
  /** Extensions to load at open. */
  readonly extensions?: string[];
}
