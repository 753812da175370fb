// No import of @duckdb/node-api here: the dialect reads MicroDate, and ls, compile and parse load the dialect without the driver.

/**
 * A DuckDB TIMESTAMP or TIMESTAMPTZ read as a Date that keeps the microseconds a Date cannot hold
 * (`subMs`, 0-999, after the Date's milliseconds). It is a Date everywhere else; the dialect's
 * agate values read `subMs`, as dbt-duckdb's datetimes keep all six digits.
 */
export class MicroDate extends Date {
  readonly subMs: number;
  constructor(ms: number, subMs: number) {
    super(ms);
    this.subMs = subMs;
  }
}
