// No import of @duckdb/node-api here: the dialect reads MicroDate, and ls, compile and parse load the dialect without the driver.

/**
 * A DuckDB TIMESTAMP or TIMESTAMPTZ read as a Date that keeps the microseconds a Date cannot hold
 * (`subMs`, 0-999, after the Date's milliseconds). It is a Date everywhere else; the dialect's
 * agate values read `subMs`, as dbt-duckdb's datetimes keep all six digits, and `zone`.
 */
export class MicroDate extends Date {
  readonly subMs: number;
  /** For a TIMESTAMPTZ: the connection's `TimeZone` when it was read, which dbt-duckdb's datetimes are in. */
  readonly zone: string | undefined;
  constructor(ms: number, subMs: number, zone?: string) {
    super(ms);
    this.subMs = subMs;
    this.zone = zone;
  }
}
