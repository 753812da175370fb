/** Kafka errors that a group coordinator answers while it is still settling, typically for a group it has not seen before. */
const COORDINATOR_SETTLING = new Set(['COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS']);

/**
 * How long the Kafka client waits before retrying an operation (its `retryDelay`): 100 ms when
 * the group coordinator is still settling, else the client's default of 1 s. A brand-new group's
 * first FindCoordinator and its first offset fetch each get such an answer from a real broker, and
 * at 1 s apiece they were a third of `ingest kafka --once`'s time on 100,000 records. Broker
 * outages keep the 1 s (ingestKafka's own backoff and retry window sit on top).
 */
export function kafkaRetryDelay(_client: unknown, _operation: string, _attempt: number, _retries: number, error: unknown): number {
  const errors = [error, ...((error as { errors?: unknown[] } | null)?.errors ?? [])];
  return errors.some((e) => COORDINATOR_SETTLING.has((e as { apiId?: string } | null)?.apiId ?? '')) ? 100 : 1000;
}
