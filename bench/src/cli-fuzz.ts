/**
 * Differential matrix of hostile command lines and environments (cli-fuzz-cases.ts): unknown
 * commands and flags, missing values, bad selection syntax, bad --vars/--target/--profile/
 * --profiles-dir/--state/--threads/--warn-error-options/--log-format, broken profiles, unset
 * env_var(), run-operation/show/retry/clean misuse, dbt's DBT_* variables, and SIGINT/SIGTERM
 * sent mid-build. Each case runs dbt 1.11 (its real command line, a process per case) and sm
 * (`bin.ts` from this checkout's sources) on separate copies of one small project, and is the
 * same when the exit codes agree. For sm's failures it also checks the message: some text, no
 * stack trace. Signal cases also check that the interrupted table keeps its previous rows and that
 * no work relation is left, in both tools' databases. Not a test: a matrix to rerun.
 *
 *   node --conditions=smsql-source bench/src/cli-fuzz.ts [--dbt PATH] [--out DIR] [--only SUBSTRING] [--keep]
 *
 * Writes <out>/matrix.json (every case, both answers) and prints one line per case.
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLI_CASES, profileYaml, writeCliFuzzProject, type CliCase } from './cli-fuzz-cases.ts';
import { startFuzz } from './fuzz-kit.ts';
import { SM_BIN, TOOL_ENV } from './parity-kit.ts';

interface Answer { code: number; output: string; seconds: number; after?: string }
interface Row { name: string; args: string[]; env?: Record<string, string>; dbt: Answer; sm: Answer; same: boolean; problems: string[] }

function parseArgs(argv: string[]) {
  const a = { dbt: '/work/dbtvenv/bin/dbt', out: '/tmp/cli-fuzz', only: '', keep: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--dbt') a.dbt = argv[++i]!;
    else if (v === '--out') a.out = resolve(argv[++i]!);
    else if (v === '--only') a.only = argv[++i]!;
    else if (v === '--keep') a.keep = true;
    else throw new Error(`unknown argument ${v} (usage: cli-fuzz.ts [--dbt PATH] [--out DIR] [--only TEXT] [--keep])`);
  }
  return a;
}

const SIGNAL_CODES: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 };

/** One run of a tool; a signal case sends its signal once the output shows `after`, and a run still going 90 s later is killed. */
function run(cmd: string, args: string[], cwd: string, env: Record<string, string>, signal?: CliCase['signal']): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env: { ...TOOL_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let sent = false;
    const watch = (c: Buffer) => {
      chunks.push(c);
      if (signal && !sent && signal.after.test(Buffer.concat(chunks).toString('utf8'))) {
        sent = true;
        setTimeout(() => child.kill(signal.sig), signal.delayMs);
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code, sig) => {
      clearTimeout(killer);
      done({ code: code ?? 128 + (SIGNAL_CODES[sig ?? ''] ?? 0), output: Buffer.concat(chunks).toString('utf8'), seconds: (performance.now() - t0) / 1000 });
    });
  });
}

/** What the interrupted run left in a database: the slow table's rows and any work relation (read by dbt's Python DuckDB, which opens both tools' files). */
function afterSignal(python: string, db: string): string {
  const script = `
import duckdb, sys, json
c = duckdb.connect(sys.argv[1], read_only=True)
v = c.execute("select v from main.slow").fetchall()
rels = [r[0] for r in c.execute("select table_name from information_schema.tables").fetchall()]
print(json.dumps({'slow': [list(x) for x in v], 'relations': sorted(rels)}))
`;
  const r = spawnSync(python, ['-c', script, db], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : `unreadable: ${r.stderr.trim().split('\n').pop()}`;
}

const TRACE = /^\s+at .+(\(|\s)(\/|file:|node:)|THROWN|Traceback \(most recent call last\)/m;

/** What a user would miss in sm's message when it fails: any text, or a message free of a stack trace. */
function problemsOf(c: CliCase, sm: Answer): string[] {
  const problems: string[] = [];
  if (sm.code !== 0 && !sm.output.trim()) problems.push('no message');
  if (TRACE.test(sm.output)) problems.push('stack trace');
  if (c.signal && sm.after && !/"slow": \[\[1\]\]/.test(sm.after)) problems.push(`after the signal: ${sm.after}`);
  if (c.signal && sm.after && /__sm_|__dbt_tmp|__dbt_backup/.test(sm.after)) problems.push(`work relation left: ${sm.after}`);
  return problems;
}

/** The line of a tool's output that says what went wrong (the first error-like line, else the last line), timestamps dropped. */
function gist(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d(\.\d+)?\s+/, '').trim()).filter(Boolean);
  const hit = lines.find((l) => /error|invalid|not found|no such|does not|could not|must|refus|unknown|missing|usage:|interrupt|cancel/i.test(l) && !/^Running with|^Registered adapter/.test(l));
  return (hit ?? lines.at(-1) ?? '').slice(0, 200);
}

