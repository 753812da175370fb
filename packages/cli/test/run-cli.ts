import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main.ts';

export const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

/** Run the CLI in-process and capture what it printed. */
export async function sm(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Start the CLI as a child process (for signals and kills). */
export function smProcess(argv: string[], env: NodeJS.ProcessEnv = {}) {
  return spawn(process.execPath, [BIN, ...argv], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The rows `sm show --log-format json` printed: its ShowNode line's `rows`. */
export function shownRows(out: string): Record<string, unknown>[] {
  const line = out.split('\n').map((l) => JSON.parse(l) as { info?: { name?: string }; rows?: Record<string, unknown>[] }).find((l) => l.info?.name === 'ShowNode');
  if (!line?.rows) throw new Error(`no ShowNode line with rows in:\n${out}`);
  return line.rows;
}

/** Run `f` with these environment variables set, then remove them. */
export async function withEnv<T>(vars: Record<string, string>, f: () => Promise<T>): Promise<T> {
  Object.assign(process.env, vars);
  try {
    return await f();
  } finally {
    for (const k of Object.keys(vars)) delete process.env[k];
  }
}
