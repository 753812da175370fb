/**
 * Differential fuzzer of bad inputs: a small valid DuckDB project (error-fuzz-project.ts) is
 * damaged one way at a time, hand-written (YAML syntax and shapes, unknown keys, missing refs,
 * cycles, duplicates, jinja errors, config()/var() misuse, --vars, broken seeds and snapshots,
 * bad tests, project versions, odd names and encodings, symlink loops, no models) and at random
 * (a line deleted, doubled, swapped, re-indented, a file cut short, a bracket or quote put in),
 * each on a fresh copy for each tool. Each tool runs `parse`, and `build` where its parse passed:
 * dbt 1.11's in one Python process through dbtRunner (exit 0 success, 1 failure, 2 exception, as
 * its command line), sm's in this process through its main(). A mutation is identical when the
 * exit codes of both steps agree. For sm's failures it also checks the message: no stack trace,
 * the file (or model) named, and the line where dbt names one. Not a test: a search.
 *
 *   node --conditions=smsql-source bench/src/error-fuzz.ts [--n 60] [--seed 1] [--dbt PATH]
 *        [--out DIR] [--only SUBSTRING[|SUBSTRING...]] [--keep]
 *
 * Writes <out>/diffs.json (every difference and message finding) and prints a summary.
 */
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadSmMain, pythonBatch, runSmOnce, startFuzz, type SmMain } from './fuzz-kit.ts';
import { HAND_MUTATIONS, PROFILE, randomMutation, writeErrorFuzzProject, type Mutation } from './error-fuzz-project.ts';
import { duckdbProfile, smStep, step } from './parity-kit.ts';
import { createRng } from './rng.ts';

/** One tool's answer to one mutation: parse's exit code, build's (when parse passed) and the message of the step that failed. */
interface Answer { parse: number; build?: number; message: string }
interface Row { name: string; file: string; args: string[]; dbt: Answer; sm: Answer; same: boolean; problems: string[] }

const DBT_BATCH = `
import sys, json
from dbt.cli.main import dbtRunner
r = dbtRunner()
out = open(sys.argv[2], 'a')
def run(args):
    try:
        res = r.invoke(args)
    except BaseException as e:
        return -1, 'THROWN ' + type(e).__name__ + ': ' + str(e)
    code = 0 if res.success else (2 if res.exception is not None else 1)
    msg = ''
    if res.exception is not None:
        msg = type(res.exception).__name__ + ': ' + str(res.exception)
    elif not res.success and res.result is not None and hasattr(res.result, 'results'):
        msg = '\\n'.join(str(x.node.unique_id) + ': ' + str(x.message) for x in res.result.results if str(x.status) in ('error', 'fail', 'runtime error'))
    return code, msg[:1500]
for line in open(sys.argv[1]):
    job = json.loads(line)
    common = ['--project-dir', job['dir'], '--profiles-dir', job['dir']]
    p, pm = run(['parse', '--no-partial-parse', *common, *job['args']])
    answer = {'parse': p, 'message': pm}
    if p == 0:
        b, bm = run(['build', *common, *job['args']])
        answer['build'] = b
        answer['message'] = bm
    out.write(json.dumps(answer) + '\\n')
    out.flush()
`;

function parseArgs(argv: string[]) {
  const a = { n: 60, seed: 1, dbt: '/work/dbtvenv/bin/dbt', out: '/tmp/error-fuzz', only: '', keep: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--n') a.n = Number(argv[++i]);
    else if (v === '--seed') a.seed = Number(argv[++i]);
    else if (v === '--dbt') a.dbt = argv[++i]!;
    else if (v === '--out') a.out = resolve(argv[++i]!);
    else if (v === '--only') a.only = argv[++i]!;
    else if (v === '--keep') a.keep = true;
    else throw new Error(`unknown argument ${v} (usage: error-fuzz.ts [--n N] [--seed S] [--dbt PATH] [--out DIR] [--only TEXT] [--keep])`);
  }
  return a;
}

/** dbt's answers for every job, one Python process at a time: a job that kills the interpreter is recorded as exit -1 and the batch goes on after it. */
function runDbt(python: string, work: string, jobs: { dir: string; args: string[] }[]): Answer[] {
  const answers: Answer[] = [];
  while (answers.length < jobs.length) {
    const { lines, stderr } = pythonBatch(python, work, DBT_BATCH, jobs.slice(answers.length));
    answers.push(...lines.map((l) => JSON.parse(l) as Answer));
    if (answers.length < jobs.length) answers.push({ parse: -1, message: `the Python process died: ${stderr.slice(-600)}` });
  }
  return answers;
}

async function runSm(main: SmMain, dir: string, args: string[]): Promise<Answer> {
  const common = ['--project-dir', dir, '--profiles-dir', dir, ...args];
  const p = await runSmOnce(main, ['parse', ...common]);
  if (p.code !== 0) return { parse: p.code, message: `${p.err}\n${p.out}`.trim() };
  const b = await runSmOnce(main, ['build', ...common]);
  return { parse: 0, build: b.code, message: b.code ? `${b.err}\n${b.out}`.trim() : '' };
}

/**
 * What a user would miss in sm's message: a stack trace, no text, or none of the files dbt's
 * message names (nor the damaged file or its model), or no line where dbt gives one.
 */
