import { Command, CommanderError } from 'commander';
import { SM_VERSION } from '@smsql/core';
import { configError } from './config-error.ts';
import { registerProjectCommands } from './commands/project-commands.ts';
import { registerIngestCommands } from './commands/ingest-commands.ts';
import { registerDocsCommands } from './commands/docs-commands.ts';
import { registerDepsCommand } from './commands/deps-command.ts';
import { JsonReporter } from './reporters/json-reporter.ts';
import { PrettyReporter } from './reporters/pretty-reporter.ts';
import { processOutput, type Output } from './reporters/reporter.ts';
import { EXIT } from './exit-codes.ts';
import type { CliContext } from './cli-context.ts';

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
  registerDepsCommand(program, ctx);
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
