/**
 * `node --conditions=smsql-source bench/src/incremental-profile.ts [--variant project|source-filter|staging-view] [--days 30] [--users 1000] [--threads 1] [--keep DIR]`
 *
 * Where one new hour's incremental run spends its time: lands `--days` of history into a copy of
 * project/ (or one of the bench's small projects), builds it, lands one more hour, then runs it incrementally
 * with every statement timed (wrapped connection) and prints the statements slower than 20 ms
 * and each model's total. `--threads 1` gives each model's own time (with more threads a
 * model's time includes waiting for DuckDB's single writer). Not a ratio: a profile.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Adapter, Connection } from '@smsql/core';
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import { execute } from '@smsql/core';
import { landFiles, writeLake } from '@smsql/ingest';
import { COMMON, VARIANTS } from './incremental-projects.ts';
import { projectCopyFilter } from './project-copy-filter.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const DAYS = Number(arg('days', '30'));
const USERS = Number(arg('users', '1000'));
const THREADS = Number(arg('threads', '1'));
/** `project` (project/, every topic) or one of the bench's small projects (incremental-projects.ts). */
const VARIANT = arg('variant', 'project');
const DB = VARIANT === 'project' ? 'target/streamify.duckdb' : 'target/bench.duckdb';
const PROJECT = resolve(import.meta.dirname, '..', '..', 'project');
const START = Date.UTC(2026, 2, 1);
const HOUR = 3_600_000;

/** Wall and CPU (this process, DuckDB's threads included: statements run one at a time at --threads 1) of one statement. */
interface Timing { ms: number; cpuMs: number; sql: string }
const timings: Timing[] = [];
function timedAdapter(): Adapter {
  const a = createDuckDbAdapter();
  return {
    ...a,
    async connect(t, o) {
      const s = await a.connect(t, o);
      return {
        ...s,
        acquire: async (n) => {
          const c = await s.acquire(n);
          const wrapped: Connection = {
            describe: async (schema, db, identifier) => {
              const t0 = performance.now();
              const c0 = process.cpuUsage();
              try {
                return await c.describe(schema, db, identifier);
              } finally {
                timings.push({ ms: performance.now() - t0, cpuMs: cpuMs(c0), sql: `-- describe ${schema} (catalog query)` });
              }
            },
            ...(c.append ? { append: (r, cols, rows) => c.append!(r, cols, rows) } : {}),
            ...(c.cancel ? { cancel: () => c.cancel!() } : {}),
            close: () => c.close(),
            execute: async () => ({ rows: [] }) as never,
          };
          wrapped.execute = async (sql, binds) => {
            const t0 = performance.now();
            const c0 = process.cpuUsage();
            try {
              return await c.execute(sql, binds);
            } finally {
              timings.push({ ms: performance.now() - t0, cpuMs: cpuMs(c0), sql });
            }
          };
          originals.set(wrapped, c);
          return wrapped;
        },
        release: (c) => s.release(originals.get(c) ?? c),
        cancelAll: () => s.cancelAll(),
        close: () => s.close(),
      };
    },
  };
}
const originals = new WeakMap<Connection, Connection>();
const cpuMs = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

async function land(dir: string, lake: string): Promise<void> {
  const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 2, path: join(dir, DB) }, { projectDir: dir });
  try {
    await landFiles({ connection: await session.acquire(), adapter: createDuckDbAdapter() }, { lakeDir: lake, ...(VARIANT === 'project' ? {} : { topics: ['listen_events'] as const }) });
  } finally {
    await session.close();
  }
}

async function run(dir: string, fullRefresh: boolean, command: 'run' | 'build') {
  timings.length = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const o = await execute({ projectDir: dir, adapters: { duckdb: timedAdapter }, fullRefresh, threads: THREADS } as Parameters<typeof execute>[0], command);
  const s = (performance.now() - t0) / 1000;
  const cpu = cpuMs(c0) / 1000;
  if (o.status !== 'success') throw new Error(o.results.map((r) => `${r.name}: ${r.status} ${r.message}`).join('\n'));
  return { s, cpu, results: o.results };
}

const keep = arg('keep', '');
const root = keep || mkdtempSync(join(tmpdir(), 'sm-inc-prof-'));
const lake = join(root, 'lake');
const dir = join(root, 'project');
const end = START + DAYS * 24 * HOUR;
rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });
if (VARIANT === 'project') cpSync(PROJECT, dir, { recursive: true, filter: projectCopyFilter(PROJECT) });
else {
  const files = VARIANTS[VARIANT];
  if (!files) throw new Error(`--variant: project or one of ${Object.keys(VARIANTS).join(', ')}`);
  for (const [rel, text] of Object.entries({ ...COMMON, ...files })) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}
await writeLake({ users: USERS, seed: 42, start: new Date(START), end: new Date(end), outDir: lake });
await land(dir, lake);
console.log(`built in ${(await run(dir, true, VARIANT === 'project' ? 'build' : 'run')).s.toFixed(1)} s`);
await writeLake({ users: USERS, seed: 42, start: new Date(end), end: new Date(end + HOUR), outDir: lake });
await land(dir, lake);
const show = (label: string, r: Awaited<ReturnType<typeof run>>) => {
  const statements = timings.reduce((a, t) => [a[0]! + t.ms, a[1]! + t.cpuMs], [0, 0]);
  console.log(`\n== ${label}: ${r.s.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU; its ${timings.length} statements ${(statements[0]! / 1000).toFixed(2)} s wall, ${(statements[1]! / 1000).toFixed(2)} s CPU`);
  for (const x of r.results) console.log(`  ${x.executionTime.toFixed(3).padStart(7)}  ${x.name}`);
  console.log('  statements over 20 ms (wall, CPU):');
  for (const t of timings) if (t.ms > 20 || t.cpuMs > 20) console.log(`  ${t.ms.toFixed(0).padStart(6)} ms ${t.cpuMs.toFixed(0).padStart(5)} ms  ${t.sql.replace(/\s+/g, ' ').slice(0, 150)}`);
  writeFileSync(join(root, `${label}.json`), JSON.stringify(timings, null, 1));
};
show('hour', await run(dir, false, 'run'));
show('nothing new', await run(dir, false, 'run'));
show('full', await run(dir, true, 'run'));
if (!keep) rmSync(root, { recursive: true, force: true });
