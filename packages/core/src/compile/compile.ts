import { randomUUID } from 'node:crypto';
import type { Command, Compilation, InvocationOptions } from './compilation.ts';
import { SmProjectError } from '../diagnostics.ts';
import { warmStart } from './warm-start.ts';

export { targetDir } from './compile-shared.ts';

/**
 * Load, render, graph and select. Pure but for reading the project and writing target/. When
 * nothing the last compile read has changed (compile/input-proof.ts), its stored results are
 * used instead of loading and rendering (compile/warm-start.ts): the same Compilation, with
 * nodes read from the store as they are asked for. Loading and rendering (YAML, the Jinja
 * engine) are imported only when a cold compile needs them.
 */
export async function compile(opts: InvocationOptions, command: Command = 'compile'): Promise<Compilation> {
  // ls lists and check infers columns from the project itself: neither reads a ref's relation, and neither needs the warehouse deferral asks.
  const defers = opts.defer && command !== 'ls' && command !== 'check';
  const c = defers ? await (await import('./compile-deferred.ts')).compileDeferred(opts, command, compileOnce) : await compileOnce(opts, command);
  // dbt's --warn-error: every warning is an error, and nothing runs.
  const warnings = opts.warnError ? c.diagnostics.filter((d) => d.severity === 'warning') : [];
  if (warnings.length) throw new SmProjectError(warnings.map((d) => ({ ...d, severity: 'error' as const, hint: `${d.hint ? `${d.hint} ` : ''}(an error because of --warn-error)` })));
  return c;
}

async function compileOnce(given: InvocationOptions, command: Command): Promise<Compilation> {
  // --empty renders every ref and source otherwise: nothing cached stands for it, and it caches nothing.
  const opts = given.empty ? { ...given, noCache: true } : given;
  const invocationId = randomUUID();
  const warm = opts.noCache || opts.complete ? undefined : warmStart(opts);
  if (warm) return (await import('./compile-warm.ts')).compileWarm(opts, command, invocationId, warm);
  return (await import('./compile-cold.ts')).compileCold(opts, command, invocationId);
}
