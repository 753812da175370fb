import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One timed process run. */
export interface CommandRun {
  readonly wallMs: number;
  /** Peak resident set size of the process tree's largest member, from GNU time; undefined without it. */
  readonly peakRssMb?: number;
  /** User + system CPU time from GNU time: less disturbed than wall time when the machine is busy. */
  readonly cpuMs?: number;
  readonly exitCode: number;
  /** Last lines of stdout+stderr, for the error message of a failed run. */
  readonly tail: string;
}

export interface CommandSpec {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
}

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);

/**
 * Run a command to completion and time it from spawn to exit (what a user waits for).
 * Wrapped in GNU `time -v` when present, which adds about a millisecond of fork/exec and
 * gives the peak RSS.
 */
export async function timeCommand(spec: CommandSpec): Promise<CommandRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'sm-bench-time-'));
  const timeFile = join(scratch, 'time.txt');
  const [cmd, args] = hasGnuTime ? [GNU_TIME, ['-v', '-o', timeFile, spec.cmd, ...spec.args]] : [spec.cmd, [...spec.args]];
  const started = performance.now();
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => {
      output = (output + b.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c ?? 1, output }));
  });
  const wallMs = performance.now() - started;
  let peakRssMb: number | undefined;
  let cpuMs: number | undefined;
  if (hasGnuTime && existsSync(timeFile)) {
    const text = readFileSync(timeFile, 'utf8');
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
    if (m) peakRssMb = Number(m[1]) / 1024;
    const user = /User time \(seconds\): ([\d.]+)/.exec(text);
    const sys = /System time \(seconds\): ([\d.]+)/.exec(text);
    if (user && sys) cpuMs = (Number(user[1]) + Number(sys[1])) * 1000;
  }
  rmSync(scratch, { recursive: true, force: true });
  const tail = output.trimEnd().split('\n').slice(-15).join('\n');
  return { wallMs, peakRssMb, cpuMs, exitCode: code, tail };
}

/** A command that must succeed: throws with its output tail otherwise. */
export async function timeOk(spec: CommandSpec): Promise<CommandRun> {
  const run = await timeCommand(spec);
  if (run.exitCode !== 0) {
    throw new Error(`${[spec.cmd, ...spec.args].join(' ')} (in ${spec.cwd}) exited ${run.exitCode}:\n${run.tail}`);
  }
  return run;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
