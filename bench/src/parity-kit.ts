/**
 * What the side-by-side scripts of real dbt projects share (dbt-utils' integration tests,
 * jaffle-shop): running dbt-core and sm on separate copies and database files, reading each
 * tool's run_results.json into per-node outcomes, and comparing built tables with EXCEPT ALL
 * both ways. The comparison runs in dbt's own Python DuckDB (2.x), which reads sm's files too,
 * where sm's Node DuckDB cannot open the files dbt-duckdb writes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');
export const SM_BIN = join(REPO, 'packages', 'cli', 'src', 'bin.ts');

export const TOOL_ENV: Record<string, string> = {
  ...(process.env as Record<string, string>),
  DBT_SEND_ANONYMOUS_USAGE_STATS: 'False',
  DO_NOT_TRACK: '1',
  NO_COLOR: '1',
};

/** The dbt executable: `--dbt PATH`, else bench/.venv (made by bench/scripts/setup-dbt.sh). */
export function findDbt(explicit: string | undefined): string {
  const bin = explicit ?? join(REPO, 'bench', '.venv', 'bin', 'dbt');
  if (!existsSync(bin) || spawnSync(bin, ['--version'], { env: TOOL_ENV }).status !== 0) {
    throw new Error(`No working dbt at ${bin}: run bench/scripts/setup-dbt.sh, or pass --dbt PATH to a dbt with dbt-duckdb.`);
  }
  return bin;
}

export interface StepResult {
  step: string;
  code: number;
  seconds: number;
  /** The last lines the tool printed, for the report. */
  tail: string;
}

/**
 * Run one tool step; never throws on a non-zero exit (a failing step is a result). Asynchronous,
 * so a server in this process (the mirror hub) keeps answering while the tool runs.
 */
export function step(name: string, cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<StepResult> {
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env: { ...TOOL_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('close', (code, signal) => {
      const out = Buffer.concat(chunks).toString('utf8').trim().split('\n');
      done({ step: name, code: code ?? (signal ? 128 : 1), seconds: (performance.now() - t0) / 1000, tail: out.slice(-12).join('\n') });
    });
  });
}

/** sm from this checkout's sources (no build needed). */
export const smStep = (name: string, args: string[], cwd: string, env: Record<string, string> = {}) => step(name, process.execPath, ['--conditions=smsql-source', SM_BIN, ...args], cwd, env);

/** What a node's outcome counts as: dbt's statuses `success`/`pass`, `no-op` (an exposure in build) and `warn` (which does not fail a build) are a pass. */
export type Outcome = 'pass' | 'fail' | 'error' | 'skipped' | 'absent';

export function outcomeOf(status: string | undefined): Outcome {
  if (status === undefined) return 'absent';
  if (status === 'success' || status === 'pass' || status === 'warn' || status === 'no-op') return 'pass';
  if (status === 'fail') return 'fail';
  if (status === 'skipped') return 'skipped';
  return 'error';
}

/** unique_id -> status and message from a run_results.json; empty when the file is absent. */
export function runResults(path: string): Map<string, { status: string; message: string }> {
  const out = new Map<string, { status: string; message: string }>();
  if (!existsSync(path)) return out;
  const rr = JSON.parse(readFileSync(path, 'utf8')) as { results: { unique_id: string; status: string; message?: string | null }[] };
  for (const r of rr.results) out.set(r.unique_id, { status: r.status, message: (r.message ?? '').split('\n')[0]!.slice(0, 160) });
  return out;
}

/** A table compared across the two databases: rows on each side, rows only on one side, and why not identical. */
export interface TableDiff {
  relation: string;
  rowsDbt: number | null;
  rowsSm: number | null;
  onlyDbt: number | null;
  onlySm: number | null;
  note: string;
}

/**
 * Compare `schema.table` pairs between dbt's and sm's DuckDB files in dbt's Python: column
 * names in order, row counts, and EXCEPT ALL both ways (duplicates count).
 */
