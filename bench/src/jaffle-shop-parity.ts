/**
 * The new jaffle-shop (dbt-labs/jaffle-shop), unchanged, on dbt-core + dbt-duckdb and on sm,
 * each in its own copy and database file: `deps`, `seed` and `build` (with
 * `--vars '{load_source_data: true}'`, which its seeds need), then every model's and seed's
 * rows compared with EXCEPT ALL both ways.
 *
 *   node bench/src/jaffle-shop-parity.ts <jaffle-shop checkout> [--mirrors DIR] [--dbt PATH] [--keep]
 *
 * Its packages (two hub packages and a git one) come from local copies, packages.yml
 * untouched: DIR holds bare repositories as `<owner>+<repo>/repo` (default /work/.mirror);
 * hub packages are served from their tags by a local server in the hub's format
 * (DBT_PACKAGE_HUB_URL) and github.com URLs are redirected to DIR with git's `insteadOf`, for
 * both tools. Seeds the checkout lacks (raw_orders, raw_items are large files a mirror may
 * leave out) are generated, the same for both. Writes bench/out/jaffle-shop-parity.json; exit 0
 * when every model is built by both and identical, 1 otherwise, 2 when a tool cannot run.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startMirrorHub } from './mirror-hub.ts';
import { compareTables, duckdbProfile, findDbt, gitRedirects, hubMirrors, outcomeOf, pad, REPO, runResults, smStep, step, type StepResult } from './parity-kit.ts';
import { generateJaffleOrders } from './jaffle-data.ts';

interface Args {
  checkout: string;
  mirrors: string;
  dbt?: string | undefined;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Partial<Args> = { keep: false, mirrors: '/work/.mirror' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--dbt') a.dbt = argv[++i];
    else if (v === '--mirrors') a.mirrors = resolve(argv[++i]!);
    else if (v === '--keep') a.keep = true;
    else if (!v.startsWith('-') && !a.checkout) a.checkout = resolve(v);
    else throw new Error(`unknown argument ${v}`);
  }
  if (!a.checkout || !existsSync(join(a.checkout, 'dbt_project.yml'))) throw new Error('usage: node bench/src/jaffle-shop-parity.ts <jaffle-shop checkout> [--mirrors DIR] [--dbt PATH] [--keep]');
  return a as Args;
}

function copyProject(src: string, dest: string, db: string): string {
  cpSync(src, dest, { recursive: true, filter: (p) => !/\/(\.git|target|dbt_packages|logs)(\/|$)/.test(p.slice(src.length)) });
  writeFileSync(join(dest, 'profiles.yml'), duckdbProfile('default', db));
  return dest;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const dbt = findDbt(args.dbt);
  const scratch = mkdtempSync(join(tmpdir(), 'jaffle-shop-parity-'));
  const source = join(scratch, 'source');
  cpSync(args.checkout, source, { recursive: true, filter: (p) => !p.slice(args.checkout.length).includes('/.git') });
  const generated = generateJaffleOrders(join(source, 'seeds', 'jaffle-data'));
  if (generated.length) console.log(`generated seeds the checkout lacks: ${generated.join(', ')}`);
  const hub = await startMirrorHub(hubMirrors(args.mirrors));
  const env = { DBT_PACKAGE_HUB_URL: hub.url, ...gitRedirects(args.mirrors) };
  const vars = ['--vars', '{load_source_data: true}'];
  const dbtDir = copyProject(source, join(scratch, 'dbt'), join(scratch, 'dbt.duckdb'));
  const smDir = copyProject(source, join(scratch, 'sm'), join(scratch, 'sm.duckdb'));
  const steps: StepResult[] = [];
  try {
    steps.push(await step('dbt deps', dbt, ['deps', '--profiles-dir', '.'], dbtDir, env));
    steps.push(await step('dbt seed', dbt, ['seed', '--profiles-dir', '.', ...vars], dbtDir, env));
    steps.push(await step('dbt build', dbt, ['build', '--profiles-dir', '.', ...vars], dbtDir, env));
    steps.push(await smStep('sm deps', ['deps', '--project-dir', '.'], smDir, env));
    steps.push(await smStep('sm seed', ['seed', '--project-dir', '.', '--profiles-dir', '.', ...vars], smDir, env));
    steps.push(await smStep('sm build', ['build', '--project-dir', '.', '--profiles-dir', '.', ...vars], smDir, env));
  } finally {
    await hub.close();
  }
  for (const r of steps) console.log(`${pad(r.step, 10)} exit ${r.code} in ${r.seconds.toFixed(1)} s${r.code ? `\n  ${r.tail.split('\n').slice(-4).join('\n  ')}` : ''}`);
  const lockOf = (d: string) => (existsSync(join(d, 'package-lock.yml')) ? readFileSync(join(d, 'package-lock.yml'), 'utf8') : '');
  const sameLock = lockOf(dbtDir) === lockOf(smDir);
  console.log(`package-lock.yml: ${sameLock ? 'identical' : `differs\n--- dbt\n${lockOf(dbtDir)}--- sm\n${lockOf(smDir)}`}`);
  const manifestPath = join(dbtDir, 'target', 'manifest.json');
  if (!existsSync(manifestPath)) {
    console.error('dbt wrote no manifest');
    return 2;
  }
  const nodes = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { nodes: Record<string, { resource_type: string; schema: string; alias: string; package_name: string }> }).nodes;
  const tables = Object.entries(nodes)
    .filter(([, n]) => (n.resource_type === 'model' || n.resource_type === 'seed') && n.package_name === 'jaffle_shop')
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const diffs = compareTables(dbt, join(scratch, 'dbt.duckdb'), join(scratch, 'sm.duckdb'), tables.map(([, n]) => ({ schema: n.schema, table: n.alias })));
  const dbtRes = runResults(join(dbtDir, 'target', 'run_results.json'));
  const smRes = runResults(join(smDir, 'target', 'run_results.json'));
  console.log(`\n${pad('node', 52)} ${pad('dbt', 8)} ${pad('sm', 8)} ${pad('rows dbt/sm', 14)} ${pad('only dbt/sm', 12)} note`);
  let identical = 0;
  tables.forEach(([id], i) => {
    const d = diffs[i]!;
    const same = d.rowsDbt !== null && d.rowsDbt === d.rowsSm && d.onlyDbt === 0 && d.onlySm === 0;
    if (same && !d.note) identical++;
    console.log(`${pad(id, 52)} ${pad(outcomeOf(dbtRes.get(id)?.status), 8)} ${pad(outcomeOf(smRes.get(id)?.status), 8)} ${pad(`${d.rowsDbt ?? '-'}/${d.rowsSm ?? '-'}`, 14)} ${pad(`${d.onlyDbt ?? '-'}/${d.onlySm ?? '-'}`, 12)} ${d.note || (same ? 'identical' : 'rows differ')}`);
  });
  const testIds = [...dbtRes.keys()].filter((id) => id.startsWith('test.') || id.startsWith('unit_test.')).sort();
  const testsBoth = testIds.filter((id) => outcomeOf(dbtRes.get(id)?.status) === 'pass' && outcomeOf(smRes.get(id)?.status) === 'pass').length;
  for (const id of testIds) {
    const a = outcomeOf(dbtRes.get(id)?.status);
    const b = outcomeOf(smRes.get(id)?.status);
    if (a !== b) console.log(`${pad(id, 90)} dbt ${pad(a, 8)} sm ${pad(b, 8)} ${smRes.get(id)?.message ?? ''}`);
  }
  console.log(`\n${identical} of ${tables.length} models and seeds identical to dbt-duckdb's; tests: sm passes ${testsBoth} of the ${testIds.filter((id) => outcomeOf(dbtRes.get(id)?.status) === 'pass').length} that pass on dbt`);
  mkdirSync(join(REPO, 'bench', 'out'), { recursive: true });
  writeFileSync(join(REPO, 'bench', 'out', 'jaffle-shop-parity.json'), `${JSON.stringify({ checkout: args.checkout, generated, steps, sameLock, tables: diffs }, null, 2)}\n`);
  if (args.keep) console.log(`kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
  return identical === tables.length ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error((e as Error).message);
    process.exitCode = 2;
  },
);
