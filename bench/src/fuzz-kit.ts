/**
 * What the differential fuzzers share: a batch of dbt invocations run in one Python process
 * through dbtRunner (its startup paid once), and sm's main() run in this process on a batch of
 * argument lists with its output captured.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { findDbt, REPO, TOOL_ENV } from './parity-kit.ts';

/**
 * Run `script` in dbt's Python with an input and an output JSON-lines file (argv 1 and 2): one
 * input line per job, one output line per job. Returns the output lines read so far, so a batch
 * that died part way (a crash of the interpreter) can be resumed after the job that killed it.
 */
export function pythonBatch(python: string, work: string, script: string, jobs: unknown[], env: Record<string, string> = {}): { lines: string[]; stderr: string } {
  writeFileSync(join(work, 'dbt-batch.py'), script);
  writeFileSync(join(work, 'dbt-in.jsonl'), jobs.map((a) => JSON.stringify(a)).join('\n') + '\n');
  writeFileSync(join(work, 'dbt-out.jsonl'), '');
  // Run in the work folder: dbt writes its logs/ in the current one.
  const r = spawnSync(python, [join(work, 'dbt-batch.py'), join(work, 'dbt-in.jsonl'), join(work, 'dbt-out.jsonl')], { cwd: work, env: { ...TOOL_ENV, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const lines = existsSync(join(work, 'dbt-out.jsonl')) ? readFileSync(join(work, 'dbt-out.jsonl'), 'utf8').split('\n').filter(Boolean) : [];
  return { lines, stderr: r.stderr ?? '' };
}

export type SmMain = (argv: string[], out: { out(s: string): void; err(s: string): void }) => Promise<number>;

/** sm's main() from this checkout's sources. */
export async function loadSmMain(): Promise<SmMain> {
  return ((await import(join(REPO, 'packages', 'cli', 'src', 'main.ts'))) as { main: SmMain }).main;
}

export interface SmRun { code: number; out: string; err: string }

/** One sm invocation in this process; a throw out of main() is reported as exit -1 with its stack (sm should never throw). */
export async function runSmOnce(main: SmMain, args: string[]): Promise<SmRun> {
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } catch (e) {
    return { code: -1, out: out.join('\n'), err: `${err.join('\n')}\nTHROWN: ${(e as Error)?.stack ?? String(e)}` };
  }
}

/** A fuzzer's start: the dbt executable checked, its Python beside it, and an emptied output folder. */
export function startFuzz(dbtPath: string, out: string): { dbt: string; python: string } {
  const dbt = findDbt(dbtPath);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  return { dbt, python: join(dirname(dbt), 'python') };
}
