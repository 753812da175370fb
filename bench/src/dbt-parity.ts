/**
 * Proves that the Streamify project means the same thing to sm and to dbt-core:
 * the same landed events are built by both, then every model and seed is compared
 * (columns, row count, rows via EXCEPT ALL both ways), `ls --output name` is compared for a
 * list of selection expressions, and the compiled SQL of every model is compared.
 *
 *   node bench/src/dbt-parity.ts [--users N] [--keep] [--data-only]
 *
 * dbt comes from bench/.venv (bench/scripts/setup-dbt.sh) when it runs, else from a venv
 * created in $TMPDIR/dbt-parity-venv. Writes bench/out/dbt-parity.json; exits 1 on any
 * difference (data, selection or compiled SQL; with --data-only, on data only), 2 when a tool
 * cannot run. Compiled SQL must be identical, dbt-duckdb's database qualifier ("streamify".)
 * included (sm prints it too since 7 Dec 2026; the report still says when only it differs).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { compareTables } from './parity-kit.ts';

const REPO = join(import.meta.dirname, '..', '..');
const PROJECT = join(REPO, 'project');
/** The built CLI (`pnpm build`), as users run it. */
const SM_BIN = join(REPO, 'packages', 'cli', 'dist', 'bin.js');
/** Same pins as bench/scripts/setup-dbt.sh (checked with `pip index versions`): 1.11.16 is the newest 1.x that installs from PyPI alone. */
const DBT_CORE = '1.11.16';
const DBT_DUCKDB = '1.11.1';

const SELECTIONS = [
  '+wide_streams',
  'dim_users+',
  '@fact_streams',
  'tag:staging',
  'path:models/marts',
  'config.materialized:incremental',
  'test_type:singular',
  'source:eventsim+',
  'resource_type:seed',
];

const ENV: Record<string, string> = {
  ...(process.env as Record<string, string>),
  SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
  SF_TELEMETRY_DISABLE_CONNECTION_SHAPE: '1',
  DBT_SEND_ANONYMOUS_USAGE_STATS: 'False',
  DO_NOT_TRACK: '1',
  DBT_VERSION_CHECK: 'False',
  NO_COLOR: '1',
};

interface Args {
  users: number;
  keep: boolean;
  dataOnly: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { users: 300, keep: false, dataOnly: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--users') a.users = Number(argv[++i]);
    else if (argv[i] === '--keep') a.keep = true;
    else if (argv[i] === '--data-only') a.dataOnly = true;
    else throw new Error(`unknown argument ${argv[i]}; usage: node bench/src/dbt-parity.ts [--users N] [--keep] [--data-only]`);
  }
  if (!Number.isInteger(a.users) || a.users < 1) throw new Error('--users must be a whole number of 1 or more');
  return a;
}

