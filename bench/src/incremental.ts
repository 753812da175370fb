/**
 * `node bench/src/incremental.ts [--days 30] [--users 1000] [--hours 3] [--no-project]`
 *
 * What one new hour costs over a month of history, as a fraction of a full rebuild, measured
 * in the same run on DuckDB: each new hour is landed, run incrementally, then rebuilt in full
 * over the same data, so load from other work on the machine weighs on both sides alike.
 * Wall and CPU seconds (user + system of this process, which runs DuckDB's threads too).
 * Three projects read the same generated lake: two small Streamify-shaped ones (see VARIANTS:
 * the fact filtering a deduplicating staging view, or the raw rows first; both feed a
 * partitioned external Parquet lake with insert_overwrite), and the Streamify project in
 * project/ itself. Each measured command is the library's `run` (compile,
 * connect, build every model), the same for both sides. After each hour the full rebuild must
 * hold exactly the rows the incremental run made, model by model, or the bench stops. Prints a table and writes
 * bench/out/incremental.json.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import { execute } from '@smsql/core';
import { landFiles, writeLake } from '@smsql/ingest';
import { COMMON, VARIANTS } from './incremental-projects.ts';
import { projectCopyFilter } from './project-copy-filter.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const DAYS = arg('days', 30);
const USERS = arg('users', 1000);
const HOURS = arg('hours', 3);
const SEED = 42;
const PROJECT = resolve(import.meta.dirname, '..', '..', 'project');
const START = Date.UTC(2026, 2, 1);
const HOUR = 3_600_000;

/** Land the lake into a project's DuckDB file; `all` lands every topic (the real project needs them). */
async function land(dir: string, lake: string, db = 'target/bench.duckdb', all = false): Promise<number> {
  const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 2, path: join(dir, db) }, { projectDir: dir });
  try {
    return (await landFiles({ connection: await session.acquire(), adapter: createDuckDbAdapter() }, { lakeDir: lake, ...(all ? {} : { topics: ['listen_events'] as const }) })).counts.listen_events;
  } finally {
    await session.close();
  }
}

interface Timed {
  seconds: number;
  cpuSeconds: number;
  perModel: Record<string, number>;
  /** The relations of the models that hold rows (tables, incremental, external): what the check compares. */
  built: string[];
}

/** Run SQL on a project's database between measured runs. */
async function onDb<T>(dir: string, db: string, f: (run: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 2, path: join(dir, db) }, { projectDir: dir });
  try {
    const c = await session.acquire();
    return await f(async (sql) => [...(await c.execute(sql)).rows]);
  } finally {
    await session.close();
  }
}

/**
 * The check that keeps the ratio honest: after each hour's incremental run its models' rows are
 * copied aside (not measured), and after the full rebuild over the same data every model must
 * hold the very same rows (EXCEPT ALL both ways), or the bench stops.
 */
const keep = (dir: string, db: string, built: readonly string[]) =>
  onDb(dir, db, async (run) => {
    await run('create schema if not exists bench_check');
    for (const [i, rel] of built.entries()) await run(`create or replace table bench_check.m${i} as select * from ${rel}`);
  });
const compare = (dir: string, db: string, built: readonly string[]) =>
  onDb(dir, db, async (run) => {
    for (const [i, rel] of built.entries()) {
      for (const [a, b] of [[rel, `bench_check.m${i}`], [`bench_check.m${i}`, rel]]) {
        const n = Number(Object.values((await run(`select count(*) from (select * from ${a} except all select * from ${b})`))[0]!)[0]);
        if (n) throw new Error(`${dir}: ${rel} after the incremental hour differs from the full rebuild (${n} rows of ${a} not in ${b})`);
      }
    }
    await run('drop schema bench_check cascade');
  });

