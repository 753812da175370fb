/**
 * Kafka -> DuckDB landing throughput and peak memory, beside DuckDB's own `read_json` on the same
 * events from newline-delimited files, measured in the same run on the same machine. Each side
 * runs in its own process so its peak RSS is its own; the two alternate, and the ratio is the
 * median of the per-pair ratios (wall and CPU time).
 *
 *   node bench/src/kafka-ingest.ts [users=2000] [hours=24] [batchSize=20000] [--reps 3] [--before DIR]
 *
 * `--before DIR` adds a third side: the Kafka child of another checkout (its own
 * bench/src/kafka-ingest.ts and built packages, e.g. a clone of main at an older commit), run
 * against the same broker in the same rotation, to measure a change before and after in one run.
 * The children import the built packages (`dist/`): run `pnpm build` after changing sources.
 *
 * SM_BENCH_CHILD_HEAP_MB caps the V8 heap of the measuring processes, to show that ingestion holds
 * a bounded amount of memory (it fails with out-of-memory otherwise) rather than what a lazy GC leaves.
 *
 * Needs Java 17 and the Kafka jars (scripts/kafka/install.sh); starts and stops its own broker.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  /** CPU ms per kind of thread during `ms` (Linux), when the child reports it. */
  readonly threads?: Readonly<Record<string, number>>;
}

/** CPU ms so far of each thread of this process, by thread id, with its name (Linux /proc; empty elsewhere). */
function threadCpu(): Map<string, { name: string; ms: number }> {
  const out = new Map<string, { name: string; ms: number }>();
  if (!existsSync('/proc/self/task')) return out;
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, in clock ticks (100 per second on Linux).
      out.set(t, { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ms: (Number(fields[11]) + Number(fields[12])) * 10 });
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/**
 * CPU per kind of thread between two `threadCpu` snapshots: `main`, `v8` (V8's GC and compiler
 * helpers), `libuv` (DuckDB's threads start from libuv's pool and keep its name, so this is
 * DuckDB and file I/O), and `ended`: threads gone by the end (the record checker's worker, before
 * records were checked on the main thread), computed as the process total less the rest; per-thread
 * times are whole clock ticks (10 ms), so it also holds up to ~10 ms per thread of rounding.
 */
function threadSplit(before: ReturnType<typeof threadCpu>, after: ReturnType<typeof threadCpu>, totalMs: number): Record<string, number> {
  const out: Record<string, number> = { main: 0, v8: 0, libuv: 0, other: 0 };
  for (const [id, t] of after) {
    const kind = t.name === 'MainThread' || t.name === 'node' ? 'main' : t.name.startsWith('V8') ? 'v8' : t.name.startsWith('libuv') ? 'libuv' : 'other';
    out[kind]! += t.ms - (before.get(id)?.ms ?? 0);
  }
  out.ended = Math.max(0, totalMs - out.main! - out.v8! - out.libuv! - out.other!);
  return out;
}

async function openMemory() {
  const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'bench', schema: 'main', threads: 2, path: ':memory:' }, { projectDir: tmpdir() });
  return { session, conn: await session.acquire() };
}

