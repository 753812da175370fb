import { Admin, Producer, ProduceAcks } from '@platformatic/kafka';
import { TOPICS } from '../raw-schema.ts';
import { serializeEvent } from '../serialize-event.ts';

export interface ProduceEventsOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** Events in time order, e.g. `generateEvents(...)`. Read lazily, so a generator of any length is fine. */
  readonly events: Iterable<{ readonly topic: string; readonly event: Record<string, unknown> }>;
  /** `realtime` sends each event when its `ts` comes round, relative to the first; `fast` sends as fast as the broker takes them. Default `fast`. */
  readonly pace?: 'realtime' | 'fast';
  /** Partitions of topics this call creates. Default 3. Existing topics are left as they are. */
  readonly partitions?: number;
  /** Topics to create when missing before sending. Default: the four Eventsim topics. */
  readonly topics?: readonly string[];
  /** Prepended to every topic name (e.g. `dev.`). Default ''. */
  readonly topicPrefix?: string;
  /** Messages per produce request. Default 2,000. */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  /** Called after each produce request with the running count. */
  readonly onProgress?: (sent: number) => void;
  /** Kafka client id. Default `sm-produce`. */
  readonly clientId?: string;
}

export interface ProduceEventsResult {
  readonly sent: number;
  /** Messages per topic. */
  readonly byTopic: Readonly<Record<string, number>>;
}

/** Creates the topics that do not exist yet, with `partitions` partitions, one replica. */
export async function ensureTopics(brokers: readonly string[], topics: readonly string[], partitions: number, clientId = 'sm-admin'): Promise<void> {
  const admin = new Admin({ clientId, bootstrapBrokers: [...brokers] });
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length) {
      await admin.createTopics({ topics: missing, partitions, replicas: 1 }).catch((e: Error) => {
        // Another producer may have created them between the listing and now.
        if (!/already exists/i.test(JSON.stringify((e as { errors?: unknown }).errors ?? e.message))) throw e;
      });
      // Leaders are elected asynchronously; producing before then fails with "unknown topic".
      for (let i = 0; i < 100; i++) {
        const md = await admin.metadata({ topics: missing });
        const ready = missing.every((t) => {
          const parts = md.topics.get(t)?.partitions ?? [];
          return parts.length === partitions && parts.every((p) => p.leader >= 0);
        });
        if (ready) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await admin.close();
  }
}

/**
 * Writes events to Kafka as Eventsim does: one JSON value per record, no key (so records spread
 * round-robin over the partitions), topics created when missing.
 */
export async function produceEvents(opts: ProduceEventsOptions): Promise<ProduceEventsResult> {
  const prefix = opts.topicPrefix ?? '';
  await ensureTopics(opts.brokers, (opts.topics ?? TOPICS).map((t) => prefix + t), opts.partitions ?? 3, opts.clientId);
  const producer = new Producer({
    clientId: opts.clientId ?? 'sm-produce',
    bootstrapBrokers: [...opts.brokers],
    acks: ProduceAcks.ALL,
    // The broker drops a retried batch it already appended, so retries after a timeout or a leader change do not duplicate events.
    idempotent: true,
    retries: 5,
  });
  const batchSize = opts.batchSize ?? 2000;
  const byTopic: Record<string, number> = {};
  let sent = 0;
  let pending: { topic: string; value: Buffer }[] = [];
  const send = async () => {
    if (!pending.length) return;
    const messages = pending;
    pending = [];
    await producer.send({ messages });
    sent += messages.length;
    opts.onProgress?.(sent);
  };
  try {
    let t0: number | undefined;
    const wall0 = Date.now();
    for (const { topic, event } of opts.events) {
      if (opts.signal?.aborted) break;
      if (opts.pace === 'realtime' && typeof event.ts === 'number') {
        t0 ??= event.ts;
        const wait = event.ts - t0 - (Date.now() - wall0);
        if (wait > 0) {
          // Send what is due before sleeping, so consumers see events when they happen.
          await send();
          await new Promise((r) => setTimeout(r, wait));
        }
      }
      pending.push({ topic: prefix + topic, value: Buffer.from(serializeEvent(event)) });
      byTopic[topic] = (byTopic[topic] ?? 0) + 1;
      if (pending.length >= batchSize) await send();
    }
    await send();
  } finally {
    await producer.close();
  }
  return { sent, byTopic };
}
