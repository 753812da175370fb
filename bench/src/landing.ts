/**
 * Landing throughput: `landFiles` on DuckDB (explicit schema, line numbers, validation, dead
 * letters, file bookkeeping, one transaction per batch) against a plain
 * `create table as select * from read_json(...)` with the same explicit column types on the
 * same files. Each measurement runs in its own process (so its peak RSS is its own), the two
 * sides alternate (so a load spike from other users of the machine hits both alike), and the
 * ratio is the median of the per-pair ratios.
 *
 *   node bench/src/landing.ts [users=3000] [days=1] [bad] [--reps 5]
 *   node bench/src/landing.ts memory [100,400]     # peak RSS landing one file of each size (MB) into a DuckDB file
 *
 * With `bad`, one malformed line is appended to every file, so every batch takes the careful
 * (line by line) path: the cost of the fallback. read_json stops at the first malformed line,
 * so it then runs on the clean files (generated again with the same seed) for the ratio.
 */
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import { TOPICS, TOPIC_FIELDS, landFiles, writeLake } from '@smsql/ingest';
import { cpuSince, loadAverage, runChild, takeReps } from './ingest-bench-child.ts';
import { median } from './measure.ts';

interface Measured {
  readonly ms: number;
  /** User + system CPU time of the whole process (DuckDB's threads included) during the measured step. */
  readonly cpuMs: number;
  readonly rows: number;
  readonly deadLetters: number;
  readonly peakRssMb: number;
}

async function fresh() {
  const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'bench', schema: 'main', threads: 2, path: ':memory:' }, { projectDir: tmpdir() });
  return { session, conn: await session.acquire() };
}

