/**
 * Kafka -> DuckDB landing throughput and peak memory, beside DuckDB's own `read_json` on the same
 * events from newline-delimited files, measured in the same run on the same machine. Each side
 * runs in its own process so its peak RSS is its own.
 *
 *   node bench/src/kafka-ingest.ts [users=2000] [hours=24] [batchSize=20000]
 *
 * SM_BENCH_CHILD_HEAP_MB caps the V8 heap of the measuring processes, to show that ingestion holds
 * a bounded amount of memory (it fails with out-of-memory otherwise) rather than what a lazy GC leaves.
 *
 * Needs Java 17 and the Kafka jars (scripts/kafka/install.sh); starts and stops its own broker.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDuckDbAdapter } from '@sm/adapter-duckdb';
import { TOPICS, TOPIC_FIELDS, generateEvents, ingestKafka, produceEvents, serializeEvent } from '@sm/ingest';
import { startKafkaBroker } from '../../scripts/kafka/kafka-broker.ts';

interface ChildResult {
  readonly ms: number;
  /** Kafka only: time from the first landed batch to the end, and the rows landed in it (startup and group join excluded). */
  readonly steadyMs?: number;
  readonly steadyRows?: number;
  readonly rows: number;
  readonly peakRssMb: number;
}

async function openMemory() {
  const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'bench', schema: 'main', threads: 2, path: ':memory:' }, { projectDir: tmpdir() });
  return { session, conn: await session.acquire() };
}

/** Child: land the topics from Kafka with `once`, report time, rows and peak RSS. */
async function childKafka(o: { brokers: string[]; batchSize: number }): Promise<ChildResult> {
  const { session, conn } = await openMemory();
  const t0 = performance.now();
  let first: { at: number; rows: number } | undefined;
  const r = await ingestKafka({
    brokers: o.brokers,
    groupId: `bench-${process.pid}`,
    connection: conn,
    once: true,
    batchSize: o.batchSize,
    onProgress: (p) => void (first ??= { at: performance.now(), rows: p.rows }),
  });
  const end = performance.now();
  if (r.deadLetters) throw new Error(`${r.deadLetters} dead letters`);
  await session.close();
  const steady = first && first.rows < r.rows ? { steadyMs: end - first.at, steadyRows: r.rows - first.rows } : {};
  return { ms: end - t0, rows: r.rows, peakRssMb: process.resourceUsage().maxRSS / 1024, ...steady };
}

/** Child: DuckDB's JSON reader with the same explicit column types, one CTAS per topic. */
async function childReadJson(o: { dir: string }): Promise<ChildResult> {
  const { session, conn } = await openMemory();
  const t0 = performance.now();
  let rows = 0;
  for (const topic of TOPICS) {
    const cols = TOPIC_FIELDS[topic].map((f) => `'${f.field}': '${f.type.toUpperCase()}'`).join(', ');
    await conn.execute(`create table ${topic} as select * from read_json('${join(o.dir, `${topic}.json`)}', format = 'newline_delimited', columns = {${cols}})`);
    rows += Number((await conn.execute(`select count(*) as n from ${topic}`)).rows[0]!.n);
  }
  const ms = performance.now() - t0;
  await session.close();
  return { ms, rows, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** Child: nothing but the imports and an open database, the floor under both RSS figures. */
async function childIdle(): Promise<ChildResult> {
  const { session } = await openMemory();
  await session.close();
  return { ms: 0, rows: 0, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function runChild(mode: string, arg: unknown): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const heap = process.env.SM_BENCH_CHILD_HEAP_MB ? [`--max-old-space-size=${process.env.SM_BENCH_CHILD_HEAP_MB}`] : [];
    const p = spawn(process.execPath, [...heap, fileURLToPath(import.meta.url), '--child', mode, JSON.stringify(arg)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult) : reject(new Error(`${mode} child exited ${code}: ${out}`))));
  });
}

if (process.argv[2] === '--child') {
  const arg = JSON.parse(process.argv[4]!);
  const res = process.argv[3] === 'kafka' ? await childKafka(arg) : process.argv[3] === 'read_json' ? await childReadJson(arg) : await childIdle();
  process.stdout.write(`${JSON.stringify(res)}\n`);
  process.exit(0);
}

const users = Number(process.argv[2] ?? 2000);
const hours = Number(process.argv[3] ?? 24);
const batchSize = Number(process.argv[4] ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), 'sm-bench-kafka-'));
const broker = await startKafkaBroker({ partitions: 3 });
try {
  const start = new Date('2024-06-03T00:00:00Z');
  const events = [...generateEvents({ users, start, end: new Date(start.getTime() + hours * 3_600_000), seed: 1 })];
  // The same bytes both ways: one NDJSON file per topic for read_json, one record per line for Kafka.
  mkdirSync(dir, { recursive: true });
  const lines = new Map<string, string[]>(TOPICS.map((t) => [t, []]));
  for (const e of events) lines.get(e.topic)!.push(serializeEvent(e.event));
  for (const [t, l] of lines) writeFileSync(join(dir, `${t}.json`), `${l.join('\n')}\n`);
  const bytes = TOPICS.reduce((a, t) => a + statSync(join(dir, `${t}.json`)).size, 0);
  console.log(`events: ${events.length} (${(bytes / 1e6).toFixed(1)} MB of JSON), users=${users} hours=${hours}, 3 partitions per topic, batchSize=${batchSize}`);

  let t0 = performance.now();
  await produceEvents({ brokers: [broker.bootstrap], events, partitions: 3, batchSize: 5000 });
  const produceMs = performance.now() - t0;
  console.log(`produce (idempotent, acks=all) : ${produceMs.toFixed(0)} ms  ${Math.round(events.length / (produceMs / 1000))} events/s`);

  const idle = await runChild('idle', {});
  const rate = (r: ChildResult) => `${Math.round(r.rows / (r.ms / 1000))} events/s, ${(bytes / 1e6 / (r.ms / 1000)).toFixed(1)} MB/s, peak RSS ${r.peakRssMb.toFixed(0)} MB`;
  const best = async (mode: string, arg: unknown) => {
    const runs = [await runChild(mode, arg), await runChild(mode, arg), await runChild(mode, arg)];
    for (const r of runs) if (r.rows !== events.length) throw new Error(`${mode} landed ${r.rows} of ${events.length}`);
    return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  };
  const rj = await best('read_json', { dir });
  const kafka = await best('kafka', { brokers: [broker.bootstrap], batchSize });
  console.log(`idle process (node + duckdb)    : peak RSS ${idle.peakRssMb.toFixed(0)} MB`);
  console.log(`read_json (explicit) CTAS       : ${rj.ms.toFixed(0)} ms  ${rate(rj)}`);
  console.log(`ingestKafka --once -> DuckDB    : ${kafka.ms.toFixed(0)} ms  ${rate(kafka)}  = ${(kafka.ms / rj.ms).toFixed(2)}x read_json time`);
  if (kafka.steadyMs && kafka.steadyRows) {
    const steadyRate = kafka.steadyRows / (kafka.steadyMs / 1000);
    console.log(`  after the first batch (no join): ${Math.round(steadyRate)} events/s = ${(rj.rows / (rj.ms / 1000) / steadyRate).toFixed(2)}x read_json time per event`);
  }
} finally {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}
