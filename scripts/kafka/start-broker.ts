/**
 * Runs a throwaway single-node Kafka broker until SIGINT/SIGTERM, for trying `sm ingest` by hand:
 *
 *   node scripts/kafka/start-broker.ts [--partitions N] [--port P]
 *
 * Prints `bootstrap=127.0.0.1:<port>` on stdout once the broker serves.
 */
import { parseArgs } from 'node:util';
import { startKafkaBroker } from './kafka-broker.ts';

const { values } = parseArgs({ options: { partitions: { type: 'string' }, port: { type: 'string' } } });
const broker = await startKafkaBroker({
  partitions: values.partitions ? Number(values.partitions) : undefined,
  port: values.port ? Number(values.port) : undefined,
});
process.stdout.write(`bootstrap=${broker.bootstrap}\n`);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void broker.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
