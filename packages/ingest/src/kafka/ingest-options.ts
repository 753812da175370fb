import type { Adapter, Connection } from '@smsql/core';
import type { Topic } from '../raw-schema.ts';

/* What a call of ingestKafka (ingest-kafka.ts) is given and gives back; its helpers read them too. */

export interface IngestKafkaOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** Consumer group: processes with the same group share the partitions. */
  readonly groupId: string;
  /** Topics to land. Default: the four Eventsim topics. */
  readonly topics?: readonly Topic[];
  /** Kafka topic names are this prefix + the Eventsim topic (e.g. `dev.`); raw tables keep the Eventsim name. Default ''. */
  readonly topicPrefix?: string;
  /** Where rows land; used by one batch at a time. */
  readonly connection: Connection;
  /** The adapter of `connection`: its dialect quotes identifiers, and its landing capability (when it has one) writes the rows. */
  readonly adapter: Pick<Adapter, 'type' | 'dialect' | 'landing'>;
  /** The target's `landing:` options from profiles.yml, checked by the adapter's landing capability. Default: none. */
  readonly landingOptions?: unknown;
  /** Schema of the raw tables. Default `raw`. */
  readonly schema?: string;
  /** Drain the lag measured at start, then return (what an Airflow task runs). Default false: run until `signal` aborts. */
  readonly once?: boolean;
  /**
   * Records per batch. Default 20,000. A warehouse transaction holds one batch, or those that
   * waited while the warehouse wrote the one before, up to `transactionBytes` (without `once`,
   * the first batch of a run is a tenth of this, so the warehouse starts early).
   */
  readonly batchSize?: number;
  /**
   * Bytes of record values one warehouse transaction holds at most, unless a single batch is
   * larger. Default 64 MiB. With `once`, a transaction starts when it is full or everything is
   * fetched, so a lag that fits lands in one. Bounds memory whatever the lag: about two of these
   * and a batch, each value held once as fetched and once staged.
   */
  readonly transactionBytes?: number;
  /** A non-empty batch is landed at least this often, in ms, except with `once` (see `transactionBytes`). Default 1,000. */
  readonly batchMs?: number;
  /** Abort to stop: the batch being written finishes and is committed, records not yet in a batch are left for next time. */
  readonly signal?: AbortSignal;
  /** Called after every landed batch. */
  readonly onProgress?: (p: IngestProgress) => void;
  /** Called when the group gives this consumer its partitions (`topic:partition`), after every rebalance. */
  readonly onAssign?: (partitions: string[]) => void;
  /** Recoverable problems (broker unreachable, a Kafka commit refused); ingestion carries on. Default: ignored. */
  readonly onWarning?: (message: string) => void;
  /** Group session timeout in ms: how soon a crashed member's partitions move to the others. Default 10,000. */
  readonly sessionTimeoutMs?: number;
  /**
   * How long Kafka may stay unreachable, in ms, at start or mid-stream, before the call gives up
   * with a {@link KafkaUnavailableError}; meanwhile it reconnects every second or so. Default
   * 120,000 (the CLI's `--retry-for 120`).
   */
  readonly retryForMs?: number;
  /** Kafka client id. Default `sm-ingest`. */
  readonly clientId?: string;
}

export interface IngestProgress {
  /** Rows landed in raw tables by this call. */
  readonly rows: number;
  readonly deadLetters: number;
  /** Records already in the warehouse, skipped. */
  readonly replayed: number;
  readonly batches: number;
  /** Records of the topics not yet in the warehouse for this group (all members), as last measured. */
  readonly lag: number;
  /** Rows and dead letters per second since the call started. */
  readonly recordsPerSecond: number;
  readonly elapsedMs: number;
}

export interface IngestResult extends IngestProgress {
  /** `drained`: `once` reached the lag measured at start; `aborted`: the signal stopped it. */
  readonly stoppedBy: 'drained' | 'aborted';
}
