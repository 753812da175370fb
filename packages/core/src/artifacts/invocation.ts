import { randomUUID } from 'node:crypto';

/** When each invocation of this process began, by id: what the artifacts' metadata reports. */
const started = new Map<string, Date>();

/** A new invocation id (or the caller's, who named its logs with it), its start recorded now. */
export function newInvocationId(id: string = randomUUID()): string {
  if (!started.has(id)) started.set(id, new Date());
  return id;
}

/** When the invocation began (now, for an id this process did not make). */
export function invocationStart(id: string): Date {
  return started.get(id) ?? new Date();
}

/** Python's isoformat of an aware UTC time, as dbt writes it: microseconds, then `+00:00` or `Z`. */
export function pythonIsoTime(d: Date, zone: '+00:00' | 'Z'): string {
  return `${d.toISOString().slice(0, -1)}000${zone}`;
}

/** A JavaScript ISO time (`...12.345Z`) with dbt's six digits of seconds' fraction (`...12.345000Z`), as its artifacts' timings and `generated_at` have them. */
export function microsIso(iso: string): string {
  return iso.replace(/\.(\d{3})Z$/, '.$1000Z');
}
