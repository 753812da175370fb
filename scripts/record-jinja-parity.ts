/**
 * Re-record the expectations of the Jinja parity tables from a real dbt run:
 * - packages/core/test/jinja-compat.test.ts: every case becomes a model of one dbt project (the
 *   files of packages/core/test/jinja-parity-fixture.ts), `dbt compile` renders them, and the
 *   third column of each table line is rewritten with what dbt compiled;
 * - packages/core/test/macro-namespaces.test.ts: the project of namespace-fixture.ts (a root
 *   project and a package) is compiled, and the second column of each `[node id, sql]` line is
 *   rewritten with that node's compiled SQL.
 * A case dbt refuses is recorded as "(error) <dbt's first line>".
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

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TABLE = join(ROOT, 'packages/core/test/jinja-compat.test.ts');
const dbt = resolve(process.argv[2] ?? join(ROOT, 'bench/.venv/bin/dbt'));
if (!existsSync(dbt)) {
  console.error(`No dbt at ${dbt}. Pass the path of a dbt executable with dbt-duckdb, or run bench/scripts/setup-dbt.sh.`);
  process.exit(2);
}

/** Table lines: each `[...],` line inside `const CASES` / `const GAPS` is a JSON array. */
const LINE = /^(\s*)(\[".*\]),\s*$/;
const text = readFileSync(TABLE, 'utf8');
const lines = text.split('\n');
const rows: { index: number; indent: string; row: string[] }[] = [];
lines.forEach((l, index) => {
  const m = LINE.exec(l);
  if (m) rows.push({ index, indent: m[1]!, row: JSON.parse(m[2]!) as string[] });
});
const names = rows.map((r) => r.row[0]!);
const dupes = names.filter((n, i) => names.indexOf(n) !== i);
if (dupes.length) throw new Error(`case names must be unique: ${dupes.join(', ')}`);

function project(cases: { row: string[] }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sm-jinja-parity-'));
  const files: Record<string, string> = { 'dbt_project.yml': PARITY_PROJECT_FILE, 'profiles.yml': PARITY_PROFILES, ...PARITY_FILES };
  for (const c of cases) files[`models/${c.row[0]}.sql`] = c.row[1]!;
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), body);
  }
  return dir;
}

function compile(dir: string, select?: string): { ok: boolean; out: string } {
  const args = ['compile', '--profiles-dir', dir, '--project-dir', dir, '--no-partial-parse', ...(select ? ['-s', select] : [])];
  const r = spawnSync(dbt, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...PARITY_ENV, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' } });
  return { ok: r.status === 0, out: `${r.stdout}\n${r.stderr}` };
}

/** dbt's compiled SQL of a case, "demo". dropped (sm leaves the default database out of relation names). */
function compiled(dir: string, name: string): string | undefined {
  const f = join(dir, 'target/compiled/demo/models', `${name}.sql`);
  return existsSync(f) ? readFileSync(f, 'utf8').replaceAll('"demo".', '').trim() : undefined;
}

function firstError(out: string): string {
  const lines = out.split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d\s+/, '').trim());
  const i = lines.findIndex((l) => /Error/.test(l));
  return i < 0 ? 'dbt failed' : lines.slice(i, i + 2).filter(Boolean).join(' ').replace(/\s+/g, ' ').slice(0, 200);
}

const results = new Map<string, string>();
// One project for the whole table. A case that does not parse stops dbt before it compiles
// anything: record its error (dbt names the model), leave it out and compile the rest again.
let pending = rows;
for (;;) {
  const dir = project(pending);
  const run = compile(dir);
  const failed: typeof rows = [];
  for (const r of pending) {
    const sql = compiled(dir, r.row[0]!);
    if (sql !== undefined) results.set(r.row[0]!, sql);
    else failed.push(r);
  }
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

/** The part of dbt's output about one model. */
function sectionOf(out: string, name: string): string {
  const i = out.indexOf(`/${name}.sql`);
  return i < 0 ? out : out.slice(Math.max(0, out.lastIndexOf('\n', i)));
}

let changed = 0;
for (const r of rows) {
  const got = results.get(r.row[0]!)!;
  if (r.row[2] !== got) {
    changed++;
    console.log(`${r.row[0]}: ${JSON.stringify(r.row[2])} -> ${JSON.stringify(got)}`);
  }
  r.row[2] = got;
  lines[r.index] = `${r.indent}[${r.row.map((x) => JSON.stringify(x)).join(', ')}],`;
}
writeFileSync(TABLE, lines.join('\n'));
console.log(`${rows.length} cases recorded from ${dbt}; ${changed} changed.`);

// The namespace table: one project, every line a node of it.
const NS_TABLE = join(ROOT, 'packages/core/test/macro-namespaces.test.ts');
const nsLines = readFileSync(NS_TABLE, 'utf8').split('\n');
const nsDir = mkdtempSync(join(tmpdir(), 'sm-namespace-parity-'));
for (const [rel, body] of Object.entries(NAMESPACE_FILES)) {
  mkdirSync(dirname(join(nsDir, rel)), { recursive: true });
  writeFileSync(join(nsDir, rel), body);
}
const nsRun = compile(nsDir);
let nsChanged = 0;
let nsCount = 0;
nsLines.forEach((l, i) => {
  const m = LINE.exec(l);
  if (!m) return;
  const row = JSON.parse(m[2]!) as string[];
  const [, pkg, name] = row[0]!.split('.') as [string, string, string];
  const file = join(nsDir, 'target/compiled', pkg, 'models', `${name}.sql`);
  const got = existsSync(file) ? readFileSync(file, 'utf8').replaceAll('"demo".', '').trim() : `(error) ${firstError(sectionOf(nsRun.out, name))}`;
  nsCount++;
  if (row[1] !== got) {
    nsChanged++;
    console.log(`${row[0]}: ${JSON.stringify(row[1])} -> ${JSON.stringify(got)}`);
  }
  nsLines[i] = `${m[1]}[${[row[0]!, got].map((x) => JSON.stringify(x)).join(', ')}],`;
});
rmSync(nsDir, { recursive: true, force: true });
writeFileSync(NS_TABLE, nsLines.join('\n'));
console.log(`${nsCount} namespace cases recorded; ${nsChanged} changed.`);