async function timedRun(dir: string, fullRefresh: boolean, command: 'run' | 'build' = 'run'): Promise<Timed> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const o = await execute({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, fullRefresh }, command);
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  if (o.status !== 'success') throw new Error(o.results.map((r) => `${r.name}: ${r.status} ${r.message}`).join('\n'));
  const built = o.results.filter((r) => r.resourceType === 'model' && ['table', 'incremental', 'external'].includes(String(r.materialized)) && r.relationName).map((r) => r.relationName!);
  return { seconds, cpuSeconds: (c.user + c.system) / 1e6, perModel: Object.fromEntries(o.results.filter((r) => r.resourceType === 'model').map((r) => [r.name, r.executionTime])), built };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'sm-bench-inc-'));
  const lake = join(root, 'lake');
  const dirs = Object.fromEntries(
    Object.entries(VARIANTS).map(([name, files]) => {
      const dir = join(root, name);
      for (const [rel, text] of Object.entries({ ...COMMON, ...files })) {
        mkdirSync(join(dir, rel, '..'), { recursive: true });
        writeFileSync(join(dir, rel), text);
      }
      return [name, dir];
    }),
  );
  // The Streamify project itself, unchanged, over the same lake with every topic.
  const withProject = !process.argv.includes('--no-project');
  if (withProject) {
    dirs.project = join(root, 'project');
    cpSync(PROJECT, dirs.project, { recursive: true, filter: projectCopyFilter(PROJECT) });
  }
  const dbOf = (n: string) => (n === 'project' ? 'target/streamify.duckdb' : 'target/bench.duckdb');
  const landInto = (n: string) => (n === 'project' ? land(dirs[n]!, lake, 'target/streamify.duckdb', true) : land(dirs[n]!, lake));
  const names = Object.keys(dirs);
  const end = START + DAYS * 24 * HOUR;
  console.log(`incremental bench: ${DAYS} days of history, ${USERS} users, ${HOURS} new hours (each also rebuilt in full), ${cpus().length} cpus`);
  let t = performance.now();
  await writeLake({ users: USERS, seed: SEED, start: new Date(START), end: new Date(end), outDir: lake });
  let historyRows = 0;
  for (const n of names) historyRows = await landInto(n);
  console.log(`  generated and landed ${historyRows} listens (into each variant) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const full: Record<string, Timed[]> = {};
  const inc: Record<string, (Timed & { newRows: number })[]> = {};
  for (const n of names) {
    t = performance.now();
    await timedRun(dirs[n]!, true, n === 'project' ? 'build' : 'run');
    console.log(`  ${n}: first build ${((performance.now() - t) / 1000).toFixed(1)} s`);
    full[n] = [];
    inc[n] = [];
  }
  for (let h = 0; h < HOURS; h++) {
    // Each new hour is its own generator run over that hour (same people), as `sm ingest generate --start/--end` makes it.
    await writeLake({ users: USERS, seed: SEED, start: new Date(end + h * HOUR), end: new Date(end + (h + 1) * HOUR), outDir: lake });
    for (const n of names) {
      const newRows = await landInto(n);
      const hour = await timedRun(dirs[n]!, false);
      inc[n]!.push({ ...hour, newRows });
      await keep(dirs[n]!, dbOf(n), hour.built);
      // The full rebuild over the same data gives the same rows, so the next hour starts from it alike.
      full[n]!.push(await timedRun(dirs[n]!, true));
      await compare(dirs[n]!, dbOf(n), hour.built);
    }
    console.log(`  hour ${h + 1} of ${HOURS} done`);
  }
  const rows = [['variant / model', 'full rebuild (s)', 'one new hour (s)', 'hour / full']];
  const summary: Record<string, unknown> = {};
  for (const n of names) {
    const fullS = median(full[n]!.map((x) => x.seconds));
    const incS = median(inc[n]!.map((x) => x.seconds));
    const fullCpu = median(full[n]!.map((x) => x.cpuSeconds));
    const incCpu = median(inc[n]!.map((x) => x.cpuSeconds));
    rows.push([`${n}: sm run (compile + connect + build)`, fullS.toFixed(3), incS.toFixed(3), (incS / fullS).toFixed(3)]);
    rows.push([`  CPU seconds (user + system)`, fullCpu.toFixed(3), incCpu.toFixed(3), (incCpu / fullCpu).toFixed(3)]);
    const perModel: Record<string, { full: number; hour: number; fraction: number }> = {};
    for (const m of Object.keys(full[n]![0]!.perModel)) {
      const f = median(full[n]!.map((x) => x.perModel[m]!));
      const i = median(inc[n]!.map((x) => x.perModel[m]!));
      perModel[m] = { full: f, hour: i, fraction: i / f };
      rows.push([`  ${m}`, f.toFixed(3), i.toFixed(3), (i / f).toFixed(3)]);
    }
    summary[n] = { fullRebuildSeconds: fullS, oneHourSeconds: incS, fraction: incS / fullS, fullRebuildCpuSeconds: fullCpu, oneHourCpuSeconds: incCpu, cpuFraction: incCpu / fullCpu, perModel, fullRuns: full[n], hourRuns: inc[n] };
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log('');
  for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  console.log(`\n  history: ${historyRows} listens; new hours: ${inc[names[0]!]!.map((x) => x.newRows).join(', ')} listens (medians of ${HOURS} hours and ${HOURS} full rebuilds)`);

  const out = resolve(import.meta.dirname, '..', 'out');
  mkdirSync(out, { recursive: true });
  const file = join(out, 'incremental.json');
  writeFileSync(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        command: `node bench/src/incremental.ts ${process.argv.slice(2).join(' ')}`.trim(),
        // Other work on the machine inflates both sides; the load says how much to trust the figures.
        machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)) },
        config: { days: DAYS, users: USERS, hours: HOURS, seed: SEED },
        historyListens: historyRows,
        variants: summary,
      },
      null,
      2,
    ),
  );
  console.log(`  load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}; wrote ${file}`);
  rmSync(root, { recursive: true, force: true });
}

await main();
