/**
 * `ingestKafka` in its own process, so a test can SIGKILL it mid-way as a crash would.
 * Args: JSON options { brokers, groupId, topicPrefix, path, batchSize, batchMs, once, transactionBytes? }.
 * Prints one JSON line per landed batch and a final `{"done":...}` line.
 */
import { ingestKafka } from '../../src/kafka/ingest-kafka.ts';
import { shutdownSignal } from '../../src/kafka/shutdown-signal.ts';
import { openDuckDbTarget } from './duckdb-target.ts';

const o = JSON.parse(process.argv[2]!) as { brokers: string[]; groupId: string; topicPrefix: string; path: string; batchSize: number; batchMs: number; once: boolean; transactionBytes?: number };
const t = await openDuckDbTarget(o.path);
const res = await ingestKafka({
  brokers: o.brokers,
  groupId: o.groupId,
  topicPrefix: o.topicPrefix,
  connection: t.conn,
  adapter: t.adapter,
  once: o.once,
  batchSize: o.batchSize,
  batchMs: o.batchMs,
  transactionBytes: o.transactionBytes,
  sessionTimeoutMs: 6000,
  signal: shutdownSignal(),
  onProgress: (p) => process.stdout.write(`${JSON.stringify(p)}\n`),
});
await t.close({ keepFile: true });
process.stdout.write(`${JSON.stringify({ done: res })}\n`);
