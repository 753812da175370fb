import { Command, CommanderError, Option } from 'commander';
import { SM_VERSION } from '@sm/core';
import { configError } from './config-error.ts';
import { registerProjectCommands } from './commands/project-commands.ts';
import { registerIngestCommands } from './commands/ingest-commands.ts';
import { registerDocsCommands } from './commands/docs-commands.ts';
import { JsonReporter } from './reporters/json-reporter.ts';
import { PrettyReporter } from './reporters/pretty-reporter.ts';
import { processOutput, type Output, type Reporter } from './reporters/reporter.ts';

/** Exit codes are a contract with orchestrators. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export interface CliContext {
  output: Output;
  reporter(format: string | undefined): Reporter;
  /** Set by a command to the exit code it wants. */
  exitCode: number;
  signal: AbortSignal;
}

/** Run the CLI with `argv` (without node and script); returns the exit code. Re-entrant: no process-wide state but signal handlers while running. */
export async function main(argv: string[], output: Output = processOutput): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(sig === 'SIGTERM' ? 143 : 130);
    output.err(`\nReceived ${sig}: cancelling running queries; nothing half-built will remain. Press Ctrl-C again to exit at once.`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const ctx: CliContext = {
    output,
    reporter: (format) => (format === 'json' ? new JsonReporter(output) : new PrettyReporter(output)),
    exitCode: EXIT.ok,
    signal: controller.signal,
  };
  const program = new Command('sm')
    .description('sm: SQL models, tested and built in dependency order, on DuckDB or Snowflake')
    .version(SM_VERSION, '-V, --version')
    .showHelpAfterError('(run sm --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) });
  registerProjectCommands(program, ctx);
  registerIngestCommands(program, ctx);
  registerDocsCommands(program, ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    const config = configError(e);
    if (config) {
      ctx.reporter(formatOf(argv)).onDiagnostics?.(config.diagnostics);
      return EXIT.usage;
    }
    ctx.reporter(formatOf(argv)).onError?.(`Unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (controller.signal.aborted && ctx.exitCode !== EXIT.usage) return EXIT.interrupted;
  return ctx.exitCode;
}

function formatOf(argv: string[]): string | undefined {
  const i = argv.indexOf('--log-format');
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith('--log-format='));
  return eq?.split('=')[1];
}

export function commonOptions(cmd: Command): Command {
  return cmd
    .option('--project-dir <dir>', 'project directory', process.env.SM_PROJECT_DIR ?? '.')
    .option('--profiles-dir <dir>', 'directory holding profiles.yml (default: project dir, then ~/.sm, ~/.dbt)')
    .option('-t, --target <name>', 'target in the profile (default: the profile\'s `target:`)')
    .option('--vars <yaml>', 'variables as YAML or JSON, e.g. \'{lookback_hours: 3}\'')
    .addOption(new Option('--log-format <format>', 'output format').choices(['text', 'json']).default('text'));
}

export function selectionOptions(cmd: Command): Command {
  return cmd
    .option('-s, --select <expr...>', 'what to select: names, +graph operators, tag:, path:, config.x:, source:, state:modified ...')
    .option('--exclude <expr...>', 'what to leave out, same grammar as --select')
    .option('--selector <name>', 'a named selector from selectors.yml')
    .option('--state <dir>', 'directory with an earlier manifest.json / run_results.json (for state: and result: selectors)');
}
