import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { parseVarsArg, runOperation } from '@smsql/core';
import { builtinAdapters } from '../adapters.ts';
import type { CliContext } from '../cli-context.ts';
import { commonOptions } from '../common-options.ts';
import { EXIT } from '../exit-codes.ts';
import { usage } from '../usage-error.ts';
import { cliRunArgs, projectDirTyped, type RunArgFlags } from '../run-args.ts';

/**
 * `sm run-operation MACRO --args '{...}'`: call a macro (`macro` or `package.macro`) with keyword
 * arguments on the target, as `dbt run-operation`. What the macro says (`log(msg, info=True)`,
 * `print`) goes to stdout; exit 0 when it completes, 1 when it raises or a statement fails,
 * 2 when the macro does not exist or --args is not a YAML mapping.
 */
export function registerRunOperationCommand(program: Command, ctx: CliContext): void {
  commonOptions(program.command('run-operation').description('call a macro with arguments on the target (dbt run-operation)'))
    .argument('<macro>', 'the macro: name, or package.name')
    .option('--args <yaml>', 'keyword arguments as a YAML mapping, e.g. \'{table: orders, days: 3}\'')
    // dbt 1.11.16's run-operation takes --threads INTEGER (recorded: `--threads 3` and `--threads 0` exit 0, `--threads abc` exit 2).
    .addOption(new Option('--threads <n>', 'accepted for dbt (a macro runs on one connection)').hideHelp())
    .action(async (macro: string, flags: { projectDir: string; profilesDir?: string; target?: string; vars?: string; args?: string; logFormat?: string; threads?: string }) => {
      if (flags.threads !== undefined && !/^[-+]?\d+$/.test(flags.threads.trim())) throw usage(`--threads must be a whole number, not "${flags.threads}"`);
      const reporter = ctx.reporter(flags.logFormat);
      const args = parseVarsArg(flags.args, '--args', `'{table: orders, days: 3}'`);
      const outcome = await runOperation({
        projectDir: resolve(flags.projectDir),
        profilesDir: flags.profilesDir,
        target: flags.target,
        vars: parseVarsArg(flags.vars),
        adapters: builtinAdapters,
        macro,
        args,
        onEvent: (e) => reporter.onEvent?.(e),
        signal: ctx.signal,
        invocationId: ctx.invocationId,
        cliArgs: operationCliArgs(flags, ctx),
      });
      if (outcome.error !== undefined && !ctx.signal.aborted) reporter.onError?.(`Encountered an error while running operation: ${outcome.error}`);
      ctx.exitCode = ctx.signal.aborted ? EXIT.interrupted : outcome.status === 'success' ? EXIT.ok : EXIT.failed;
    });
}

/** run_results.json's args from the command line, as dbt's run-operation writes them: project_dir only when it was named. */
function operationCliArgs(flags: RunArgFlags, ctx: CliContext): Record<string, unknown> {
  const args = cliRunArgs(flags, ctx.argv, ctx.quiet);
  if (!projectDirTyped(ctx.argv)) delete args.project_dir;
  return args;
}