function messageProblems(mu: Mutation, dbt: Answer, sm: Answer): string[] {
  const failed = sm.parse !== 0 || (sm.build ?? 0) !== 0;
  if (!failed) return [];
  const problems: string[] = [];
  const text = sm.message;
  if (/THROWN|\n\s+at .+:\d+:\d+\)?$/m.test(text)) problems.push('stack trace');
  if (!text.trim()) problems.push('no message');
  const named = [...new Set([...(mu.file && mu.file !== 'models' ? [mu.file] : []), ...(dbt.message.match(/[\w./-]+\.(sql|yml|csv|md)\b/g) ?? [])])].map((f) => basename(f));
  if (named.length && !named.some((f) => text.includes(f) || text.includes(f.replace(/\.[^.]+$/, '')))) problems.push(`names none of ${named.join(', ')}`);
  if (/line \d+/.test(dbt.message) && !/\.(sql|yml|csv|md):\d+|line \d+/.test(text)) problems.push('no line (dbt gives one)');
  return problems;
}

const exitClass = (x: Answer) => `parse ${x.parse}${x.build === undefined ? '' : `, build ${x.build}`}`;

async function main(): Promise<number> {
  const a = parseArgs(process.argv.slice(2));
  const { dbt, python } = startFuzz(a.dbt, a.out);
  // One installed copy per tool (deps of the local package run once); each mutation copies it.
  const base = { dbt: join(a.out, 'base-dbt'), sm: join(a.out, 'base-sm') };
  for (const tool of ['dbt', 'sm'] as const) {
    writeErrorFuzzProject(base[tool]);
    const d = tool === 'dbt' ? await step('dbt deps', dbt, ['deps', '--profiles-dir', '.'], base.dbt) : await smStep('sm deps', ['deps', '--project-dir', '.'], base.sm);
    if (d.code) throw new Error(`${tool} deps failed:\n${d.tail}`);
  }
  const r = createRng(a.seed);
  const mutations = [...HAND_MUTATIONS, ...Array.from({ length: a.n }, (_, i) => randomMutation(base.sm, r, i + 1))];
  const chosen = [{ name: 'unchanged', file: '', apply: () => {} } as Mutation, ...mutations].filter((x) => !a.only || a.only.split('|').some((o) => x.name.includes(o)));
  const dirs = chosen.map((mu, i) => {
    const pair = { dbt: join(a.out, 'm', String(i), 'dbt'), sm: join(a.out, 'm', String(i), 'sm') };
    for (const tool of ['dbt', 'sm'] as const) {
      cpSync(base[tool], pair[tool], { recursive: true, dereference: true, filter: (p) => !/\/(target|logs)$/.test(p) });
      writeFileSync(join(pair[tool], 'profiles.yml'), duckdbProfile(PROFILE, join(pair[tool], 'warehouse.duckdb'), 1));
      mu.apply(pair[tool]);
    }
    return pair;
  });
  const t0 = performance.now();
  const dbtAnswers = runDbt(python, a.out, chosen.map((mu, i) => ({ dir: dirs[i]!.dbt, args: mu.args ?? [] })));
  const t1 = performance.now();
  const smMain = await loadSmMain();
  const rows: Row[] = [];
  for (const [i, mu] of chosen.entries()) {
    const sm = await runSm(smMain, dirs[i]!.sm, mu.args ?? []);
    const d = dbtAnswers[i]!;
    rows.push({ name: mu.name, file: mu.file, args: mu.args ?? [], dbt: d, sm, same: exitClass(d) === exitClass(sm), problems: messageProblems(mu, d, sm) });
  }
  const t2 = performance.now();
  const same = rows.filter((x) => x.same).length;
  const withProblems = rows.filter((x) => x.problems.length);
  writeFileSync(join(a.out, 'diffs.json'), JSON.stringify({ mutations: rows.length, identicalExitClass: same, messageFindings: withProblems.length, rows: rows.filter((x) => !x.same || x.problems.length), all: rows.map((x) => ({ name: x.name, dbt: exitClass(x.dbt), sm: exitClass(x.sm) })) }, null, 2));
  const first = (s: string) => s.split('\n').find((l) => l.trim())?.trim().slice(0, 220) ?? '';
  for (const x of rows.filter((y) => !y.same)) {
    console.log(`\n[exit] ${x.name}${x.args.length ? ` ${x.args.join(' ')}` : ''}\n  dbt ${exitClass(x.dbt)}: ${first(x.dbt.message)}\n  sm  ${exitClass(x.sm)}: ${first(x.sm.message)}`);
  }
  for (const x of withProblems) console.log(`\n[message] ${x.name}: ${x.problems.join('; ')}\n  sm: ${first(x.sm.message)}\n  dbt: ${first(x.dbt.message)}`);
  console.log(`\n${rows.length} mutations: ${same} identical exit class, ${rows.length - same} differ; ${withProblems.length} sm messages with a finding (dbt ${((t1 - t0) / 1000).toFixed(0)} s, sm ${((t2 - t1) / 1000).toFixed(0)} s); details in ${join(a.out, 'diffs.json')}`);
  if (!a.keep) rmSync(join(a.out, 'm'), { recursive: true, force: true });
  return same === rows.length && !withProblems.length ? 0 : 1;
}

process.exitCode = await main();
