import type { Adapter, Connection } from '@smsql/core';
import { SmProjectError, diag } from '@smsql/core';

/** Where ingestion writes: a connection and the adapter it came from (its dialect and optional landing capability). */
export interface IngestTarget {
  readonly connection: Connection;
  readonly adapter: Pick<Adapter, 'type' | 'dialect' | 'landing'>;
  /** The target's `landing:` options from profiles.yml, checked by the adapter's landing capability. Default: none. */
  readonly landingOptions?: unknown;
}

/** A usage or input error of ingestion: reported without a stack trace, exit 2. */
export function ingestUsageError(message: string, hint?: string): SmProjectError {
  return new SmProjectError([diag('SM_USAGE', message, undefined, { hint })]);
}

/** Begin, commit and rollback through the dialect, remembering whether a transaction is open. */
export interface Transaction {
  begin(): Promise<void>;
  commit(): Promise<void>;
  /** Rolls back if a transaction is open; a no-op otherwise. */
  rollback(): Promise<void>;
}

export function transaction(t: IngestTarget): Transaction {
  const { connection: conn, adapter } = t;
  let open = false;
  return {
    async begin() {
      await conn.execute(adapter.dialect.beginTransaction());
      open = true;
    },
    async commit() {
      await conn.execute(adapter.dialect.commit());
      open = false;
    },
    async rollback() {
      if (!open) return;
      open = false;
      await conn.execute(adapter.dialect.rollback());
    },
  };
}
