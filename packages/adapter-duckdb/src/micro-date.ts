import { DuckDBTimestampTZValue, DuckDBTimestampValue } from '@duckdb/node-api';

/** The largest instant a JavaScript Date holds, in milliseconds either side of 1970. */
const MAX_DATE_MS = 8_640_000_000_000_000n;

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

/** A timestamp item with microseconds past its millisecond as a MicroDate; anything else: undefined (the library's converter reads it). */
export function microDate(item: unknown): MicroDate | undefined {
  if (!(item instanceof DuckDBTimestampValue || item instanceof DuckDBTimestampTZValue)) return undefined;
  const micros = item.micros;
  let ms = micros / 1000n;
  if (micros < 0n && ms * 1000n !== micros) ms -= 1n;
  const sub = micros - ms * 1000n;
  if (sub === 0n || ms > MAX_DATE_MS || ms < -MAX_DATE_MS) return undefined;
  return new MicroDate(Number(ms), Number(sub));
}
