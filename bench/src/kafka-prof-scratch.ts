import { createDuckDbAdapter } from '@sm/adapter-duckdb';
import { generateEvents, ingestKafka, produceEvents } from '@sm/ingest';
import { tmpdir } from 'node:os';
import { startKafkaBroker } from '../../scripts/kafka/kafka-broker.ts';
const broker = await startKafkaBroker({ partitions: 3 });
try {
  const start = new Date('2024-06-03T00:00:00Z');
  const events = [...generateEvents({ users: 1000, start, end: new Date(start.getTime() + 24 * 3_600_000), seed: 1 })];
  await produceEvents({ brokers: [broker.bootstrap], events, partitions: 3, batchSize: 5000 });
  const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'bench', schema: 'main', threads: 2, path: ':memory:' }, { projectDir: tmpdir() });
  const conn = await session.acquire();
  const t0 = performance.now();
  const r = await ingestKafka({ brokers: [broker.bootstrap], groupId: 'g', connection: conn, once: true, batchSize: Number(process.argv[2] ?? 20000),
    onProgress: (p) => console.log((performance.now() - t0).toFixed(0), p.rows, p.lag), onAssign: (a) => console.log((performance.now() - t0).toFixed(0), 'assigned', a.length) });
  console.log((performance.now() - t0).toFixed(0), 'done', r.rows, events.length);
  await session.close();
} finally { await broker.stop(); }
