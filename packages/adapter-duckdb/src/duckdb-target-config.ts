import type { TargetConfig } from '@smsql/core';
import type { AttachEntry, ExtensionEntry } from './duckdb-open-sql.ts';

/** A DuckDB target in profiles.yml. */
export interface DuckDbTargetConfig extends TargetConfig {
  /** Database file, relative to the project directory; `:memory:` for an in-memory database. Default `target/<name>.duckdb`. */
  readonly path?: string;
  /** DuckDB settings SET on every connection, as dbt-duckdb does, e.g. `{ memory_limit: '4GB', TimeZone: 'UTC' }`. */
  readonly settings?: Record<string, unknown>;
  /** DuckDB options given when the file is opened (dbt-duckdb's `config_options`), e.g. `{ access_mode: 'READ_ONLY' }`. */
  readonly config_options?: Record<string, unknown>;
  /** Databases to attach once the file is open (dbt-duckdb's `attach:`). */
  readonly attach?: AttachEntry[];
  /** Extensions to load at open (installed first where they are not): names, or `{name, repo}` to install from a repository. */
  readonly extensions?: ExtensionEntry[];
  /** Secrets to create at open (dbt-duckdb's `secrets:`): each a `type` and that type's keys. */
  readonly secrets?: Record<string, unknown>[];
  /** dbt-duckdb's older spelling of an S3 secret from the credential chain: `aws`. */
  readonly use_credential_provider?: unknown;
}
