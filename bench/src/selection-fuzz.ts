/**
 * Differential fuzzer of node selection: random `ls` invocations over dbt's selection syntax,
 * each run by dbt-core (`dbt ls`) and by sm (`sm ls`) on separate copies of one project, and
 * every invocation whose sorted output or exit code differs reported. Not a test: a search.
 *
 *   node --conditions=smsql-source bench/src/selection-fuzz.ts <project dir | --synthetic>
 *        [--sub DIR] [--n 300] [--seed 1] [--dbt PATH] [--mirrors DIR] [--out DIR] [--keep]
 *
 * `--sub DIR`: the project is that folder of the checkout (a package's integration_tests/, whose
 * packages.yml installs `local: ../`); the whole checkout is copied.
 *
 * The project is copied twice (packages from the mirrors as jaffle-shop-parity does); dbt parses
 * it once, that manifest and a made-up run_results.json are the --state; then some models
 * change and one is added (for state:), a random selectors.yml is written, and the invocations
 * run: dbt's in one Python process through dbtRunner (exit 0 success, 1 failure, 2 exception, as
 * its command line), sm's in this process through its main(). Then a selectors.yml with a
 * default, and broken selectors.yml files. Writes <out>/diffs.json; prints each difference.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { startMirrorHub } from './mirror-hub.ts';
import { loadSmMain, pythonBatch, runSmOnce, type SmMain } from './fuzz-kit.ts';
import { duckdbProfile, findDbt, gitRedirects, hubMirrors, smStep, step } from './parity-kit.ts';
import { createRng, type Rng } from './rng.ts';
import { BROKEN_SELECTORS, HOSTILE, inventoryOf, invocation, selectorsYml, type Inventory } from './selection-fuzz-grammar.ts';
import { writeSyntheticProject } from './selection-fuzz-project.ts';

interface Outcome { code: number; lines: string[]; error?: string }
interface Diff { phase: string; args: string[]; dbt: Outcome; sm: Outcome }

const DBT_BATCH = `
import sys, json, os
from dbt.cli.main import dbtRunner
r = dbtRunner()
out = open(sys.argv[2], 'w')
for line in open(sys.argv[1]):
    args = json.loads(line)
    res = r.invoke(args)
    code = 0 if res.success else (2 if res.exception is not None else 1)
    lines = [str(x) for x in res.result] if isinstance(res.result, list) else []
    err = None if res.exception is None else (type(res.exception).__name__ + ': ' + str(res.exception))[:400]
    out.write(json.dumps({'code': code, 'lines': lines, 'error': err}) + '\\n')
    out.flush()
`;

function parseArgs(argv: string[]) {
  const a = { project: '', sub: '', synthetic: false, n: 300, seed: 1, dbt: '/work/dbtvenv/bin/dbt', mirrors: '/work/.mirror', out: '', keep: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--n') a.n = Number(argv[++i]);
    else if (v === '--seed') a.seed = Number(argv[++i]);
    else if (v === '--dbt') a.dbt = argv[++i]!;
    else if (v === '--mirrors') a.mirrors = resolve(argv[++i]!);
    else if (v === '--out') a.out = resolve(argv[++i]!);
    else if (v === '--keep') a.keep = true;
    else if (v === '--sub') a.sub = argv[++i]!;
    else if (v === '--synthetic') a.synthetic = true;
    else if (!v.startsWith('-') && !a.project) a.project = resolve(v);
    else throw new Error(`unknown argument ${v}`);
  }
  if (!a.synthetic && !existsSync(join(a.project, a.sub, 'dbt_project.yml'))) throw new Error('usage: selection-fuzz.ts <project dir> | --synthetic [--n N] [--seed S] [--out DIR]');
  a.out ||= resolve(`/tmp/selection-fuzz-${a.synthetic ? 'synthetic' : a.project.split('/').pop()}`);
  return a;
}

function profileName(dir: string): string {
  return /^profile:\s*['"]?([\w-]+)/m.exec(readFileSync(join(dir, 'dbt_project.yml'), 'utf8'))?.[1] ?? 'default';
}

/** Append a comment to a few model files and add a model: state:modified and state:new have something to find. */
function mutate(dir: string, r: Rng): void {
  const sql: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.sql')) sql.push(p);
    }
  };
  if (existsSync(join(dir, 'models'))) walk(join(dir, 'models'));
  sql.sort();
  for (let i = 0; i < Math.min(3, sql.length); i++) appendFileSync(r.pick(sql), '\n-- changed by the selection fuzzer\n');
  // One model's materialization set in its file (state:modified.configs as well as .body).
  if (sql.length) {
    const f = r.pick(sql);
    writeFileSync(f, `{{ config(materialized='table') }}\n${readFileSync(f, 'utf8')}`);
  }
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'models', 'fuzz_new_model.sql'), 'select 1 as id\n');
}

