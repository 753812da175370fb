/**
 * Landing throughput: `landFilesDuckDb` (explicit schema, line numbers, validation, dead
 * letters, file bookkeeping, one transaction per batch) against a plain
 * `create table as select * from read_json(...)` on the same files, in the same run.
 *
 *   node bench/src/landing.ts [users=3000] [days=1] [bad]
 *
 * With `bad`, one malformed line is appended to every file, so every batch takes the careful
 * (line by line) path: the cost of the fallback.
 */
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDuckDbAdapter } from '@sm/adapter-duckdb';
import { TOPICS, TOPIC_FIELDS, landFilesDuckDb, writeLake } from '@sm/ingest';

const users = Number(process.argv[2] ?? 3000);
const days = Number(process.argv[3] ?? 1);
const lake = mkdtempSync(join(tmpdir(), 'sm-bench-lake-'));
const start = new Date('2024-06-03T00:00:00Z');
const end = new Date(start.getTime() + days * 86_400_000);

let t = performance.now();
const written = await writeLake({ users, start, end, seed: 1, outDir: lake });
const genMs = performance.now() - t;
const bad = process.argv[4] === 'bad';
if (bad) for (const f of written.files) appendFileSync(f, 'not json\n');
const events = Object.values(written.counts).reduce((a, b) => a + b, 0);
const bytes = written.files.reduce((a, f) => a + statSync(f).size, 0);
console.log(`lake: ${events} events, ${written.files.length} files, ${(bytes / 1e6).toFixed(1)} MB; generated in ${(genMs / 1000).toFixed(2)} s (${Math.round(events / (genMs / 1000))} events/s)`);

async function fresh() {
  const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'bench', schema: 'main', threads: 2, path: ':memory:' }, { projectDir: tmpdir() });
  return { session, conn: await session.acquire() };
}

async function baseline(explicit: boolean): Promise<number> {
  const { session, conn } = await fresh();
  const t0 = performance.now();
  for (const topic of TOPICS) {
    const cols = explicit ? `, columns = {${TOPIC_FIELDS[topic].map((f) => `'${f.field}': '${f.type.toUpperCase()}'`).join(', ')}}` : '';
    await conn.execute(`create table ${topic} as select * from read_json('${lake}/${topic}/**/*.json', format = 'newline_delimited'${cols})`);
  }
  const ms = performance.now() - t0;
  await session.close();
  return ms;
}

async function ours(): Promise<number> {
  const { session, conn } = await fresh();
  const t0 = performance.now();
  const r = await landFilesDuckDb(conn, { lakeDir: lake });
  const ms = performance.now() - t0;
  const landed = Object.values(r.counts).reduce((a, b) => a + b, 0);
  const expectDead = bad ? written.files.length : 0;
  if (landed !== events || r.deadLetters !== expectDead) throw new Error(`landed ${landed} of ${events}, ${r.deadLetters} dead letters`);
  await session.close();
  return ms;
}

const rate = (ms: number) => `${Math.round(events / (ms / 1000))} events/s, ${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`;
const best = async (f: () => Promise<number>) => Math.min(await f(), await f(), await f());
const auto = bad ? NaN : await best(() => baseline(false));
const typed = bad ? NaN : await best(() => baseline(true));
const landing = await best(ours);
if (bad) {
  // read_json stops at the first malformed line, so there is no baseline on these files.
  console.log(`landFilesDuckDb (careful path, 1 bad line per file): ${landing.toFixed(0)} ms  ${rate(landing)}`);
} else {
  console.log(`read_json (auto-detect) CTAS : ${auto.toFixed(0)} ms  ${rate(auto)}`);
  console.log(`read_json (explicit)    CTAS : ${typed.toFixed(0)} ms  ${rate(typed)}`);
  console.log(`landFilesDuckDb              : ${landing.toFixed(0)} ms  ${rate(landing)}  = ${(landing / typed).toFixed(2)}x explicit read_json`);
}
console.log(`peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
rmSync(lake, { recursive: true, force: true });
