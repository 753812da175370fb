/**
 * Re-record the expectations of the Jinja parity tables from a real dbt run:
 * - packages/core/test/jinja-compat.test.ts: every case becomes a model of one dbt project (the
 *   files of packages/core/test/jinja-parity-fixture.ts), `dbt compile` renders them, and the
 *   third column of each table line is rewritten with what dbt compiled;
 * - packages/adapter-duckdb/test/introspection-parity.test.ts: the same, for templates that
 *   query the warehouse (run_query, statement, adapter.get_columns_in_relation, ...); model `a`
 *   is built first (`dbt run -s a`) so they have something to find;
 * - packages/core/test/macro-namespaces.test.ts: the project of namespace-fixture.ts (a root
 *   project and a package) is compiled, and the second column of each `[node id, sql]` line is
 *   rewritten with that node's compiled SQL.
 * A case dbt refuses is recorded as "(error) <dbt's first line>". dbt-duckdb puts the database
 * ("demo") in front of every relation, as sm does on DuckDB: dbt's output is recorded as printed.
 *
 * Usage: node scripts/record-jinja-parity.ts [path/to/dbt]   (default: bench/.venv/bin/dbt)
 * Needs dbt-core and dbt-duckdb (bench/scripts/setup-dbt.sh installs them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARITY_ENV, PARITY_FILES, PARITY_PROFILES, PARITY_PROJECT_FILE } from '../packages/core/test/jinja-parity-fixture.ts';
import { NAMESPACE_FILES } from '../packages/core/test/namespace-fixture.ts';
import { INTRO_FILES, INTRO_PROFILES, INTRO_PROJECT_FILE } from '../packages/adapter-duckdb/test/introspection-fixture.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dbt = resolve(process.argv[2] ?? join(ROOT, 'bench/.venv/bin/dbt'));
if (!existsSync(dbt)) {
  console.error(`No dbt at ${dbt}. Pass the path of a dbt executable with dbt-duckdb, or run bench/scripts/setup-dbt.sh.`);
  process.exit(2);
}

/** Table lines: each `[...],` line of a table is a JSON array. */
const LINE = /^(\s*)(\[".*\]),\s*$/;

interface Row {
  index: number;
  indent: string;
  row: string[];
}

function readTable(file: string): { lines: string[]; rows: Row[] } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const rows: Row[] = [];
  lines.forEach((l, index) => {
    const m = LINE.exec(l);
    if (m) rows.push({ index, indent: m[1]!, row: JSON.parse(m[2]!) as string[] });
  });
  const names = rows.map((r) => r.row[0]!);
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  if (dupes.length) throw new Error(`${file}: case names must be unique: ${dupes.join(', ')}`);
  return { lines, rows };
}

function writeFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sm-jinja-parity-'));
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), body);
  }
  return dir;
}

function dbtRun(dir: string, ...args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(dbt, [...args, '--profiles-dir', dir, '--project-dir', dir, '--no-partial-parse'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...PARITY_ENV, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' } });
  return { ok: r.status === 0, out: `${r.stdout}\n${r.stderr}` };
}

/** dbt's compiled SQL of a model. */
function compiled(dir: string, pkg: string, name: string): string | undefined {
  const f = join(dir, 'target/compiled', pkg, 'models', `${name}.sql`);
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : undefined;
}

function firstError(out: string): string {
  const lines = out.split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d\s+/, '').trim());
  const i = lines.findIndex((l) => /Error/.test(l));
  return i < 0 ? 'dbt failed' : lines.slice(i, i + 2).filter(Boolean).join(' ').replace(/\s+/g, ' ').slice(0, 200);
}

/** The part of dbt's output about one model. */
function sectionOf(out: string, name: string): string {
  const i = out.indexOf(`/${name}.sql`);
  return i < 0 ? out : out.slice(Math.max(0, out.lastIndexOf('\n', i)));
}

function save(file: string, lines: string[], rows: Row[], results: Map<string, string>, column: number): void {
  let changed = 0;
  for (const r of rows) {
    const got = results.get(r.row[0]!)!;
    if (r.row[column] !== got) {
      changed++;
      console.log(`${r.row[0]}: ${JSON.stringify(r.row[column])} -> ${JSON.stringify(got)}`);
    }
    r.row[column] = got;
    lines[r.index] = `${r.indent}[${r.row.map((x) => JSON.stringify(x)).join(', ')}],`;
  }
  writeFileSync(file, lines.join('\n'));
  console.log(`${file.slice(ROOT.length + 1)}: ${rows.length} cases recorded from ${dbt}; ${changed} changed.`);
}

/**
 * Each case a model of the parity project, compiled together. A case that does not parse stops
 * dbt before it compiles anything: record its error (dbt names the model), leave it out and
 * compile the rest again.
 */
function recordCases(file: string, project: Record<string, string>, buildFirst: boolean): void {
  const { lines, rows } = readTable(file);
  const results = new Map<string, string>();
  let pending = rows;
  for (;;) {
    const files: Record<string, string> = { ...project };
    for (const c of pending) files[`models/${c.row[0]}.sql`] = c.row[1]!;
    const dir = writeFiles(files);
    if (buildFirst) dbtRun(dir, 'run', '-s', 'a');
    const run = dbtRun(dir, 'compile');
    const failed = pending.filter((r) => {
      const sql = compiled(dir, 'demo', r.row[0]!);
      if (sql !== undefined) results.set(r.row[0]!, sql);
      return sql === undefined;
    });
    rmSync(dir, { recursive: true, force: true });
    if (!failed.length) break;
    const culprit = failed.find((r) => run.out.includes(`models/${r.row[0]}.sql`));
    if (failed.length < pending.length || !culprit) {
      // Parsing went through: these failed one by one at compile.
      for (const r of failed) results.set(r.row[0]!, `(error) ${firstError(sectionOf(run.out, r.row[0]!))}`);
      break;
    }
    results.set(culprit.row[0]!, `(error) ${firstError(sectionOf(run.out, culprit.row[0]!))}`);
    pending = pending.filter((r) => r !== culprit);
  }
  save(file, lines, rows, results, 2);
}

/** The namespace table: one project, every line a node of it. */
function recordNamespaces(file: string): void {
  const { lines, rows } = readTable(file);
  const dir = writeFiles(NAMESPACE_FILES);
  const run = dbtRun(dir, 'compile');
  const results = new Map<string, string>();
  for (const r of rows) {
    const [, pkg, name] = r.row[0]!.split('.') as [string, string, string];
    results.set(r.row[0]!, compiled(dir, pkg, name) ?? `(error) ${firstError(sectionOf(run.out, name))}`);
  }
  rmSync(dir, { recursive: true, force: true });
  save(file, lines, rows, results, 1);
}

recordCases(join(ROOT, 'packages/core/test/jinja-compat.test.ts'), { 'dbt_project.yml': PARITY_PROJECT_FILE, 'profiles.yml': PARITY_PROFILES, ...PARITY_FILES }, false);
recordCases(join(ROOT, 'packages/adapter-duckdb/test/introspection-parity.test.ts'), { 'dbt_project.yml': INTRO_PROJECT_FILE, 'profiles.yml': INTRO_PROFILES, ...INTRO_FILES }, true);
recordNamespaces(join(ROOT, 'packages/core/test/macro-namespaces.test.ts'));
