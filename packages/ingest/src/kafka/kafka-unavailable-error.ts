/**
 * Kafka stayed unreachable longer than the retry window: ingestion stops with exit 1 and this
 * one-line cause. What landed before is kept, and the next run resumes from the warehouse offsets.
 */
export class KafkaUnavailableError extends Error {
  readonly code = 'SM_KAFKA_UNAVAILABLE';
  constructor(brokers: readonly string[], downMs: number, cause: unknown) {
    const last = describeKafkaError(cause);
    super(
      `Kafka at ${brokers.join(',')} could not be reached for ${Math.round(downMs / 1000)} s (last error: ${last}); gave up. ` +
        `Check that the brokers are up and reachable, or wait longer with --retry-for <seconds>. What landed is kept; the next run resumes where this one stopped.`,
      { cause },
    );
    this.name = 'KafkaUnavailableError';
  }
}

/** The client's error with the causes it wraps (a MultipleErrors names none in its own message). */
export function describeKafkaError(e: unknown): string {
  const err = e as Error & { errors?: unknown[] };
  const inner = [...new Set((err?.errors ?? []).map((x) => (x as Error)?.message).filter(Boolean))].slice(0, 2).join('; ');
  const own = err instanceof Error ? err.message : String(e);
  return inner ? `${own} (${inner})` : own;
}
