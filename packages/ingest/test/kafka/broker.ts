/**
 * A real Kafka broker per test file. Never skips: when Java, Maven or Maven Central is missing
 * the test fails with the reason, because a green run without a broker would prove nothing.
 */
import { afterAll, beforeAll } from 'vitest';
import { startKafkaBroker } from '../../../../scripts/kafka/kafka-broker.ts';
import type { KafkaBroker, KafkaBrokerOptions } from '../../../../scripts/kafka/kafka-broker.ts';

export type { KafkaBroker, KafkaBrokerOptions };
export { startKafkaBroker };

/** Starts a broker in `beforeAll` and stops it in `afterAll`; read `.current` inside tests. */
export function useKafkaBroker(opts: KafkaBrokerOptions = {}): { current: KafkaBroker } {
  const ref = { current: undefined as unknown as KafkaBroker };
  beforeAll(async () => {
    try {
      ref.current = await startKafkaBroker(opts);
    } catch (e) {
      throw new Error(
        `These tests need a real Kafka broker and could not start one. Run scripts/kafka/install.sh to see why.\n${(e as Error).message}`,
        { cause: e },
      );
    }
  });
  afterAll(async () => {
    await ref.current?.stop();
  });
  return ref;
}
