import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { BenchConfig } from './bench-config.ts';
import { chainModelName, generateChain } from './gen-chain.ts';
import { timeOk } from './measure.ts';
import { measurement, newScenario, runsOf, type Measurement, type ScenarioResult } from './results.ts';
import type { Tool } from './tools.ts';

const MATERIALIZATIONS = ['view', 'table'] as const;

/**
 * Per-model overhead: chains of K1 and K2 trivial models. The slope between the two lengths
 * is the cost of one more model, free of process startup and project loading; the floor is the
 * same compiled SQL run in a loop in this process through @duckdb/node-api.
 */
export async function overheadScenario(cfg: BenchConfig, tools: { sm: Tool; dbt: Tool }, log: (s: string) => void): Promise<ScenarioResult> {
  const s = newScenario('overhead', 'Per-model overhead on DuckDB: chains of trivial models');
  const [k1, k2] = cfg.chainLengths;
  s.notes.push(`slope = (fastest run at ${k2} models - fastest at ${k1}) / ${k2 - k1} (the fastest run is the least disturbed by noise); floor = create or replace <view|table> as <compiled select>, one statement per model, in-process`);
  for (const mat of MATERIALIZATIONS) {
    const medians = new Map<string, number>();
    let floorSource = 'generated';
    for (const k of [k1, k2]) {
      const compiledDirs: string[] = [];
      for (const tool of [tools.sm, tools.dbt]) {
        if (!tool.available) {
          if (k === k1) s.notRun.push({ what: `${tool.name} chain of ${mat}s`, reason: tool.reason });
          continue;
        }
        const dir = join(cfg.workDir, `chain-${mat}-${k}`, tool.name);
        generateChain(dir, { length: k, materialized: mat });
        const db = join(dir, 'chain.duckdb');
        const fresh = () => {
          rmSync(db, { force: true });
          rmSync(db + '.wal', { force: true });
        };
        const args = tool.name === 'sm' ? ['run', '--project-dir', '.', '--threads', '1'] : ['run', '--threads', '1'];
        try {
          // One untimed run leaves each tool's cache (render cache, partial parse) as in a dev loop.
          fresh();
          await timeOk(tool.command(args, dir));
          compiledDirs.push(join(dir, 'target', 'compiled', 'chain', 'models'));
          const runs = runsOf();
          for (let i = 0; i < cfg.chainReps; i++) {
            fresh();
            runs.add(await timeOk(tool.command(args, dir)));
          }
          const m = runs.done(`${tool.name}-chain-${mat}-${k}`, tool.name, `run chain of ${k} ${mat}s`);
          s.measurements.push(m);
          medians.set(`${tool.name}-${k}`, Math.min(...m.runsMs));
          if (m.cpuMs !== undefined) medians.set(`cpu-${tool.name}-${k}`, m.cpuMs);
          log(`  ${m.tool} ${m.what}: ${m.medianMs.toFixed(0)} ms`);
        } catch (e) {
          s.notRun.push({ what: `${tool.name} chain of ${k} ${mat}s`, reason: `failed: ${(e as Error).message}` });
        }
      }
      const { sql, source } = floorStatements(k, mat, compiledDirs);
      floorSource = source;
      const floor = await runFloor(join(cfg.workDir, `chain-${mat}-${k}`, 'floor', 'chain.duckdb'), sql, cfg.chainReps);
      s.measurements.push(floor);
      medians.set(`floor-${k}`, Math.min(...floor.runsMs));
      medians.set(`cpu-floor-${k}`, floor.cpuMs!);
      log(`  floor ${floor.what}: ${floor.medianMs.toFixed(0)} ms`);
    }
    s.notes.push(`${mat} floor SQL taken from ${floorSource}`);

    const slope = (tool: string) => {
      const a = medians.get(`${tool}-${k1}`);
      const b = medians.get(`${tool}-${k2}`);
      return a === undefined || b === undefined ? undefined : (b - a) / (k2 - k1);
    };
    const floorSlope = slope('floor')!;
    s.ratios.push({ id: `floor-slope-${mat}`, label: `${mat}: floor, per model`, value: floorSlope, unit: 'ms/model', meaning: 'DuckDB itself: one create statement per model' });
    const over: Record<string, number | undefined> = {};
    for (const tool of ['sm', 'dbt-core']) {
      const sl = slope(tool);
      if (sl === undefined) continue;
      over[tool] = sl - floorSlope;
      s.ratios.push({
        id: `${tool}-overhead-${mat}`,
        label: `${mat}: ${tool} overhead above floor`,
        value: sl - floorSlope,
        unit: 'ms/model',
        meaning: `what each extra model costs in ${tool} beyond the SQL itself`,
        // A negative overhead means noise outweighed the per-model cost at these chain lengths
        // (typical of --quick's short chains): no verdict either way.
        ...(tool === 'sm' ? { target: '≤ 2 ms/model', met: sl - floorSlope < 0 ? undefined : sl - floorSlope <= 2 } : {}),
      });
      if (tool === 'sm' && sl - floorSlope < 0) s.notes.push(`${mat}: sm's slope is below the floor's: noise exceeds the per-model cost at ${k1}/${k2} models; run without --quick for a verdict`);
      const total = medians.get(`${tool}-${k2}`)! - medians.get(`floor-${k2}`)!;
      s.ratios.push({ id: `${tool}-fixed-${mat}`, label: `${mat}: ${tool} total above floor at ${k2} models`, value: total, unit: 'ms', meaning: 'whole command (startup, load, compile, run) minus the floor' });
    }
    // The same slopes in CPU time (median of runs), which other load on the machine disturbs far less than wall time.
    const floorCpu = slope('cpu-floor');
    for (const tool of ['sm', 'dbt-core']) {
      const sl = slope(`cpu-${tool}`);
      if (sl === undefined || floorCpu === undefined) continue;
      s.ratios.push({ id: `${tool}-overhead-cpu-${mat}`, label: `${mat}: ${tool} overhead above floor, cpu time`, value: sl - floorCpu, unit: 'ms/model', meaning: `CPU each extra model costs in ${tool} beyond the floor's CPU` });
    }
    if (over.sm !== undefined && over['dbt-core'] !== undefined) {
      // Below 0.1 ms sm is at the floor within noise: divide by 0.1 and call it a lower bound.
      const atFloor = over.sm < 0.1;
      const value = over['dbt-core'] / Math.max(over.sm, 0.1);
      s.ratios.push({
        id: `dbt/sm-overhead-${mat}`,
        label: `${mat}: dbt overhead / sm overhead${atFloor ? ' (lower bound)' : ''}`,
        value,
        unit: '×',
        meaning: `per-model framework cost, dbt-duckdb vs sm${atFloor ? '; sm is within 0.1 ms of the floor, so 0.1 ms is the divisor' : ''}`,
        target: '≥ 20×',
        met: value >= 20,
      });
    }
  }
  return s;
}

