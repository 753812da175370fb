/**
 * The dbt projects of dbt-labs/ade-bench (shared/projects/dbt/<name>), unchanged, on dbt-core +
 * dbt-duckdb and on sm, each in its own copy and database file: `deps`, `parse`, `compile` and
 * `build`, then exit codes, each node's status, the compiled SQL and every model's rows compared.
 *
 *   node bench/src/ade-bench-parity.ts <ade-bench checkout> [project ...] [--mirrors DIR] [--dbt PATH] [--keep]
 *
 * ade-bench ships its DuckDB databases as release assets, not in git. Where a project reads a
 * Fivetran package's sources, those sources are that package's integration-test seeds (the
 * project's vars already name them `<table>_data` in `main`): each tool seeds them into its own
 * file from a copy of the package's `integration_tests` project before the build, then runs
 * `parse`, `compile`, `build` and `compile` again (models that introspect compile only once their
 * inputs exist; the compiled SQL compared is that last compile's). Projects with no such seeds
 * get `parse` and `compile` only (their models need the absent database). Compiled files are
 * counted identical as they are and with whitespace runs as one space (sm trims the whitespace
 * around compiled code, as packages/cli/README.md says).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startMirrorHub } from './mirror-hub.ts';
import { compareTables, findDbt, gitRedirects, hubMirrors, outcomeOf, pad, runResults, smStep, step, type StepResult } from './parity-kit.ts';

/** Project -> the Fivetran repository and tag whose integration-test seeds are its sources. */
const SEEDED: Record<string, { repo: string; tag: string }> = {
  asana: { repo: 'fivetran+dbt_asana_source', tag: 'v0.8.2' },
  intercom: { repo: 'fivetran+dbt_intercom_source', tag: 'v0.8.1' },
  quickbooks: { repo: 'fivetran+dbt_quickbooks_source', tag: 'v0.10.1' },
  shopify_analytics: { repo: 'fivetran+dbt_shopify_source', tag: 'v0.12.1' },
  workday: { repo: 'fivetran+dbt_workday', tag: 'v0.2.0' },
};

/** Every file under `dir`, as paths. */
const files = (dir: string): string[] =>
  existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).map((f) => join(dir, f)).filter((p) => statSync(p).isFile()) : [];

/** The integration-test project as a seed loader writing `db`: seeds and their config only, into `main`. */
function loader(mirrors: string, src: { repo: string; tag: string }, dest: string, db: string): void {
  mkdirSync(dest, { recursive: true });
  const tar = execFileSync('git', [`--git-dir=${join(mirrors, src.repo, 'repo')}`, 'archive', '--format=tar', src.tag, 'integration_tests/dbt_project.yml', 'integration_tests/seeds'], { maxBuffer: 256 << 20 });
  execFileSync('tar', ['-x', '--strip-components=1', '-C', dest], { input: tar });
  // Seeds into `main` (no custom schema); columns quoted on DuckDB too, as on Postgres (shopify's
  // transaction seed has a column named `authorization`, a DuckDB keyword).
  const project = readFileSync(join(dest, 'dbt_project.yml'), 'utf8')
    .replace(/^\s*\+schema:.*$/gm, '')
    .replaceAll("target.type in ('redshift', 'postgres')", "target.type in ('redshift', 'postgres', 'duckdb')");
  writeFileSync(join(dest, 'dbt_project.yml'), project);
  writeFileSync(join(dest, 'profiles.yml'), `integration_tests:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(db)}\n      schema: main\n`);
}

