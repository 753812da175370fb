import type { Connection, Lander, Landing } from '@smsql/core';
import { DuckDbLander } from './duckdb-lander.ts';
import { duckDbLandingOptions } from './duckdb-landing-options.ts';

/** The landing capability of the DuckDB adapter: its own JSON reader on this machine's files. */
export const duckDbLanding: Landing<Connection> = {
  options: (raw) => duckDbLandingOptions(raw),
  open: (conn: Connection, options): Promise<Lander> => DuckDbLander.open(conn, duckDbLandingOptions(options)),
};
