export { ingestKafka } from './ingest-kafka.ts';
export type { IngestKafkaOptions, IngestProgress, IngestResult } from './ingest-kafka.ts';
export { KafkaUnavailableError } from './kafka-unavailable-error.ts';
export { produceEvents, ensureTopics } from './produce-events.ts';
export type { ProduceEventsOptions, ProduceEventsResult } from './produce-events.ts';
export { shutdownSignal } from './shutdown-signal.ts';
export { mapRecord } from './map-record.ts';
export { OFFSETS_TABLE } from './kafka-tables.ts';
