/**
 * dbt-utils' own integration test suite, side by side: the `integration_tests/` project of a
 * dbt-utils checkout (which uses the package through `local: ../`) is run with dbt-core +
 * dbt-duckdb (`dbt deps`, `dbt seed`, `dbt build`) and with sm (`sm deps`, `sm seed`,
 * `sm build`), each in its own copy and database file. Prints every node's outcome on both,
 * then the counts; the goal (issue 12) is that sm passes at least 95% of what passes on dbt.
 * Any package laid out the same way works (dbt-date, audit_helper): hub packages its
 * integration tests need are served from the mirrors' tags by a local server in the hub's
 * format, and github.com URLs redirected to the mirrors, for both tools.
 *
 *   node bench/src/dbt-utils-parity.ts <package checkout> [--mirrors DIR] [--dbt PATH] [--keep] [--threads N]
 *
 * Writes bench/out/<checkout's folder name>-parity.json (dbt-utils-parity.json for a checkout
 * named dbt-utils). Exit 0 when the goal is met, 1 when not, 2 when a tool cannot run at all.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { startMirrorHub } from './mirror-hub.ts';
import { duckdbProfile, findDbt, gitRedirects, hubMirrors, outcomeOf, pad, REPO, runResults, smStep, step, type Outcome, type StepResult } from './parity-kit.ts';

interface Args {
  checkout: string;
  dbt?: string | undefined;
  keep: boolean;
  threads: number;
  mirrors: string;
}

function parseArgs(argv: string[]): Args {
  const a: Partial<Args> = { keep: false, threads: 4, mirrors: '/work/.mirror' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--dbt') a.dbt = argv[++i];
    else if (v === '--keep') a.keep = true;
    else if (v === '--mirrors') a.mirrors = resolve(argv[++i]!);
    else if (v === '--threads') a.threads = Number(argv[++i]);
    else if (!v.startsWith('-') && !a.checkout) a.checkout = resolve(v);
    else throw new Error(`unknown argument ${v}`);
  }
  if (!a.checkout) throw new Error('usage: node bench/src/dbt-utils-parity.ts <package checkout> [--mirrors DIR] [--dbt PATH] [--keep] [--threads N]');
  if (!existsSync(join(a.checkout, 'integration_tests', 'dbt_project.yml'))) throw new Error(`${a.checkout} is not a package checkout with integration tests (no integration_tests/dbt_project.yml)`);
  return a as Args;
}

/** A copy of the checkout (the package and its integration tests), without anything a previous run left. */
function copyCheckout(src: string, dest: string, db: string, threads: number): string {
  cpSync(src, dest, { recursive: true, filter: (p) => !/\/(\.git|target|dbt_packages|logs)(\/|$)/.test(p.slice(src.length)) });
  const it = join(dest, 'integration_tests');
  rmSync(join(it, 'package-lock.yml'), { force: true });
  writeFileSync(join(it, 'profiles.yml'), duckdbProfile('integration_tests', db, threads));
  return it;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const dbt = findDbt(args.dbt);
  const scratch = mkdtempSync(join(tmpdir(), 'dbt-utils-parity-'));
  const dbtDir = copyCheckout(args.checkout, join(scratch, 'dbt'), join(scratch, 'dbt.duckdb'), args.threads);
  const smDir = copyCheckout(args.checkout, join(scratch, 'sm'), join(scratch, 'sm.duckdb'), args.threads);
  const steps: { dbt: StepResult[]; sm: StepResult[] } = { dbt: [], sm: [] };
  const hub = await startMirrorHub(existsSync(args.mirrors) ? hubMirrors(args.mirrors) : {});
  const env = { DBT_PACKAGE_HUB_URL: hub.url, ...(existsSync(args.mirrors) ? gitRedirects(args.mirrors) : {}) };
  try {
    for (const s of ['deps', 'seed', 'build']) steps.dbt.push(await step(`dbt ${s}`, dbt, [s, '--profiles-dir', '.'], dbtDir, env));
    for (const s of ['deps', 'seed', 'build']) steps.sm.push(await smStep(`sm ${s}`, [s, '--project-dir', '.', '--profiles-dir', '.'], smDir, env));
  } finally {
    await hub.close();
  }
  for (const r of [...steps.dbt, ...steps.sm]) console.log(`${pad(r.step, 10)} exit ${r.code} in ${r.seconds.toFixed(1)} s`);
  const dbtRes = runResults(join(dbtDir, 'target', 'run_results.json'));
  const smRes = runResults(join(smDir, 'target', 'run_results.json'));
  if (!dbtRes.size) {
    console.error(`dbt produced no results:\n${steps.dbt.map((s) => s.tail).join('\n')}`);
    return 2;
  }
  const ids = [...new Set([...dbtRes.keys(), ...smRes.keys()])].sort();
  const rows = ids.map((id) => ({ id, dbt: outcomeOf(dbtRes.get(id)?.status), sm: outcomeOf(smRes.get(id)?.status), smMessage: smRes.get(id)?.message ?? '' }));
  console.log(`\n${pad('node', 90)} ${pad('dbt', 8)} ${pad('sm', 8)} sm's message`);
  for (const r of rows) console.log(`${pad(r.id, 90)} ${pad(r.dbt, 8)} ${pad(r.sm, 8)} ${r.sm === 'pass' ? '' : r.smMessage}`);
  const count = (o: Outcome, side: 'dbt' | 'sm') => rows.filter((r) => r[side] === o).length;
  const dbtPass = rows.filter((r) => r.dbt === 'pass');
  const both = dbtPass.filter((r) => r.sm === 'pass').length;
  const share = dbtPass.length ? both / dbtPass.length : 0;
  console.log(`\ndbt: ${count('pass', 'dbt')} pass, ${count('fail', 'dbt')} fail, ${count('error', 'dbt')} error, ${count('skipped', 'dbt')} skipped (${dbtRes.size} nodes)`);
  console.log(`sm:  ${count('pass', 'sm')} pass, ${count('fail', 'sm')} fail, ${count('error', 'sm')} error, ${count('skipped', 'sm')} skipped, ${count('absent', 'sm')} absent (${smRes.size} nodes)`);
  console.log(`sm passes ${both} of the ${dbtPass.length} nodes that pass on dbt: ${(share * 100).toFixed(1)}% (goal: 95%)`);
  if (!smRes.size) console.log(`\nsm produced no results:\n${steps.sm.map((s) => `${s.step}:\n${s.tail}`).join('\n')}`);
  mkdirSync(join(REPO, 'bench', 'out'), { recursive: true });
  writeFileSync(join(REPO, 'bench', 'out', `${basename(args.checkout)}-parity.json`), `${JSON.stringify({ checkout: args.checkout, steps, rows, dbtPass: dbtPass.length, smPassOfThose: both, share }, null, 2)}\n`);
  if (args.keep) console.log(`\nkept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
  return share >= 0.95 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error((e as Error).message);
    process.exitCode = 2;
  },
);
