import { DuckDBTimestampTZValue, DuckDBTimestampValue } from '@duckdb/node-api';
import { MicroDate } from './micro-date.ts';

/** The largest instant a JavaScript Date holds, in milliseconds either side of 1970. */
const MAX_DATE_MS = 8_640_000_000_000_000n;

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
