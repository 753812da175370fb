import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchConfig } from './bench-config.ts';
import { projectCopyFilter } from './project-copy-filter.ts';
import { timeOk, type CommandRun } from './measure.ts';
import { measurement, newScenario, type ScenarioResult } from './results.ts';
import { REPO_ROOT, type Tool } from './tools.ts';

const START = '2026-11-01';
const SEED = '42';
// File names double as DuckDB catalog names: none may equal a schema of the project ("raw").
const TARGETS = ['base', 'run', 'build'] as const;

/**
 * The Streamify project at scale: generate about N listens, land them, then `sm run` (models)
 * and `sm build` (seeds, models, tests) against the SQL of sm's own target/run files executed
 * in the same order straight on DuckDB, each on its own copy of the same landed database.
 */
export async function streamifyScenario(cfg: BenchConfig, sm: Tool, log: (s: string) => void): Promise<ScenarioResult> {
  const s = newScenario('streamify', `Streamify build at ~${cfg.streamifyListens.toLocaleString('en')} listens`);
  if (!sm.available) {
    s.notRun.push({ what: 'Streamify build', reason: sm.reason });
    return s;
  }
  const projectSrc = join(REPO_ROOT, 'project');
  const hasModels = existsSync(join(projectSrc, 'models')) && readdirSync(join(projectSrc, 'models'), { recursive: true }).some((f) => String(f).endsWith('.sql'));
  if (!hasModels) {
    s.notRun.push({ what: 'Streamify build', reason: 'project/models has no models yet' });
    return s;
  }
  const base = resolve(cfg.workDir, 'streamify');
  rmSync(base, { recursive: true, force: true });
  const dir = join(base, 'project');
  cpSync(projectSrc, dir, { recursive: true, filter: projectCopyFilter(projectSrc) });
  const profilesDir = join(base, 'profiles');
  writeProfiles(profilesDir, profileName(dir), base);
  const sm_ = (args: string[], target?: string) => sm.command([...args, '--project-dir', dir, ...(target ? ['--profiles-dir', profilesDir, '--target', target] : [])], dir);

  try {
    // Listens grow linearly with users and days; calibrate on one small day, then scale users over a week.
    const lake = join(base, 'lake');
    const probe = await timeOk(sm_(['ingest', 'generate', '--users', '200', '--start', START, '--end', '2026-11-02', '--seed', SEED, '--out', join(base, 'probe')]));
    const perUserDay = count(probe, 'listen_events') / 200;
    const days = 7;
    const users = Math.max(50, Math.round(cfg.streamifyListens / (perUserDay * days)));
    const gen = await timeOk(sm_(['ingest', 'generate', '--users', String(users), '--start', START, '--end', '2026-11-08', '--seed', SEED, '--out', lake]));
    const listens = count(gen, 'listen_events');
    const pageViews = count(gen, 'page_view_events');
    s.notes.push(`generated ${listens.toLocaleString('en')} listens and ${pageViews.toLocaleString('en')} page views (${users} users, ${days} days, seed ${SEED}) in ${(gen.wallMs / 1000).toFixed(1)} s`);
    log(`  generated ${listens} listens`);

    const land = await timeOk(sm_(['ingest', 'load', '--lake', lake], 'base'));
    s.measurements.push(measurement('sm-ingest-load', 'sm', `ingest load (${pageViews.toLocaleString('en')} page views + other topics)`, [land.wallMs], [land.peakRssMb], [land.cpuMs]));
    await timeOk(sm_(['seed'], 'base'));
    for (const t of ['run', 'build', 'baseline']) copyDb(join(base, 'base.duckdb'), join(base, `${t}.duckdb`));

    const run = await timeOk(sm_(['run', '--threads', '1'], 'run'));
    const runM = measurement('sm-run-streamify', 'sm', 'run (all models)', [run.wallMs], [run.peakRssMb], [run.cpuMs]);
    s.measurements.push(runM);
    log(`  sm run: ${run.wallMs.toFixed(0)} ms`);

    // The baseline replays exactly the statements sm ran, in the order it finished them.
    const list = [schemasFile(dir, base), ...runFilesInOrder(dir)];
    const listFile = join(base, 'raw-sql-files.json');
    writeFileSync(listFile, JSON.stringify(list));
    const raw = await timeOk({ cmd: process.execPath, args: [join(REPO_ROOT, 'bench', 'src', 'exec-sql.ts'), join(base, 'baseline.duckdb'), listFile], cwd: base });
    const rawM = measurement('raw-sql-streamify', 'floor', `the same ${list.length} target/run files via @duckdb/node-api`, [raw.wallMs], [raw.peakRssMb], [raw.cpuMs]);
    s.measurements.push(rawM);
    log(`  raw SQL: ${raw.wallMs.toFixed(0)} ms`);

    const build = await timeOk(sm_(['build', '--threads', '1'], 'build'));
    s.measurements.push(measurement('sm-build-streamify', 'sm', 'build (seeds, models, tests)', [build.wallMs], [build.peakRssMb], [build.cpuMs]));
    log(`  sm build: ${build.wallMs.toFixed(0)} ms`);

    const ratio = runM.medianMs / rawM.medianMs;
    s.ratios.push({ id: 'sm-run/raw-streamify', label: 'sm run / raw SQL', value: ratio, unit: '×', meaning: 'whole command vs the same model SQL run directly (1.0 = no overhead)', target: '≤ 1.2×', met: ratio <= 1.2 });
    if (runM.cpuMs && rawM.cpuMs) s.ratios.push({ id: 'sm-run/raw-streamify-cpu', label: 'sm run / raw SQL, cpu time', value: runM.cpuMs / rawM.cpuMs, unit: '×', meaning: 'the same comparison in user+system CPU, less disturbed by other load' });
    s.ratios.push({ id: 'sm-build/raw-streamify', label: 'sm build / raw model SQL', value: build.wallMs / rawM.medianMs, unit: '×', meaning: 'build also loads seeds and runs every test, which the raw SQL does not' });
  } catch (e) {
    s.notRun.push({ what: 'Streamify build', reason: `failed: ${(e as Error).message}` });
  }
  return s;
}