async function measure(step: (conn: Awaited<ReturnType<typeof fresh>>['conn']) => Promise<{ rows: number; deadLetters: number }>): Promise<Measured> {
  const { session, conn } = await fresh();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await step(conn);
  const ms = performance.now() - t0;
  const cpuMs = cpuSince(cpu0);
  await session.close();
  return { ms, cpuMs, ...r, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** Child: one CTAS per topic through DuckDB's JSON reader with the explicit column types. */
const readJson = (lake: string) =>
  measure(async (conn) => {
    let rows = 0;
    for (const topic of TOPICS) {
      const cols = TOPIC_FIELDS[topic].map((f) => `'${f.field}': '${f.type.toUpperCase()}'`).join(', ');
      await conn.execute(`create table ${topic} as select * from read_json('${lake}/${topic}/**/*.json', format = 'newline_delimited', columns = {${cols}})`);
      rows += Number((await conn.execute(`select count(*) as n from ${topic}`)).rows[0]!.n);
    }
    return { rows, deadLetters: 0 };
  });

/** Child: sm's landing. */
const land = (lake: string) =>
  measure(async (conn) => {
    const r = await landFiles({ connection: conn, adapter: createDuckDbAdapter() }, { lakeDir: lake });
    return { rows: Object.values(r.counts).reduce((a, b) => a + b, 0), deadLetters: r.deadLetters };
  });

/** Child: imports and an open database only, the floor under both RSS figures. */
const idle = () => measure(async () => ({ rows: 0, deadLetters: 0 }));

/** Child: sm's landing into a DuckDB file beside the lake (an in-memory database holds every landed row in RAM by definition). */
const landToFile = async (lake: string) => {
  const adapter = createDuckDbAdapter();
  const session = await adapter.connect({ type: 'duckdb', name: 'bench', schema: 'main', threads: 2, path: join(lake, '..', 'bench.duckdb') }, { projectDir: tmpdir() });
  const conn = await session.acquire();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await landFiles({ connection: conn, adapter }, { lakeDir: lake });
  const ms = performance.now() - t0;
  await session.close();
  const rows = Object.values(r.counts).reduce((a, b) => a + b, 0);
  return { ms, cpuMs: cpuSince(cpu0), rows, deadLetters: r.deadLetters, peakRssMb: process.resourceUsage().maxRSS / 1024 };
};

if (process.argv[2] === '--child') {
  const [mode, lake] = process.argv.slice(3) as [string, string];
  const r = mode === 'read_json' ? await readJson(lake) : mode === 'land' ? await land(lake) : mode === 'land_file' ? await landToFile(lake) : await idle();
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}

const child = (mode: string, lake: string) => runChild<Measured>(fileURLToPath(import.meta.url), mode, lake);

/**
 * Peak RSS against file size: one lake file of each size (Eventsim lines repeated), clean and
 * with one bad line at its end (which sends the whole file line by line), each landed by a child
 * into a DuckDB file. Bounded memory shows as a peak that does not follow the size.
 */
async function memory(sizesMb: number[]): Promise<void> {
  const src = mkdtempSync(join(tmpdir(), 'sm-bench-mem-src-'));
  try {
    const w = await writeLake({ users: 300, start: new Date('2024-06-03T00:00:00Z'), end: new Date('2024-06-03T06:00:00Z'), seed: 1, outDir: src });
    const sample = w.files.filter((f) => f.includes('listen_events')).map((f) => readFileSync(f)).reduce((a, b) => Buffer.concat([a, b]));
    console.log(`load average at start ${loadAverage()}; idle process (node + duckdb) peak RSS ${(await child('idle', src)).peakRssMb.toFixed(0)} MB`);
    for (const mb of sizesMb) {
      for (const bad of [false, true]) {
        const dir = mkdtempSync(join(tmpdir(), 'sm-bench-mem-'));
        try {
          const hour = join(dir, 'lake', 'listen_events', 'year=2024', 'month=06', 'day=03', 'hour=00');
          mkdirSync(hour, { recursive: true });
          const fd = openSync(join(hour, 'big.json'), 'w');
          let written = 0;
          while (written < mb * 1e6) written += writeSync(fd, sample);
          if (bad) written += writeSync(fd, 'not json\n');
          closeSync(fd);
          const r = await child('land_file', join(dir, 'lake'));
          console.log(`  ${(written / 1e6).toFixed(0).padStart(5)} MB file${bad ? ', one bad line (line by line)' : ', clean (whole file)      '}: ${r.rows} rows in ${(r.ms / 1000).toFixed(1)} s, peak RSS ${r.peakRssMb.toFixed(0)} MB`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    console.log(`load average at end ${loadAverage()}`);
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'memory') {
  await memory((process.argv[3] ?? '100,400').split(',').map(Number));
  process.exit(0);
}

const args = process.argv.slice(2);
const reps = takeReps(args, 5);
const users = Number(args[0] ?? 3000);
const days = Number(args[1] ?? 1);
const bad = args[2] === 'bad';
const start = new Date('2024-06-03T00:00:00Z');
const end = new Date(start.getTime() + days * 86_400_000);
const lake = mkdtempSync(join(tmpdir(), 'sm-bench-lake-'));
const cleanLake = bad ? mkdtempSync(join(tmpdir(), 'sm-bench-lake-clean-')) : lake;

try {
  const t = performance.now();
  const written = await writeLake({ users, start, end, seed: 1, outDir: lake });
  const genMs = performance.now() - t;
  if (bad) {
    await writeLake({ users, start, end, seed: 1, outDir: cleanLake });
    for (const f of written.files) appendFileSync(f, 'not json\n');
  }
  const events = Object.values(written.counts).reduce((a, b) => a + b, 0);
  const bytes = written.files.reduce((a, f) => a + statSync(f).size, 0);
  console.log(`lake: ${events} events, ${written.files.length} files, ${(bytes / 1e6).toFixed(1)} MB; generated in ${(genMs / 1000).toFixed(2)} s`);
  console.log(`load average at start ${loadAverage()}; ${reps} repetitions, each side in its own process, alternating`);

  const idleRun = await child('idle', lake);
  const rj: Measured[] = [];
  const ours: Measured[] = [];
  for (let i = 0; i < reps; i++) {
    // Alternate which side goes first, so neither always follows the other's cache warm-up.
    let l: Measured;
    let r: Measured;
    if (i % 2) {
      l = await child('land', lake);
      r = await child('read_json', cleanLake);
    } else {
      r = await child('read_json', cleanLake);
      l = await child('land', lake);
    }
    if (r.rows !== events) throw new Error(`read_json read ${r.rows} of ${events} rows`);
    const expectDead = bad ? written.files.length : 0;
    if (l.rows !== events || l.deadLetters !== expectDead) throw new Error(`landing landed ${l.rows} of ${events} rows with ${l.deadLetters} dead letters (expected ${expectDead})`);
    rj.push(r);
    ours.push(l);
    console.log(`  rep ${i + 1}: read_json ${r.ms.toFixed(0)} ms (cpu ${r.cpuMs.toFixed(0)}), landing ${l.ms.toFixed(0)} ms (cpu ${l.cpuMs.toFixed(0)}) = ${(l.ms / r.ms).toFixed(2)}x`);
  }
  const line = (name: string, runs: readonly Measured[]) => {
    const ms = median(runs.map((r) => r.ms));
    const cpu = median(runs.map((r) => r.cpuMs));
    const rss = Math.max(...runs.map((r) => r.peakRssMb));
    return `${name}: median ${ms.toFixed(0)} ms (min ${Math.min(...runs.map((r) => r.ms)).toFixed(0)}), cpu ${cpu.toFixed(0)} ms, ${Math.round(events / (ms / 1000))} events/s, ${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s, peak RSS ${rss.toFixed(0)} MB`;
  };
  const wall = median(ours.map((l, i) => l.ms / rj[i]!.ms));
  const cpu = median(ours.map((l, i) => l.cpuMs / rj[i]!.cpuMs));
  console.log(`idle process (node + duckdb): peak RSS ${idleRun.peakRssMb.toFixed(0)} MB`);
  console.log(line(`read_json (explicit) CTAS${bad ? ' on the clean files' : ''}`, rj));
  console.log(line(`landFiles${bad ? ' (line by line, 1 bad line per file)' : ''}`, ours));
  console.log(`landing / read_json: median ${wall.toFixed(2)}x wall (${Math.round(100 / wall)}% of read_json's throughput), ${cpu.toFixed(2)}x cpu`);
  console.log(`load average at end ${loadAverage()}`);
} finally {
  rmSync(lake, { recursive: true, force: true });
  if (bad) rmSync(cleanLake, { recursive: true, force: true });
}
