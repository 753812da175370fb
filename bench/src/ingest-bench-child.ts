/**
 * What the ingestion benchmarks (`landing.ts`, `kafka-ingest.ts`) share: each measurement runs
 * in a child process of the same script, so that its peak RSS is its own, and reports one JSON
 * line; the parent takes `--reps N` and prints the load average beside the figures.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';

/** Runs `script --child <mode> <arg>` under this Node and parses the last line it prints. */
export function runChild<T>(script: string, mode: string, arg: string, nodeArgs: readonly string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...nodeArgs, script, '--child', mode, arg], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as T) : reject(new Error(`${mode} child exited ${code}: ${out}`))));
  });
}

/** User + system CPU time of this process (all its threads) since `start`, in ms. */
export function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** Removes `--reps N` from `args` and returns N (`fallback` when absent). */
export function takeReps(args: string[], fallback: number): number {
  const at = args.indexOf('--reps');
  const reps = at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
  if (!Number.isInteger(reps) || reps < 1) throw new Error('--reps takes a whole number of repetitions, at least 1');
  return reps;
}

export const loadAverage = (): string => loadavg().map((l) => l.toFixed(2)).join('/');