function count(run: CommandRun, topic: string): number {
  const m = new RegExp(`${topic}\\s+(\\d+)`).exec(run.tail);
  if (!m) throw new Error(`sm ingest generate did not report a ${topic} count:\n${run.tail}`);
  return Number(m[1]);
}

function profileName(dir: string): string {
  const file = ['sm_project.yml', 'dbt_project.yml', 'streamify.yml'].find((f) => existsSync(join(dir, f)));
  if (!file) throw new Error(`no project file in ${dir}`);
  const text = readFileSync(join(dir, file), 'utf8');
  return (/^profile:\s*['"]?([\w-]+)/m.exec(text) ?? /^name:\s*['"]?([\w-]+)/m.exec(text))![1];
}

/** One DuckDB file per step, so runs and the baseline each start from the same landed data. */
function writeProfiles(dir: string, profile: string, dataDir: string): void {
  mkdirSync(dir, { recursive: true });
  const outputs = TARGETS.map((t) => `    ${t}:\n      type: duckdb\n      path: '${join(dataDir, `${t}.duckdb`)}'\n      schema: main\n      threads: 1`).join('\n');
  writeFileSync(join(dir, 'profiles.yml'), `${profile}:\n  target: base\n  outputs:\n${outputs}\n`);
}

function copyDb(from: string, to: string): void {
  copyFileSync(from, to);
  if (existsSync(from + '.wal')) copyFileSync(from + '.wal', to + '.wal');
}

/** sm creates the schemas of the selected models before running them; the raw baseline must too. */
function schemasFile(dir: string, base: string): string {
  const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { resource_type: string; schema?: string }> };
  const schemas = new Set(Object.values(manifest.nodes).filter((n) => n.resource_type === 'model' && n.schema).map((n) => n.schema!));
  const file = join(base, 'create-schemas.sql');
  writeFileSync(file, [...schemas].map((sc) => `create schema if not exists "${sc.replaceAll('"', '""')}";`).join('\n') + '\n');
  return file;
}

/** target/run files of the last invocation, in the order run_results.json lists them (completion order). */
function runFilesInOrder(dir: string): string[] {
  const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
  const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { original_file_path?: string; package_name?: string; path?: string }> };
  const out: string[] = [];
  for (const r of results.results) {
    const node = manifest.nodes[r.unique_id];
    if (!node?.original_file_path || !node.package_name) continue;
    const f = join(dir, 'target', 'run', node.package_name, node.original_file_path);
    if (existsSync(f)) out.push(f);
  }
  if (out.length === 0) throw new Error(`no target/run files found for the ${results.results.length} results of sm run`);
  return out;
}
