import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandSpec } from './measure.ts';

/** A tool the benchmark compares, or why it cannot run on this machine. */
export type Tool =
  | { readonly available: true; readonly name: string; readonly version: string; command(args: string[], cwd: string): CommandSpec }
  | { readonly available: false; readonly name: string; readonly reason: string };

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const BENCH_DIR = join(REPO_ROOT, 'bench');

/** No telemetry calls home during a timed run (the network is closed here, and a timeout would be measured). */
const DBT_ENV = { DBT_SEND_ANONYMOUS_USAGE_STATS: 'False', DO_NOT_TRACK: '1', DBT_VERSION_CHECK: 'False', DBT_PARTIAL_PARSE: 'True' };
/** snowflake-sdk probes cloud metadata on import; the CLI may load it. */
const SM_ENV = { SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true', SF_TELEMETRY_DISABLE_CONNECTION_SHAPE: '1' };

export function findSm(): Tool {
  // The built CLI, as users run it (`pnpm bench` builds first).
  const bin = join(REPO_ROOT, 'packages', 'cli', 'dist', 'bin.js');
  if (!existsSync(bin)) return { available: false, name: 'sm', reason: `${bin} does not exist: run pnpm build` };
  const probe = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', env: { ...process.env, ...SM_ENV } });
  if (probe.status !== 0) return { available: false, name: 'sm', reason: `sm --version exited ${probe.status}: ${(probe.stderr || probe.stdout).trim().slice(0, 300)}` };
  return {
    available: true,
    name: 'sm',
    version: probe.stdout.trim().split('\n')[0]!,
    command: (args, cwd) => ({ cmd: process.execPath, args: [bin, ...args], cwd, env: SM_ENV }),
  };
}

export function findDbtCore(): Tool {
  const bin = join(BENCH_DIR, '.venv', 'bin', 'dbt');
  if (!existsSync(bin)) return { available: false, name: 'dbt-core', reason: 'bench/.venv has no dbt; run bench/scripts/setup-dbt.sh' };
  const probe = spawnSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, ...DBT_ENV } });
  const m = /installed:\s*(\S+)/.exec(probe.stdout ?? '');
  if (probe.status !== 0 || !m) return { available: false, name: 'dbt-core', reason: `dbt --version failed: ${(probe.stderr || probe.stdout).trim().slice(0, 300)}` };
  const duck = /duckdb:\s*(\S+)/.exec(probe.stdout);
  return {
    available: true,
    name: 'dbt-core',
    version: `dbt-core ${m[1]}${duck ? `, dbt-duckdb ${duck[1]}` : ''}`,
    command: (args, cwd) => ({ cmd: bin, args: [...args, '--profiles-dir', cwd], cwd, env: DBT_ENV }),
  };
}

/** The Rust engine (dbt 2.x, "Fusion"), installed by setup-dbt.sh into bench/.venv-fusion when PyPI can deliver it. */
export function findDbtFusion(): Tool {
  const bin = join(BENCH_DIR, '.venv-fusion', 'bin', 'dbt');
  const log = join(BENCH_DIR, 'out', 'fusion-install.log');
  if (!existsSync(bin)) {
    const why = existsSync(log) ? lastError(readFileSync(log, 'utf8')) : 'bench/scripts/setup-dbt.sh has not been run';
    return { available: false, name: 'dbt-fusion', reason: `pip install dbt (2.x) failed: ${why}` };
  }
  const probe = spawnSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, ...DBT_ENV } });
  if (probe.status !== 0) return { available: false, name: 'dbt-fusion', reason: `dbt --version failed: ${(probe.stderr || probe.stdout).trim().slice(0, 300)}` };
  return {
    available: true,
    name: 'dbt-fusion',
    version: probe.stdout.trim().split('\n')[0],
    command: (args, cwd) => ({ cmd: bin, args: [...args, '--profiles-dir', cwd], cwd, env: DBT_ENV }),
  };
}

function lastError(log: string): string {
  const lines = log.split('\n').map((l) => l.trim()).filter(Boolean);
  // pip's last line is a generic "metadata-generation-failed"; the cause is the build backend's own error above it.
  const err = lines.filter((l) => /RuntimeError|failed to download|No matching distribution/.test(l)).pop() ?? lines.filter((l) => /Error:|error:/.test(l)).pop();
  return (err ?? lines.pop() ?? 'unknown error').slice(0, 400);
}