/** A run_results.json with a status for each node, as an earlier build might leave. */
function fakeRunResults(manifest: Record<string, any>, r: Rng): string {
  const results = Object.values(manifest.nodes as Record<string, any>).filter((n) => n.resource_type !== 'operation').map((n) => ({
    status: n.resource_type === 'test' ? r.pick(['pass', 'fail', 'warn', 'error', 'skipped']) : r.pick(['success', 'error', 'skipped']),
    timing: [], thread_id: 'Thread-1', execution_time: 0.1, adapter_response: {}, message: null, failures: null, unique_id: n.unique_id, compiled: false, compiled_code: null, relation_name: null, batch_results: null,
  }));
  return JSON.stringify({ metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json', dbt_version: '1.11.16', generated_at: '2026-01-01T00:00:00.000000Z', invocation_id: '00000000-0000-0000-0000-000000000000', env: {} }, results, elapsed_time: 1, args: {} });
}

function runDbt(python: string, work: string, batch: string[][], env: Record<string, string>): Outcome[] {
  const { lines, stderr } = pythonBatch(python, work, DBT_BATCH, batch, env);
  if (lines.length !== batch.length) throw new Error(`dbt batch stopped after ${lines.length} of ${batch.length}: ${stderr.slice(-2000)}`);
  return lines.map((l) => JSON.parse(l) as Outcome);
}

async function runSm(main: SmMain, batch: string[][]): Promise<Outcome[]> {
  const results: Outcome[] = [];
  for (const args of batch) {
    const { code, out, err } = await runSmOnce(main, args);
    results.push({ code, lines: out.split('\n').filter(Boolean), error: code ? err.slice(0, 400) : undefined });
  }
  return results;
}

async function main(): Promise<number> {
  const a = parseArgs(process.argv.slice(2));
  const dbt = findDbt(a.dbt);
  const python = join(dirname(dbt), 'python');
  const r = createRng(a.seed);
  rmSync(a.out, { recursive: true, force: true });
  mkdirSync(a.out, { recursive: true });
  let source = a.project;
  if (a.synthetic) writeSyntheticProject((source = join(a.out, 'source')));
  const dirs: Record<'dbt' | 'sm', string> = { dbt: join(a.out, 'dbt', a.sub), sm: join(a.out, 'sm', a.sub) };
  const profile = profileName(join(source, a.sub));
  for (const tool of ['dbt', 'sm'] as const) {
    cpSync(source, join(a.out, tool), { recursive: true, filter: (p) => !/\/(\.git|target|dbt_packages|logs)(\/|$)/.test(p.slice(source.length)) });
    writeFileSync(join(dirs[tool], 'profiles.yml'), duckdbProfile(profile, join(a.out, `${tool}.duckdb`)));
    rmSync(join(dirs[tool], 'selectors.yml'), { force: true });
  }
  const hub = await startMirrorHub(hubMirrors(a.mirrors));
  const env = { DBT_PACKAGE_HUB_URL: hub.url, ...gitRedirects(a.mirrors) };
  try {
    if (existsSync(join(dirs.dbt, 'packages.yml')) || existsSync(join(dirs.dbt, 'dependencies.yml'))) {
      const d = await step('dbt deps', dbt, ['deps', '--profiles-dir', '.'], dirs.dbt, env);
      const s = await smStep('sm deps', ['deps', '--project-dir', '.'], dirs.sm, env);
      if (d.code || s.code) throw new Error(`deps failed:\n${d.tail}\n${s.tail}`);
    }
  } finally {
    await hub.close();
  }
  const parsed = await step('dbt parse', dbt, ['parse', '--profiles-dir', '.'], dirs.dbt, {});
  if (parsed.code) throw new Error(`dbt parse failed:\n${parsed.tail}`);
  const state = join(a.out, 'state');
  mkdirSync(state, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dirs.dbt, 'target', 'manifest.json'), 'utf8'));
  cpSync(join(dirs.dbt, 'target', 'manifest.json'), join(state, 'manifest.json'));
  writeFileSync(join(state, 'run_results.json'), fakeRunResults(manifest, r));
  const inv: Inventory = inventoryOf(manifest);
  for (const tool of ['dbt', 'sm'] as const) mutate(dirs[tool], createRng(a.seed + 1));
  const smMain = await loadSmMain();
  const diffs: Diff[] = [];
  const counts: Record<string, { run: number; same: number }> = {};
  const runPhase = async (phase: string, invocations: string[][]) => {
    const withDirs = (tool: 'dbt' | 'sm', args: string[]) => [...args, '--project-dir', dirs[tool], '--profiles-dir', dirs[tool], ...(tool === 'dbt' ? ['-q'] : [])];
    const t0 = performance.now();
    const dbtOut = runDbt(python, a.out, invocations.map((x) => withDirs('dbt', x)), {});
    const t1 = performance.now();
    const smOut = await runSm(smMain, invocations.map((x) => withDirs('sm', x)));
    const t2 = performance.now();
    const c = (counts[phase] = { run: invocations.length, same: 0 });
    invocations.forEach((args, i) => {
      const d = dbtOut[i]!, s = smOut[i]!;
      const same = d.code === s.code && JSON.stringify([...d.lines].sort()) === JSON.stringify([...s.lines].sort());
      if (same) c.same++;
      else diffs.push({ phase, args, dbt: d, sm: s });
    });
    console.log(`${phase}: ${c.same}/${c.run} identical (dbt ${((t1 - t0) / 1000).toFixed(0)} s, sm ${((t2 - t1) / 1000).toFixed(0)} s)`);
  };
  const setSelectors = (text: string | undefined) => {
    for (const tool of ['dbt', 'sm'] as const) {
      if (text === undefined) rmSync(join(dirs[tool], 'selectors.yml'), { force: true });
      else writeFileSync(join(dirs[tool], 'selectors.yml'), text);
    }
  };
  const stateArgs = (x: { args: string[]; needsState: boolean }) => (x.needsState ? [...x.args, '--state', state] : x.args);

  const sels = selectorsYml(r, inv, 8, false);
  setSelectors(sels.text);
  writeFileSync(join(a.out, 'selectors-main.yml'), sels.text);
  await runPhase('main', Array.from({ length: a.n }, () => stateArgs(invocation(r, inv, sels.names))));
  await runPhase('hostile', HOSTILE.flatMap((h) => [['ls', '-s', h], ['ls', '--exclude', h], ['ls', '-s', h, '--state', state]]));
  const withDefault = selectorsYml(r, inv, 3, true);
  setSelectors(withDefault.text);
  writeFileSync(join(a.out, 'selectors-default.yml'), withDefault.text);
  await runPhase('default-selector', [['ls'], ['ls', '--output', 'name'], ['ls', '-s', pickName(r, inv)], ['ls', '--exclude', pickName(r, inv)], ['ls', '--selector', withDefault.names[0]!], ['ls', '--resource-type', 'model']]);
  for (const [i, text] of BROKEN_SELECTORS.entries()) {
    setSelectors(text);
    await runPhase(`broken-selectors-${i}`, [['ls', '--selector', 'a'], ['ls']]);
  }
  setSelectors(undefined);

  writeFileSync(join(a.out, 'diffs.json'), JSON.stringify({ counts, diffs }, null, 2));
  for (const d of diffs) {
    console.log(`\n[${d.phase}] ${d.args.map((x) => (/^[\w:.\-/]+$/.test(x) ? x : JSON.stringify(x))).join(' ')}`);
    const onlyD = d.dbt.lines.filter((l) => !d.sm.lines.includes(l)), onlyS = d.sm.lines.filter((l) => !d.dbt.lines.includes(l));
    console.log(`  dbt exit ${d.dbt.code} (${d.dbt.lines.length} lines)${d.dbt.error ? ` ${d.dbt.error.split('\n')[0]}` : ''} | sm exit ${d.sm.code} (${d.sm.lines.length} lines)${d.sm.error ? ` ${d.sm.error.split('\n')[0]}` : ''}`);
    for (const l of onlyD.slice(0, 5)) console.log(`   only dbt: ${l.slice(0, 200)}`);
    for (const l of onlyS.slice(0, 5)) console.log(`   only sm:  ${l.slice(0, 200)}`);
  }
  const total = Object.values(counts).reduce((t, c) => ({ run: t.run + c.run, same: t.same + c.same }), { run: 0, same: 0 });
  console.log(`\n${total.same}/${total.run} invocations identical; details in ${join(a.out, 'diffs.json')}`);
  if (!a.keep) for (const tool of ['dbt', 'sm'] as const) rmSync(join(a.out, tool), { recursive: true, force: true });
  return total.same === total.run ? 0 : 1;
}

const pickName = (r: Rng, inv: Inventory) => (inv.names.length ? r.pick(inv.names) : 'x');

process.exitCode = await main();
