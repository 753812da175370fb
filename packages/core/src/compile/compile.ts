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
  await warnErrorConflict(opts.warnError, c.project.config.warnError, c.project.dir);
  return applyWarnError(c, opts.warnError ?? c.project.config.warnError, command);
}

/**
 * dbt takes warn_error or warn_error_options, not both, wherever each is set: dbt 1.11.16 with
 * `--warn-error` (or --no-warn-error, or DBT_WARN_ERROR) on dbt-expectations' integration tests,
 * whose dbt_project.yml sets `flags: warn_error_options:`, exits 2 ("warn_error_options: not
 * allowed with argument warn_error"), as with --warn-error-options and the file's `warn_error: true`.
 * Options on the command line over the file's options are fine (they replace them).
 */
async function warnErrorConflict(given: WarnErrorSetting | undefined, fromFile: WarnErrorSetting | undefined, dir: string): Promise<void> {
  if (given === undefined || fromFile === undefined || typeof given === typeof fromFile) return;
  const file = (await import('../project/project-file.ts')).findProjectFile(dir) ?? 'dbt_project.yml';
  const [cli, flag] = typeof given === 'boolean' ? ['--warn-error (or DBT_WARN_ERROR)', 'warn_error_options'] : ['--warn-error-options (or DBT_WARN_ERROR_OPTIONS)', 'warn_error: true'];
  throw new SmProjectError([
    diag('SM_USAGE', `${cli} cannot be combined with the \`flags: ${flag}\` of ${file}: dbt allows warn_error or warn_error_options, not both`, { file }, {
      hint: `Leave out ${cli.split(' ')[0]}, or remove \`${flag}\` from the flags of ${file}.`,
    }),
  ]);
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