export function compareTables(dbt: string, dbtDb: string, smDb: string, relations: { schema: string; table: string; dbtFrom?: string; smFrom?: string }[]): TableDiff[] {
  const python = join(dirname(dbt), 'python');
  const script = `
import duckdb, json, sys
rels = json.loads(sys.argv[3])
import os
con = duckdb.connect()
# sm's file under its own name: its views name their relations with it (as ref() prints them;
# DuckDB 1.5's node binding keeps that catalog in a view's SQL), so they read only under that name.
SM = os.path.splitext(os.path.basename(sys.argv[2]))[0]
for path, alias in ((sys.argv[1], 'dbt_db'), (sys.argv[2], SM)):
    # A tool that built nothing left no file: compare against an empty database.
    con.execute("attach '" + (path if os.path.exists(path) else ':memory:').replace("'", "''") + "' as " + alias + (' (read_only)' if os.path.exists(path) else ''))
def q(s): return '"' + s.replace('"', '""') + '"'
def cols(db, s, t, frm):
    # A relation given as a FROM clause (an external model's Parquet files): its columns as DuckDB reads them.
    if frm:
        try:
            return [r[0] + ' ' + r[1] for r in con.execute('describe select * from ' + frm).fetchall()]
        except Exception:
            return []
    return [r[0] + ' ' + r[1] for r in con.execute("select column_name, data_type from information_schema.columns where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position", [db, s, t]).fetchall()]
out = []
for r in rels:
    s, t = r['schema'], r['table']
    d = {'relation': s + '.' + t, 'rowsDbt': None, 'rowsSm': None, 'onlyDbt': None, 'onlySm': None, 'note': ''}
    out.append(d)
    cd, cs = cols('dbt_db', s, t, r.get('dbtFrom')), cols(SM, s, t, r.get('smFrom'))
    if not cd or not cs:
        d['note'] = ('dbt' if not cd else 'sm') + ' did not build it'
        continue
    a, b = r.get('dbtFrom') or 'dbt_db.' + q(s) + '.' + q(t), r.get('smFrom') or q(SM) + '.' + q(s) + '.' + q(t)
    d['rowsDbt'] = con.execute('select count(*) from ' + a).fetchone()[0]
    d['rowsSm'] = con.execute('select count(*) from ' + b).fetchone()[0]
    if [c.split(' ')[0].lower() for c in cd] != [c.split(' ')[0].lower() for c in cs]:
        d['note'] = 'columns differ: dbt [' + ', '.join(cd) + '] sm [' + ', '.join(cs) + ']'
        continue
    if cd != cs:
        d['note'] = 'column types differ: ' + ', '.join(x + ' (sm ' + y.split(' ', 1)[1] + ')' for x, y in zip(cd, cs) if x != y)
    try:
        d['onlyDbt'] = con.execute('select count(*) from (select * from ' + a + ' except all select * from ' + b + ')').fetchone()[0]
        d['onlySm'] = con.execute('select count(*) from (select * from ' + b + ' except all select * from ' + a + ')').fetchone()[0]
    except Exception as e:
        d['note'] = (d['note'] + '; ' if d['note'] else '') + 'not comparable: ' + str(e).split('\\n')[0]
print(json.dumps(out))
`;
  const r = spawnSync(python, ['-c', script, dbtDb, smDb, JSON.stringify(relations)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`comparing tables in ${python} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as TableDiff[];
}

/** A DuckDB profile for one tool's copy: `profile` name, one target writing `path`. */
export function duckdbProfile(profile: string, path: string, threads = 4): string {
  return `${profile}:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n      path: ${JSON.stringify(path)}\n      threads: ${threads}\n`;
}

export function pad(s: string | number | null | undefined, n: number): string {
  const t = String(s ?? '');
  return t.length >= n ? t : t + ' '.repeat(n - t.length);
}

/** Hub package `namespace/name` -> its mirror (`namespace+name` with dashes, as GitHub repositories are named). */
export function hubMirrors(mirrors: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of readdirSync(mirrors)) {
    const [owner, repo] = d.split('+');
    if (!owner || !repo || !existsSync(join(mirrors, d, 'repo'))) continue;
    const name = repo.replace(/-/g, '_');
    out[`${owner}/${name}`] = join(mirrors, d, 'repo');
    // The hub names some packages without their repository's `dbt_` (fivetran/dbt_fivetran_utils is fivetran/fivetran_utils).
    if (name.startsWith('dbt_')) out[`${owner}/${name.slice(4)}`] ??= join(mirrors, d, 'repo');
  }
  return out;
}

/** git's `insteadOf` for every mirror, through the environment (GIT_CONFIG_COUNT), so packages.yml stays as it is. */
export function gitRedirects(mirrors: string): Record<string, string> {
  const env: Record<string, string> = {};
  let n = 0;
  for (const d of readdirSync(mirrors)) {
    const [owner, repo] = d.split('+');
    if (!owner || !repo || !existsSync(join(mirrors, d, 'repo'))) continue;
    for (const from of [`https://github.com/${owner}/${repo}.git`, `https://github.com/${owner}/${repo}`]) {
      env[`GIT_CONFIG_KEY_${n}`] = `url.file://${join(mirrors, d, 'repo')}.insteadOf`;
      env[`GIT_CONFIG_VALUE_${n}`] = from;
      n++;
    }
  }
  env.GIT_CONFIG_COUNT = String(n);
  return env;
}
