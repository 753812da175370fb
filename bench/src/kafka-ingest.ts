/**
 * Kafka -> DuckDB landing throughput and peak memory, beside DuckDB's own `read_json` on the same
 * events from newline-delimited files, measured in the same run on the same machine. Each side
 * runs in its own process so its peak RSS is its own; the two alternate, and the ratio is the
 * median of the per-pair ratios (wall and CPU time).
 *
 *   node bench/src/kafka-ingest.ts [users=2000] [hours=24] [batchSize=20000] [--reps 3]
 *
 * SM_BENCH_CHILD_HEAP_MB caps the V8 heap of the measuring processes, to show that ingestion holds
 * a bounded amount of memory (it fails with out-of-memory otherwise) rather than what a lazy GC leaves.
 *
 * Needs Java 17 and the Kafka jars (scripts/kafka/install.sh); starts and stops its own broker.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import { TOPICS, TOPIC_FIELDS, generateEvents, serializeEvent } from '@smsql/ingest';
import { ingestKafka, produceEvents } from '@smsql/ingest/kafka';
import { startKafkaBroker } from '../../scripts/kafka/kafka-broker.ts';
import { cpuSince, loadAverage, runChild, takeReps } from './ingest-bench-child.ts';
import { median } from './measure.ts';

interface ChildResult {
  readonly ms: number;
  /** User + system CPU time of the whole process (DuckDB's threads included) during `ms`. */
  readonly cpuMs: number;
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
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let first: { at: number; rows: number } | undefined;
  const r = await ingestKafka({
    brokers: o.brokers,
    groupId: `bench-${process.pid}`,
    connection: conn,
    adapter: createDuckDbAdapter(),
    once: true,
    batchSize: o.batchSize,
    onProgress: (p) => void (first ??= { at: performance.now(), rows: p.rows }),
  });
  const end = performance.now();
  const cpuMs = cpuSince(cpu0);
  if (r.deadLetters) throw new Error(`${r.deadLetters} dead letters`);
  await session.close();
  const steady = first && first.rows < r.rows ? { steadyMs: end - first.at, steadyRows: r.rows - first.rows } : {};
  return { ms: end - t0, cpuMs, rows: r.rows, peakRssMb: process.resourceUsage().maxRSS / 1024, ...steady };
}

/** Child: DuckDB's JSON reader with the same explicit column types, one CTAS per topic. */
async function childReadJson(o: { dir: string }): Promise<ChildResult> {
  const { session, conn } = await openMemory();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let rows = 0;
  for (const topic of TOPICS) {
    const cols = TOPIC_FIELDS[topic].map((f) => `'${f.field}': '${f.type.toUpperCase()}'`).join(', ');
    await conn.execute(`create table ${topic} as select * from read_json('${join(o.dir, `${topic}.json`)}', format = 'newline_delimited', columns = {${cols}})`);
    rows += Number((await conn.execute(`select count(*) as n from ${topic}`)).rows[0]!.n);
  }
  const ms = performance.now() - t0;
  const cpuMs = cpuSince(cpu0);
  await session.close();
  return { ms, cpuMs, rows, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** Child: nothing but the imports and an open database, the floor under both RSS figures. */
async function childIdle(): Promise<ChildResult> {
  const { session } = await openMemory();
  await session.close();
  return { ms: 0, cpuMs: 0, rows: 0, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function runKind(mode: string, arg: unknown): Promise<ChildResult> {
  const heap = process.env.SM_BENCH_CHILD_HEAP_MB ? [`--max-old-space-size=${process.env.SM_BENCH_CHILD_HEAP_MB}`] : [];
  return runChild<ChildResult>(fileURLToPath(import.meta.url), mode, JSON.stringify(arg), heap);
}

if (process.argv[2] === '--child') {
  const arg = JSON.parse(process.argv[4]!);
  const res = process.argv[3] === 'kafka' ? await childKafka(arg) : process.argv[3] === 'read_json' ? await childReadJson(arg) : await childIdle();
  process.stdout.write(`${JSON.stringify(res)}\n`);
  process.exit(0);
}

const args = process.argv.slice(2);
const reps = takeReps(args, 3);
const users = Number(args[0] ?? 2000);
const hours = Number(args[1] ?? 24);
const batchSize = Number(args[2] ?? 20_000);
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

  console.log(`load average before measuring ${loadAverage()}; ${reps} repetitions, each side in its own process, alternating`);
  const idle = await runKind('idle', {});
  const rjRuns: ChildResult[] = [];
  const kRuns: ChildResult[] = [];
  for (let i = 0; i < reps; i++) {
    // Alternate which side goes first, so neither always runs in the other's wake.
    const order = i % 2 ? (['kafka', 'read_json'] as const) : (['read_json', 'kafka'] as const);
    for (const mode of order) {
      const r = mode === 'kafka' ? await runKind('kafka', { brokers: [broker.bootstrap], batchSize }) : await runKind('read_json', { dir });
      if (r.rows !== events.length) throw new Error(`${mode} landed ${r.rows} of ${events.length}`);
      (mode === 'kafka' ? kRuns : rjRuns).push(r);
    }
    const [rj, k] = [rjRuns[i]!, kRuns[i]!];
    console.log(`  rep ${i + 1}: read_json ${rj.ms.toFixed(0)} ms (cpu ${rj.cpuMs.toFixed(0)}), kafka ${k.ms.toFixed(0)} ms (cpu ${k.cpuMs.toFixed(0)}) = ${(k.ms / rj.ms).toFixed(2)}x`);
  }
  const line = (runs: readonly ChildResult[]) => {
    const ms = median(runs.map((r) => r.ms));
    return `median ${ms.toFixed(0)} ms (min ${Math.min(...runs.map((r) => r.ms)).toFixed(0)}), cpu ${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms, ${Math.round(events.length / (ms / 1000))} events/s, ${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s, peak RSS ${Math.max(...runs.map((r) => r.peakRssMb)).toFixed(0)} MB`;
  };
  const wall = median(kRuns.map((k, i) => k.ms / rjRuns[i]!.ms));
  const cpu = median(kRuns.map((k, i) => k.cpuMs / rjRuns[i]!.cpuMs));
  console.log(`idle process (node + duckdb)    : peak RSS ${idle.peakRssMb.toFixed(0)} MB`);
  console.log(`read_json (explicit) CTAS       : ${line(rjRuns)}`);
  console.log(`ingestKafka --once -> DuckDB    : ${line(kRuns)}`);
  console.log(`kafka / read_json: median ${wall.toFixed(2)}x wall, ${cpu.toFixed(2)}x cpu`);
  const steady = kRuns.filter((k) => k.steadyMs && k.steadyRows).map((k) => k.steadyRows! / (k.steadyMs! / 1000));
  if (steady.length) console.log(`  after the first batch (consumer start and group join excluded): median ${Math.round(median(steady))} events/s`);
  console.log(`load average at end ${loadAverage()}`);
} finally {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}
