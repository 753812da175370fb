/**
 * One event as Eventsim writes it: one JSON object on one line, fields in insertion order (the
 * generator inserts them in Eventsim's order), no trailing newline.
 */
export function serializeEvent(event: Record<string, unknown>): string {
  return JSON.stringify(event);
}
