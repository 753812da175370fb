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

/**
 * The Kafka client could not rejoin the consumer group after a rebalance and gave the membership
 * up. A Kafka failure like a lost connection: ingestKafka warns, starts a fresh member (which
 * joins the group again) and goes on, within the same retry window.
 */
export class GroupMembershipLostError extends Error {
  readonly code = 'SM_KAFKA_GROUP_LEFT';
  constructor(groupId: string, cause: unknown) {
    super(`this consumer could not rejoin group ${groupId} after a rebalance (${describeKafkaError(cause)})`, { cause });
    this.name = 'GroupMembershipLostError';
  }
}

/** The client's error with the causes it wraps (a MultipleErrors names none in its own message). */
export function describeKafkaError(e: unknown): string {
  const err = e as Error & { errors?: unknown[] };
  const inner = [...new Set((err?.errors ?? []).map((x) => (x as Error)?.message).filter(Boolean))].slice(0, 2).join('; ');
  const own = err instanceof Error ? err.message : String(e);
  return inner ? `${own} (${inner})` : own;
}