async function main(): Promise<number> {
  const a = parseArgs(process.argv.slice(2));
  const { dbt, python } = startFuzz(a.dbt, a.out);
  const chosen = CLI_CASES.filter((c) => !a.only || c.name.includes(a.only));
  const rows: Row[] = [];
  const t0 = performance.now();
  for (const [i, c] of chosen.entries()) {
    const answers = await Promise.all((['dbt', 'sm'] as const).map(async (tool) => {
      const dir = join(a.out, String(i), tool);
      writeCliFuzzProject(dir);
      writeFileSync(join(dir, 'profiles.yml'), profileYaml(dir));
      c.setup?.(dir);
      const invoke = (args: string[], env: Record<string, string>, signal?: CliCase['signal']) =>
        tool === 'dbt' ? run(dbt, args, dir, env, signal) : run(process.execPath, ['--conditions=smsql-source', SM_BIN, ...args], dir, env, signal);
      for (const b of c.before ?? []) {
        const r = await invoke([...b, '--profiles-dir', '.'], {});
        if (r.code !== 0) throw new Error(`${c.name}: ${tool} ${b.join(' ')} exited ${r.code}:\n${r.output.slice(-2000)}`);
      }
      const answer = await invoke([...c.args, ...(c.noProfilesDir ? [] : ['--profiles-dir', '.'])], c.env ?? {}, c.signal);
      if (c.signal) answer.after = afterSignal(python, join(dir, 'warehouse.duckdb'));
      return answer;
    }));
    const [d, s] = answers as [Answer, Answer];
    const row: Row = { name: c.name, args: c.args, env: c.env, dbt: d, sm: s, same: d.code === s.code, problems: problemsOf(c, s) };
    rows.push(row);
    // Written after every case, so a run cut short keeps what it found.
    writeFileSync(join(a.out, 'matrix.json'), JSON.stringify({ cases: rows.length, same: rows.filter((x) => x.same).length, rows }, null, 2));
    const mark = row.same ? 'same' : 'DIFF';
    console.log(`${mark.padEnd(4)} ${String(d.code).padStart(3)} ${String(s.code).padStart(3)}  ${c.name}${row.problems.length ? `  [sm: ${row.problems.join('; ')}]` : ''}`);
    if (!row.same || row.problems.length || process.env.CLI_FUZZ_VERBOSE) console.log(`       dbt: ${gist(d.output)}\n       sm:  ${gist(s.output)}${c.signal ? `\n       dbt after: ${d.after}\n       sm after:  ${s.after}` : ''}`);
  }
  const same = rows.filter((x) => x.same).length;
  const withProblems = rows.filter((x) => x.problems.length).length;
  console.log(`\n${rows.length} cases: ${same} same exit code, ${rows.length - same} differ; ${withProblems} sm messages with a finding (${((performance.now() - t0) / 1000).toFixed(0)} s); details in ${join(a.out, 'matrix.json')}`);
  if (!a.keep) for (const i of chosen.keys()) rmSync(join(a.out, String(i)), { recursive: true, force: true });
  return same === rows.length && !withProblems ? 0 : 1;
}

process.exitCode = await main();
