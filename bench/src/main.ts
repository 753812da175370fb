import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchConfig } from './bench-config.ts';
import { printScenario, type ScenarioResult } from './results.ts';
import { compileScenario, emptyTrash } from './scenario-compile.ts';
import { overheadScenario } from './scenario-overhead.ts';
import { startupScenario } from './scenario-startup.ts';
import { streamifyScenario } from './scenario-streamify.ts';
import { BENCH_DIR, findDbtCore, findDbtFusion, findSm, type Tool } from './tools.ts';

const USAGE = `usage: pnpm bench [--quick] [--only startup,compile,overhead,streamify] [--tools sm,dbt-core,dbt-fusion] [--sizes 1000,10000] [--out FILE]

  --quick   CI sizes: 200 models, chains of 10/50, ~10k listens, 1-3 repetitions
  --only    run these scenarios only (default: all four)
  --tools   measure these tools only; the others print "not run"
  --sizes   model counts of the compile scenario (default 1000,10000)
  --out     results file (default bench/out/results.json)

Landing, Kafka and incremental figures are separate scripts: see bench/README.md.`;
const FLAGS = new Set(['--quick', '--only', '--tools', '--sizes', '--out']);

/**
 * `pnpm bench [--quick] [--only startup,compile,overhead,streamify] [--tools sm,dbt-core,dbt-fusion] [--sizes 1000,10000] [--out FILE]`: runs each scenario, prints
 * figures and ratios, writes bench/out/results.json. Every ratio compares two measurements
 * of this same invocation; a tool that is missing is reported as "not run", never as a figure.
 */
async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  // An unknown flag ran the whole suite (15 minutes to an hour) instead of what was asked.
  const unknown = argv.filter((a) => a.startsWith('-') && !FLAGS.has(a));
  if (unknown.length) {
    console.error(`bench: unknown option ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const quick = argv.includes('--quick');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? new Set(argv[onlyAt + 1]?.split(',')) : undefined;
  const sizesAt = argv.indexOf('--sizes');
  const base = benchConfig(quick);
  const cfg = sizesAt >= 0 ? { ...base, compileSizes: argv[sizesAt + 1].split(',').map(Number) } : base;
  if (cfg.compileSizes.some((n) => !Number.isInteger(n) || n < 3)) throw new Error('--sizes takes model counts >= 3, e.g. --sizes 1000,10000');
  mkdirSync(cfg.workDir, { recursive: true });
  const log = (line: string) => console.log(line);

  const toolsAt = argv.indexOf('--tools');
  const onlyTools = toolsAt >= 0 ? new Set(argv[toolsAt + 1]?.split(',')) : undefined;
  const keep = (t: Tool): Tool => (!onlyTools || onlyTools.has(t.name) ? t : { available: false, name: t.name, reason: 'left out by --tools' });
  const tools = { sm: keep(findSm()), dbt: keep(findDbtCore()), fusion: keep(findDbtFusion()) };
  const machine = machineInfo();
  log(`sm bench (${quick ? 'quick' : 'full'}) on ${machine.cpuModel}, ${machine.cpus} cpus, ${machine.memoryGb} GB, node ${process.version}`);
  for (const t of Object.values(tools)) log(`  ${t.name}: ${t.available ? t.version : `not available: ${t.reason}`}`);

  const scenarios: ScenarioResult[] = [];
  const started = Date.now();
  const want = (id: string) => !only || only.has(id);
  if (want('startup')) {
    log('\nstartup ...');
    scenarios.push(await startupScenario(cfg, tools.sm, log));
  }
  if (want('compile')) {
    log('\ncompile ...');
    scenarios.push(await compileScenario(cfg, tools, log));
  }
  if (want('overhead')) {
    log('\nper-model overhead ...');
    scenarios.push(await overheadScenario(cfg, tools, log));
  }
  if (want('streamify')) {
    log('\nstreamify ...');
    scenarios.push(await streamifyScenario(cfg, tools.sm, log));
  }
  // Last, so no timed run pays for deleting it (scenario-compile.ts, Trash).
  emptyTrash(cfg.workDir);
  for (const s of scenarios) printScenario(s, log);

  const ratios = scenarios.flatMap((s) => s.ratios);
  const notRun = scenarios.flatMap((s) => s.notRun);
  const targets = ratios.filter((r) => r.target);
  log(`\n${ratios.length} ratios, ${targets.filter((r) => r.met).length}/${targets.length} targets met, ${notRun.length} not run; ${((Date.now() - started) / 1000).toFixed(0)} s`);

  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1] : join(BENCH_DIR, 'out', 'results.json');
  const result = {
    date: new Date().toISOString(),
    command: `pnpm bench${argv.length ? ' ' + argv.join(' ') : ''}`,
    machine: { ...machine, loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)) },
    tools: Object.fromEntries(Object.values(tools).map((t) => [t.name, t.available ? { version: t.version } : { notAvailable: t.reason }])),
    config: { ...cfg, repsSlow: cfg.compileSizes.map((n) => ({ models: n, reps: cfg.repsSlow(n) })) },
    scenarios,
  };
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  log(`wrote ${out}`);
  return 0;
}

function machineInfo() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cpus: cpus().length,
    cpuModel: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    // Other work on the machine slows every tool; the load average says how much there was.
    loadAverageAtStart: loadavg().map((x) => +x.toFixed(2)),
  };
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