class ToolError extends Error {}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new ToolError(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}:\n${out}`);
  }
  return r.stdout;
}

/** A working dbt with dbt-duckdb: the shared bench venv, or our own outside the repo. */
function findDbt(scratch: string): string {
  const shared = join(REPO, 'bench', '.venv', 'bin', 'dbt');
  if (existsSync(shared) && spawnSync(shared, ['--version'], { env: ENV }).status === 0) return shared;
  const venv = join(tmpdir(), 'dbt-parity-venv');
  const bin = join(venv, 'bin', 'dbt');
  if (!(existsSync(bin) && spawnSync(bin, ['--version'], { env: ENV }).status === 0)) {
    console.log(`bench/.venv has no working dbt; creating ${venv} (dbt-core ${DBT_CORE}, dbt-duckdb ${DBT_DUCKDB})`);
    run('python3', ['-m', 'venv', venv], scratch);
    run(join(venv, 'bin', 'pip'), ['install', '--quiet', `dbt-core==${DBT_CORE}`, `dbt-duckdb==${DBT_DUCKDB}`], scratch);
  }
  return bin;
}

/** A copy of the project with only what both tools read; `projectFile` names the project YAML. */
function copyProject(dest: string, projectFile: string, dbPath: string): void {
  mkdirSync(dest, { recursive: true });
  for (const d of ['macros', 'models', 'seeds', 'tests', 'snapshots']) if (existsSync(join(PROJECT, d))) cpSync(join(PROJECT, d), join(dest, d), { recursive: true });
  cpSync(join(PROJECT, 'streamify.yml'), join(dest, projectFile));
  // The same profile name and schema as project/profiles.yml's dev target, another file.
  writeFileSync(join(dest, 'profiles.yml'), `streamify:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(dbPath)}\n      schema: main\n      threads: 4\n`);
}

interface ModelRow {
  id: string;
  relation: string;
  rowsSm: number | null;
  rowsDbt: number | null;
  columnsSm: string[];
  columnsDbt: string[];
  onlySm: number | null;
  onlyDbt: number | null;
  identical: boolean;
  note?: string;
}

interface ManifestNode {
  resource_type: string;
  name: string;
  schema: string;
  alias: string;
  config?: { materialized?: string; location?: string };
  original_file_path: string;
}

function manifestNodes(dir: string): Record<string, ManifestNode> {
  return (JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, ManifestNode> }).nodes;
}

/**
 * Every model, seed and snapshot of either manifest, compared in dbt's Python DuckDB (which reads
 * sm's file too; sm's DuckDB cannot read a file dbt-duckdb's DuckDB 2.x has written). An external
 * model is compared by its Parquet files (its view reads them by a path relative to its project).
 */
function compareData(dbt: string, smDir: string, dbtDir: string, smDb: string, dbtDb: string, dbtNodes: Record<string, ManifestNode>, smNodes: Record<string, ManifestNode>): ModelRow[] {
  const built = (nodes: Record<string, ManifestNode>) => Object.keys(nodes).filter((id) => ['model', 'seed', 'snapshot'].includes(nodes[id]!.resource_type) && nodes[id]!.config?.materialized !== 'ephemeral');
  const ids = [...new Set([...built(dbtNodes), ...built(smNodes)])].sort();
  const parquet = (dir: string, n: ManifestNode) => {
    const loc = join(dir, n.config!.location!);
    return `read_parquet(${sqlString(loc.endsWith('.parquet') ? loc : `${loc}/**/*.parquet`)}, hive_partitioning = true, union_by_name = true)`;
  };
  const both = ids.filter((id) => dbtNodes[id] && smNodes[id]);
  const diffs = compareTables(
    dbt,
    dbtDb,
    smDb,
    both.map((id) => {
      const d = dbtNodes[id]!;
      const s = smNodes[id]!;
      const external = d.config?.materialized === 'external' && s.config?.materialized === 'external' && d.config.location && s.config.location;
      return { schema: d.schema, table: d.alias, ...(external ? { dbtFrom: parquet(dbtDir, d), smFrom: parquet(smDir, s) } : {}) };
    }),
  );
  return ids.map((id) => {
    const d = dbtNodes[id];
    const s = smNodes[id];
    const rel = d ?? s!;
    const row: ModelRow = { id, relation: `${rel.schema}.${rel.alias}`, rowsSm: null, rowsDbt: null, columnsSm: [], columnsDbt: [], onlySm: null, onlyDbt: null, identical: false };
    if (!d || !s) return { ...row, note: d ? 'missing in sm manifest' : 'missing in dbt manifest' };
    const t = diffs[both.indexOf(id)]!;
    const relNote = s.schema !== d.schema || s.alias !== d.alias ? `relation differs: sm ${s.schema}.${s.alias}, dbt ${d.schema}.${d.alias}` : '';
    const note = [relNote, t.note].filter(Boolean).join('; ');
    const out: ModelRow = { ...row, rowsSm: t.rowsSm, rowsDbt: t.rowsDbt, onlySm: t.onlySm, onlyDbt: t.onlyDbt, ...(note ? { note } : {}) };
    out.identical = out.rowsSm === out.rowsDbt && out.onlySm === 0 && out.onlyDbt === 0 && !note;
    return out;
  });
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

interface SelectionDiff {
  expr: string;
  sm: string[];
  dbt: string[];
  onlySm: string[];
  onlyDbt: string[];
  identical: boolean;
}

function lsNames(out: string): string[] {
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^\d\d:\d\d:\d\d\s/.test(l))
    .sort();
}

function compareSelections(smDir: string, dbtDir: string, dbt: string): SelectionDiff[] {
  return SELECTIONS.map((expr) => {
    const sm = lsNames(run(process.execPath, [SM_BIN, 'ls', '--output', 'name', '-s', expr, '--project-dir', smDir, '--profiles-dir', smDir], smDir));
    const d = lsNames(run(dbt, ['ls', '--quiet', '--output', 'name', '-s', expr, '--profiles-dir', dbtDir], dbtDir));
    const onlySm = sm.filter((n) => !d.includes(n));
    const onlyDbt = d.filter((n) => !sm.includes(n));
    return { expr, sm, dbt: d, onlySm, onlyDbt, identical: !onlySm.length && !onlyDbt.length };
  });
}

interface CompileDiff {
  file: string;
  identical: boolean;
  /** Identical once dbt-duckdb's database qualifier ("streamify".) is dropped. */
  identicalWithoutDatabase: boolean;
  firstDifference?: { sm: string; dbt: string };
}

function walkSql(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walkSql(p));
    else if (p.endsWith('.sql')) out.push(p);
  }
  return out;
}

const normalise = (s: string) => s.replace(/\s+/g, ' ').trim();

function compareCompiled(smDir: string, dbtDir: string): CompileDiff[] {
  const root = (d: string) => join(d, 'target', 'compiled', 'streamify', 'models');
  const files = walkSql(root(dbtDir))
    .map((f) => relative(root(dbtDir), f))
    .filter((f) => !f.includes('.yml/'))
    .sort();
  return files.map((file) => {
    const smPath = join(root(smDir), file);
    if (!existsSync(smPath)) return { file, identical: false, identicalWithoutDatabase: false, firstDifference: { sm: '(no file)', dbt: '' } };
    const a = normalise(readFileSync(smPath, 'utf8'));
    const b = normalise(readFileSync(join(root(dbtDir), file), 'utf8'));
    const bNoDb = b.replace(/"streamify"\./g, '');
    const res: CompileDiff = { file, identical: a === b, identicalWithoutDatabase: a === bNoDb };
    if (!res.identicalWithoutDatabase) {
      let i = 0;
      while (i < a.length && a[i] === bNoDb[i]) i++;
      res.firstDifference = { sm: a.slice(Math.max(0, i - 40), i + 80), dbt: bNoDb.slice(Math.max(0, i - 40), i + 80) };
    }
    return res;
  });
}

function pad(s: string | number | null, n: number): string {
  return String(s ?? '-').padEnd(n);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'sm-dbt-parity-'));
  const smDir = join(work, 'sm');
  const dbtDir = join(work, 'dbt');
  // Both files are named streamify.duckdb so that dbt-duckdb's database name is the same on both sides.
  const smDb = join(smDir, 'streamify.duckdb');
  const dbtDb = join(dbtDir, 'streamify.duckdb');
  try {
    const dbt = findDbt(work);
    const dbtVersion = run(dbt, ['--version'], work);
    copyProject(smDir, 'streamify.yml', smDb);
    copyProject(dbtDir, 'dbt_project.yml', dbtDb);
    const sm = (...a: string[]) => run(process.execPath, [SM_BIN, ...a, '--project-dir', smDir, ...(a[0] === 'ingest' && a[1] === 'generate' ? [] : ['--profiles-dir', smDir])], smDir);
    const lake = join(work, 'lake');
    console.log(sm('ingest', 'generate', '--users', String(args.users), '--start', '2026-11-01', '--end', '2026-11-02', '--seed', '42', '--out', lake).split('\n')[0]);
    console.log(sm('ingest', 'load', '--lake', lake).split('\n')[0]);
    // Land once, copy the file: both tools start from byte-identical raw tables.
    cpSync(smDb, dbtDb);
    // Compile before building: dbt's compile introspects, and an existing incremental table would make is_incremental() true.
    sm('compile');
    run(dbt, ['compile', '--quiet', '--profiles-dir', dbtDir], dbtDir);
    // dbt-duckdb does not create the parent folder of an external model's location; sm does.
    for (const n of Object.values(manifestNodes(dbtDir))) if (n.config?.materialized === 'external' && n.config.location) mkdirSync(dirname(join(dbtDir, n.config.location)), { recursive: true });
    const compiled = compareCompiled(smDir, dbtDir);
    const tBuild = performance.now();
    sm('build');
    const smBuildMs = performance.now() - tBuild;
    const tDbt = performance.now();
    run(dbt, ['seed', '--profiles-dir', dbtDir], dbtDir);
    run(dbt, ['build', '--profiles-dir', dbtDir], dbtDir);
    const dbtBuildMs = performance.now() - tDbt;
    const models = compareData(dbt, smDir, dbtDir, smDb, dbtDb, manifestNodes(dbtDir), manifestNodes(smDir));
    const selections = compareSelections(smDir, dbtDir, dbt);

    console.log(`\n${dbtVersion.split('\n').filter((l) => /installed|duckdb:/.test(l)).map((l) => l.trim()).join(', ')}; ${args.users} users, one day of events\n`);
    const w = Math.max(...models.map((m) => m.id.length)) + 2;
    console.log(`${pad('node', w)}${pad('rows sm', 10)}${pad('rows dbt', 10)}identical?`);
    for (const m of models) console.log(`${pad(m.id, w)}${pad(m.rowsSm, 10)}${pad(m.rowsDbt, 10)}${m.identical ? 'yes' : `NO${m.onlySm !== null ? ` (${m.onlySm} rows only in sm, ${m.onlyDbt} only in dbt)` : ''}${m.note ? `: ${m.note}` : ''}`}`);
    console.log(`\nselection (ls --output name):`);
    for (const s of selections) {
      console.log(`  ${pad(s.expr, 34)}${s.identical ? `same (${s.sm.length})` : `DIFFERENT: sm ${s.sm.length}, dbt ${s.dbt.length}`}`);
      for (const n of s.onlySm) console.log(`      only sm:  ${n}`);
      for (const n of s.onlyDbt) console.log(`      only dbt: ${n}`);
    }
    console.log(`\ncompiled SQL (whitespace-normalised):`);
    for (const c of compiled) {
      console.log(`  ${pad(c.file, 40)}${c.identical ? 'identical' : c.identicalWithoutDatabase ? 'identical but for dbt-duckdb\'s "streamify". database qualifier' : 'DIFFERENT'}`);
      if (c.firstDifference) console.log(`      sm:  …${c.firstDifference.sm}…\n      dbt: …${c.firstDifference.dbt}…`);
    }
    console.log(`\nbuild wall time: sm ${(smBuildMs / 1000).toFixed(1)}s, dbt seed+build ${(dbtBuildMs / 1000).toFixed(1)}s`);

    const dataOk = models.every((m) => m.identical);
    const otherOk = selections.every((s) => s.identical) && compiled.every((c) => c.identical);
    const out = join(REPO, 'bench', 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'dbt-parity.json'),
      JSON.stringify({ generatedAt: new Date().toISOString(), dbt: dbtVersion.trim(), users: args.users, dataIdentical: dataOk, models, selections, compiled, smBuildMs, dbtBuildMs }, null, 2) + '\n',
    );
    console.log(`wrote bench/out/dbt-parity.json${args.keep ? `; work dir kept: ${work}` : ''}`);
    if (!dataOk) console.error('DATA DIFFERS between sm and dbt');
    return !dataOk || (!args.dataOnly && !otherOk) ? 1 : 0;
  } finally {
    if (!args.keep) rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    console.error(e instanceof ToolError ? e.message : e.stack);
    process.exitCode = 2;
  },
);