/** Whether package-lock.yml pins a fivetran_utils version with no tag in the mirror. */
function unlockable(mirrors: string, lock: string): boolean {
  if (!existsSync(lock)) return false;
  const pinned = /fivetran\/fivetran_utils\s+version:\s*([\d.]+)/.exec(readFileSync(lock, 'utf8'))?.[1];
  if (!pinned) return false;
  const tags = execFileSync('git', [`--git-dir=${join(mirrors, 'fivetran+dbt_fivetran_utils', 'repo')}`, 'tag', '--list']).toString('utf8').split('\n');
  return !tags.includes(`v${pinned}`);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let mirrors = '/work/.mirror';
  let dbtPath: string | undefined;
  let keep = false;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--mirrors') mirrors = resolve(argv[++i]!);
    else if (v === '--dbt') dbtPath = argv[++i];
    else if (v === '--keep') keep = true;
    else positional.push(v);
  }
  const checkout = resolve(positional.shift() ?? '');
  const root = join(checkout, 'shared', 'projects', 'dbt');
  if (!existsSync(root)) throw new Error('usage: node bench/src/ade-bench-parity.ts <ade-bench checkout> [project ...]');
  const projects = positional.length ? positional : readdirSync(root).filter((p) => existsSync(join(root, p, 'dbt_project.yml')));
  const dbt = findDbt(dbtPath);
  const scratch = mkdtempSync(join(tmpdir(), 'ade-bench-parity-'));
  const hub = await startMirrorHub(hubMirrors(mirrors));
  const env = { DBT_PACKAGE_HUB_URL: hub.url, ...gitRedirects(mirrors) };
  let allSame = true;
  try {
    for (const name of projects) {
      console.log(`\n=== ${name}`);
      const seeded = SEEDED[name];
      const dirs = { dbt: join(scratch, name, 'dbt'), sm: join(scratch, name, 'sm') };
      const dbFile = /path:\s*"?\.\/([^"\n]+)"?/.exec(readFileSync(join(root, name, 'profiles.yml'), 'utf8'))?.[1] ?? `${name}.duckdb`;
      const steps: StepResult[] = [];
      for (const tool of ['dbt', 'sm'] as const) {
        const dir = dirs[tool];
        cpSync(join(root, name), dir, { recursive: true });
        // A lock naming a version the mirrors lack (shopify_analytics pins fivetran_utils 0.4.11; the mirror stops at 0.4.10) fails deps in both tools: resolve afresh.
        if (seeded && unlockable(mirrors, join(dir, 'package-lock.yml'))) rmSync(join(dir, 'package-lock.yml'));
        const run = (label: string, args: string[], cwd = dir) =>
          tool === 'dbt' ? step(`${tool} ${label}`, dbt, [...args, '--profiles-dir', '.'], cwd, env) : smStep(`${tool} ${label}`, [...args, '--profiles-dir', '.'], cwd, env);
        if (existsSync(join(dir, 'packages.yml'))) steps.push(await run('deps', ['deps']));
        if (seeded) {
          loader(mirrors, seeded, `${dir}-loader`, join(dir, dbFile));
          steps.push(await run('load', ['seed'], `${dir}-loader`));
        }
        steps.push(await run('parse', ['parse']));
        steps.push(await run('compile', ['compile']));
        if (seeded) {
          // Introspecting models compile only once their inputs are built: compile again after the build.
          steps.push(await run('build', ['build']));
          if (existsSync(join(dir, 'target', 'run_results.json'))) cpSync(join(dir, 'target', 'run_results.json'), join(dir, 'build_results.json'));
          rmSync(join(dir, 'target', 'compiled'), { recursive: true, force: true });
          steps.push(await run('compile2', ['compile']));
        }
        if (existsSync(join(dir, 'target', 'compiled'))) cpSync(join(dir, 'target', 'compiled'), join(dir, 'compiled-by-compile'), { recursive: true });
        if (!seeded && existsSync(join(dir, 'target', 'run_results.json'))) cpSync(join(dir, 'target', 'run_results.json'), join(dir, 'compile_results.json'));
      }
      for (const r of steps) console.log(`${pad(r.step, 12)} exit ${r.code} in ${r.seconds.toFixed(1)} s${r.code ? `\n  ${r.tail.split('\n').slice(-3).join('\n  ')}` : ''}`);
      const exits = new Map(steps.map((s) => [s.step, s.code]));
      const exitDiffs = steps.filter((s) => s.step.startsWith('dbt ') && exits.get(`sm ${s.step.slice(4)}`) !== s.code).map((s) => `${s.step.slice(4)} dbt ${s.code} sm ${exits.get(`sm ${s.step.slice(4)}`)}`);
      // Compiled SQL from `compile`, file by file.
      const cd = join(dirs.dbt, 'compiled-by-compile');
      const cs = join(dirs.sm, 'compiled-by-compile');
      const compiled = files(cd).map((f) => relative(cd, f));
      let sameCompiled = 0;
      let sameSpaced = 0;
      const compiledDiffs: string[] = [];
      const spaced = (s: string) => s.replace(/\s+/g, ' ').trim();
      for (const f of compiled) {
        const other = join(cs, f);
        const [a, b] = [readFileSync(join(cd, f), 'utf8'), existsSync(other) ? readFileSync(other, 'utf8') : undefined];
        if (a === b) sameCompiled++;
        if (b !== undefined && spaced(a) === spaced(b)) sameSpaced++;
        else compiledDiffs.push(b !== undefined ? f : `${f} (sm wrote none)`);
      }
      const onlySm = files(cs).map((f) => relative(cs, f)).filter((f) => !existsSync(join(cd, f)));
      // Node statuses: build's when built, else compile's.
      const results = (tool: 'dbt' | 'sm') => runResults(join(dirs[tool], seeded ? 'build_results.json' : 'compile_results.json'));
      const rd = results('dbt');
      const rs = results('sm');
      const ids = [...new Set([...rd.keys(), ...rs.keys()])].sort();
      const statusDiffs = ids.filter((id) => outcomeOf(rd.get(id)?.status) !== outcomeOf(rs.get(id)?.status));
      console.log(`exit codes: ${exitDiffs.length ? exitDiffs.join('; ') : 'identical'}`);
      console.log(`statuses identical: ${ids.length - statusDiffs.length} of ${ids.length}`);
      for (const id of statusDiffs) console.log(`  ${pad(id, 80)} dbt ${pad(rd.get(id)?.status, 8)} sm ${pad(rs.get(id)?.status, 8)} ${rs.get(id)?.message ?? ''} | dbt: ${rd.get(id)?.message ?? ''}`);
      console.log(`compiled files identical: ${sameCompiled} of ${compiled.length}, whitespace runs as one space ${sameSpaced} of ${compiled.length}${onlySm.length ? ` (+${onlySm.length} only sm wrote)` : ''}`);
      for (const f of [...compiledDiffs, ...onlySm.map((f) => `${f} (only sm)`)]) console.log(`  ${f}`);
      let tablesSame = 0;
      let tableCount = 0;
      if (seeded && existsSync(join(dirs.dbt, 'target', 'manifest.json'))) {
        const manifest = JSON.parse(readFileSync(join(dirs.dbt, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { resource_type: string; schema: string; alias: string; config: { materialized?: string } }> };
        const tables = Object.entries(manifest.nodes)
          .filter(([, n]) => n.resource_type === 'model' && n.config.materialized !== 'ephemeral')
          .sort(([a], [b]) => (a < b ? -1 : 1));
        const diffs = compareTables(dbt, join(dirs.dbt, dbFile), join(dirs.sm, dbFile), tables.map(([, n]) => ({ schema: n.schema, table: n.alias })));
        tableCount = tables.length;
        tables.forEach(([id], i) => {
          const d = diffs[i]!;
          const same = d.rowsDbt !== null && d.rowsDbt === d.rowsSm && d.onlyDbt === 0 && d.onlySm === 0 && !d.note;
          if (same) tablesSame++;
          else console.log(`  ${pad(id, 70)} rows ${d.rowsDbt ?? '-'}/${d.rowsSm ?? '-'} only ${d.onlyDbt ?? '-'}/${d.onlySm ?? '-'} ${d.note}`);
        });
        console.log(`tables row-identical: ${tablesSame} of ${tableCount}`);
      }
      if (exitDiffs.length || statusDiffs.length || compiledDiffs.length || onlySm.length || tablesSame !== tableCount) allSame = false;
    }
  } finally {
    await hub.close();
  }
  if (keep) console.log(`kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
  return allSame ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error((e as Error).stack);
    process.exitCode = 2;
  },
);