/** The floor's statements: each model's compiled select from a tool's target/compiled when there is one. */
function floorStatements(k: number, mat: 'view' | 'table', compiledDirs: string[]): { sql: string[]; source: string } {
  const dir = compiledDirs.find((d) => existsSync(join(d, `${chainModelName(k - 1)}.sql`)));
  const sql: string[] = [];
  for (let i = 0; i < k; i++) {
    const name = chainModelName(i);
    const select = dir
      ? readFileSync(join(dir, `${name}.sql`), 'utf8')
      : i === 0
        ? 'select 1 as id'
        : `select id + 1 as id from "main"."${chainModelName(i - 1)}"`;
    sql.push(`create or replace ${mat} "main"."${name}" as (\n${select.trim()}\n)`);
  }
  return { sql, source: dir ? `${dir.split('/').slice(-6, -4).join('/')}/target/compiled` : 'the generator (no tool compiled)' };
}

/** The file is named chain.duckdb like the tools' so that database-qualified names in dbt's SQL resolve. */
async function runFloor(file: string, sql: string[], reps: number): Promise<Measurement> {
  mkdirSync(dirname(file), { recursive: true });
  const runs: number[] = [];
  // getrusage of this process: all threads, DuckDB's included, as GNU time counts for the tools.
  const cpus: number[] = [];
  for (let i = 0; i < reps; i++) {
    rmSync(file, { force: true });
    rmSync(file + '.wal', { force: true });
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const db = await DuckDBInstance.create(file);
    const con = await db.connect();
    for (const stmt of sql) await con.run(stmt);
    con.closeSync();
    db.closeSync();
    runs.push(performance.now() - started);
    const cpu = process.cpuUsage(cpu0);
    cpus.push((cpu.user + cpu.system) / 1000);
  }
  const mat = /create or replace (\w+)/.exec(sql[0])![1];
  return measurement(`floor-chain-${mat}-${sql.length}`, 'floor', `${sql.length} ${mat}s via @duckdb/node-api`, runs, [], cpus);
}
