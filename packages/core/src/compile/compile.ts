import { newInvocationId } from '../artifacts/invocation.ts';
import type { Command, Compilation, InvocationOptions } from './compilation.ts';
import { diag, SmProjectError, type Diagnostic } from '../diagnostics.ts';
import { WARNING_EVENTS, warnIsError, warnIsSilenced, warningEvent, type WarnErrorSetting } from '../warn-error.ts';
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
  return applyWarnError(c, opts.warnError ?? c.project.config.warnError, command);
}

/** The commands for which dbt says "Nothing to do" (its NothingToDo warning) when the selection holds nothing they run. */
const RUNS_NODES = new Set<Command>(['compile', 'run', 'seed', 'test', 'build', 'snapshot']);

/**
 * dbt's --warn-error and warn_error_options on compile warnings: those the setting makes errors
 * stop the command (nothing runs), those it silences are dropped, the rest stay warnings.
 */
function applyWarnError(c: Compilation, setting: WarnErrorSetting | undefined, command: Command): Compilation {
  if (!setting) return c;
  const warnings = c.diagnostics.filter((d) => d.severity === 'warning');
  let errors = warnings.filter((d) => warnIsError(setting, warningEvent(d)));
  // After the selection's own warnings, as dbt fires it: an empty selection under --warn-error stops at those.
  if (!errors.length && RUNS_NODES.has(command) && !c.selected.length && warnIsError(setting, WARNING_EVENTS.nothingToDo)) {
    errors = [diag('SM_NOTHING_TO_DO', 'Nothing to do. Try checking your model configs and model specification args', undefined, { severity: 'warning', event: WARNING_EVENTS.nothingToDo })];
  }
  const why = (d: Diagnostic) => (setting === true ? '--warn-error' : `warn_error_options: ${warningEvent(d)}`);
  if (errors.length) throw new SmProjectError(errors.map((d) => ({ ...d, severity: 'error' as const, hint: `${d.hint ? `${d.hint} ` : ''}(an error because of ${why(d)})` })));
  const silenced = new Set(warnings.filter((d) => warnIsSilenced(setting, warningEvent(d))));
  return silenced.size ? { ...c, diagnostics: c.diagnostics.filter((d) => !silenced.has(d)) } : c;
}

async function compileOnce(given: InvocationOptions, command: Command): Promise<Compilation> {
  // --empty renders every ref and source otherwise: nothing cached stands for it, and it caches nothing.
  // --sample likewise (its window moves with the clock).
  const opts = given.empty || given.sample ? { ...given, noCache: true } : given;
  const invocationId = newInvocationId(given.invocationId);
  const warm = opts.noCache || opts.complete ? undefined : warmStart(opts);
  if (warm) return (await import('./compile-warm.ts')).compileWarm(opts, command, invocationId, warm);
  return (await import('./compile-cold.ts')).compileCold(opts, command, invocationId);
}
