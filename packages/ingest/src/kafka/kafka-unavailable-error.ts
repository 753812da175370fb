/**
 * Kafka stayed unreachable longer than the retry window: ingestion stops with exit 1 and this
 * one-line cause. What landed before is kept, and the next run resumes from the warehouse offsets.
 */
export class KafkaUnavailableError extends Error {
  readonly code = 'SM_KAFKA_UNAVAILABLE';
  constructor(brokers: readonly string[], downMs: number, cause: unknown) {
    const last = cause instanceof Error ? cause.message : String(cause);
    super(
      `Kafka at ${brokers.join(',')} could not be reached for ${Math.round(downMs / 1000)} s (last error: ${last}); gave up. ` +
        `Check that the brokers are up and reachable, or wait longer with --retry-for <seconds>. What landed is kept; the next run resumes where this one stopped.`,
      { cause },
    );
    this.name = 'KafkaUnavailableError';
  }
}