/** Child: land the topics from Kafka with `once`, report time, rows and peak RSS. */
async function childKafka(o: { brokers: string[]; batchSize: number }): Promise<ChildResult> {
  const { session, conn } = await openMemory();
  const threads0 = threadCpu();
  const gcs: { kind: number; ms: number }[] = [];
  const gcObserver = process.env.SM_BENCH_GC ? new PerformanceObserver((l) => l.getEntries().forEach((e) => gcs.push({ kind: (e as unknown as { detail: { kind: number } }).detail.kind, ms: e.duration }))) : undefined;
  gcObserver?.observe({ entryTypes: ['gc'] });
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
  const threads = threadSplit(threads0, threadCpu(), cpuMs);
  if (gcObserver) {
    // Main-thread pauses by Node's kind (1 minor/scavenge, 4 major/mark-compact, 8 incremental marking, 16 weak callbacks), for SM_BENCH_GC=1.
    const byKind = new Map<number, { n: number; ms: number }>();
    for (const g of gcs) byKind.set(g.kind, { n: (byKind.get(g.kind)?.n ?? 0) + 1, ms: (byKind.get(g.kind)?.ms ?? 0) + g.ms });
    const mu = process.memoryUsage();
    process.stderr.write(`heap ${(mu.heapUsed / 1e6).toFixed(0)}/${(mu.heapTotal / 1e6).toFixed(0)} MB ext ${(mu.external / 1e6).toFixed(0)} ab ${(mu.arrayBuffers / 1e6).toFixed(0)}\n`);
    process.stderr.write(`gc pauses: ${[...byKind].map(([k, v]) => `kind ${k}: ${v.n} × = ${v.ms.toFixed(0)} ms`).join(', ')}\n`);
  }
  if (r.deadLetters) throw new Error(`${r.deadLetters} dead letters`);
  await session.close();
  const steady = first && first.rows < r.rows ? { steadyMs: end - first.at, steadyRows: r.rows - first.rows } : {};
  return { ms: end - t0, cpuMs, rows: r.rows, peakRssMb: process.resourceUsage().maxRSS / 1024, threads, ...steady };
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

function runKind(mode: string, arg: unknown, script = fileURLToPath(import.meta.url)): Promise<ChildResult> {
  const heap = process.env.SM_BENCH_CHILD_HEAP_MB ? [`--max-old-space-size=${process.env.SM_BENCH_CHILD_HEAP_MB}`] : [];
  return runChild<ChildResult>(script, mode, JSON.stringify(arg), heap);
}

if (process.argv[2] === '--child') {
  const arg = JSON.parse(process.argv[4]!);
  const res = process.argv[3] === 'kafka' ? await childKafka(arg) : process.argv[3] === 'read_json' ? await childReadJson(arg) : await childIdle();
  process.stdout.write(`${JSON.stringify(res)}\n`);
  process.exit(0);
}

const args = process.argv.slice(2);
const reps = takeReps(args, 3);
const beforeAt = args.indexOf('--before');
const beforeScript = beforeAt >= 0 ? join(args.splice(beforeAt, 2)[1]!, 'bench', 'src', 'kafka-ingest.ts') : undefined;
if (beforeScript && !existsSync(beforeScript)) throw new Error(`--before: no ${beforeScript}`);
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
  const bRuns: ChildResult[] = [];
  const kafkaArg = { brokers: [broker.bootstrap], batchSize };
  type Side = 'read_json' | 'kafka' | 'before';
  const sides: Side[] = beforeScript ? ['read_json', 'kafka', 'before'] : ['read_json', 'kafka'];
  for (let i = 0; i < reps; i++) {
    // Rotate which side goes first, so none always runs in another's wake.
    const order = sides.map((_, j) => sides[(i + j) % sides.length]!);
    for (const mode of order) {
      const r =
        mode === 'read_json' ? await runKind('read_json', { dir }) : mode === 'kafka' ? await runKind('kafka', kafkaArg) : await runKind('kafka', kafkaArg, beforeScript);
      if (r.rows !== events.length) throw new Error(`${mode} landed ${r.rows} of ${events.length}`);
      (mode === 'read_json' ? rjRuns : mode === 'kafka' ? kRuns : bRuns).push(r);
    }
    const [rj, k, b] = [rjRuns[i]!, kRuns[i]!, bRuns[i]];
    const side = (name: string, x: ChildResult) =>
      `${name} ${x.ms.toFixed(0)} ms (cpu ${x.cpuMs.toFixed(0)}) = ${(x.ms / rj.ms).toFixed(2)}x wall, ${(x.cpuMs / rj.cpuMs).toFixed(2)}x cpu`;
    console.log(`  rep ${i + 1} (load ${loadAverage()}): read_json ${rj.ms.toFixed(0)} ms (cpu ${rj.cpuMs.toFixed(0)}), ${side('kafka', k)}${b ? `; before: ${side('kafka', b)}` : ''}`);
  }
  const line = (runs: readonly ChildResult[]) => {
    const ms = median(runs.map((r) => r.ms));
    return `median ${ms.toFixed(0)} ms (min ${Math.min(...runs.map((r) => r.ms)).toFixed(0)}), cpu ${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms, ${Math.round(events.length / (ms / 1000))} events/s, ${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s, peak RSS ${Math.max(...runs.map((r) => r.peakRssMb)).toFixed(0)} MB`;
  };
  const ratios = (runs: readonly ChildResult[]) =>
    `median ${median(runs.map((k, i) => k.ms / rjRuns[i]!.ms)).toFixed(2)}x wall, ${median(runs.map((k, i) => k.cpuMs / rjRuns[i]!.cpuMs)).toFixed(2)}x cpu`;
  const threads = (runs: readonly ChildResult[]) => {
    const withThreads = runs.filter((r) => r.threads);
    if (!withThreads.length) return '';
    const kinds = Object.keys(withThreads[0]!.threads!);
    return kinds.map((t) => `${t} ${median(withThreads.map((r) => r.threads![t] ?? 0)).toFixed(0)}`).join(', ');
  };
  console.log(`idle process (node + duckdb)    : peak RSS ${idle.peakRssMb.toFixed(0)} MB`);
  console.log(`read_json (explicit) CTAS       : ${line(rjRuns)}`);
  console.log(`ingestKafka --once -> DuckDB    : ${line(kRuns)}`);
  if (threads(kRuns)) console.log(`  cpu ms per thread kind (median): ${threads(kRuns)}`);
  console.log(`kafka / read_json: ${ratios(kRuns)}`);
  const steady = kRuns.filter((k) => k.steadyMs && k.steadyRows).map((k) => k.steadyRows! / (k.steadyMs! / 1000));
  if (steady.length) console.log(`  after the first batch (consumer start and group join excluded): median ${Math.round(median(steady))} events/s`);
  if (beforeScript) {
    console.log(`before (${beforeScript}): ${line(bRuns)}`);
    if (threads(bRuns)) console.log(`  cpu ms per thread kind (median): ${threads(bRuns)}`);
    console.log(`before / read_json: ${ratios(bRuns)}`);
    console.log(`kafka / before: median ${median(kRuns.map((k, i) => k.ms / bRuns[i]!.ms)).toFixed(2)}x wall, ${median(kRuns.map((k, i) => k.cpuMs / bRuns[i]!.cpuMs)).toFixed(2)}x cpu`);
  }
  console.log(`load average at end ${loadAverage()}`);
} finally {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}
