import { randomUUID } from 'node:crypto';
import { Command, CommanderError } from 'commander';
import { EXIT } from './exit-codes.ts';
import type { CliContext } from './cli-context.ts';
import { redactingOutput } from './redacting-output.ts';
import { processOutput, type Output, type Reporter } from './reporters/reporter.ts';
import { quietReporter, withoutPrint } from './reporters/quiet-reporter.ts';
import { acceptDbtGlobalFlags, dbtEnvProblem, envTrue, hoistGlobalFlags } from './dbt-flags.ts';

type Register = (program: Command, ctx: CliContext) => void;

// Each command's module is imported only when that command runs (all of them for help), so a
// command loads what it uses and nothing else: no project code for --version, no warehouse
// driver for compile or ls, no Kafka client outside `ingest kafka`.
const project = async (): Promise<Register> => (await import('./commands/project-commands.ts')).registerProjectCommands;
const COMMANDS: Record<string, () => Promise<Register>> = {
  run: project, seed: project, test: project, snapshot: project, build: project, compile: project,
  ls: project, list: project, show: project, source: project, retry: project, debug: project, clone: project,
  ingest: async () => (await import('./commands/ingest-commands.ts')).registerIngestCommands,
  docs: async () => (await import('./commands/docs-commands.ts')).registerDocsCommands,
  init: async () => (await import('./commands/init-command.ts')).registerInitCommand,
  clean: async () => (await import('./commands/clean-command.ts')).registerCleanCommand,
  parse: async () => (await import('./commands/parse-command.ts')).registerParseCommand,
  deps: async () => (await import('./commands/deps-command.ts')).registerDepsCommand,
  check: async () => (await import('./commands/check-command.ts')).registerCheckCommand,
  'run-operation': async () => (await import('./commands/run-operation-command.ts')).registerRunOperationCommand,
};

/** Run the CLI with `argv` (without node and script); returns the exit code. Re-entrant: no process-wide state but signal handlers while running. */
export async function main(given: string[], rawOutput: Output = processOutput): Promise<number> {
  const argv = hoistGlobalFlags(given);
  const secrets = new Set<string>();
  const output = redactingOutput(rawOutput, secrets);
  if (!argv.some((a) => !a.startsWith('-')) && (argv.includes('--version') || argv.includes('-V'))) {
    output.out((await import('./version-report.ts')).versionReport());
    return EXIT.ok;
  }
  const controller = new AbortController();
  let interrupts = 0;
  // The first signal decides the exit code (130 after SIGINT, 143 after SIGTERM), as a shell reports a process it killed.
  let firstSignal: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    firstSignal ??= sig;
    if (interrupts > 1) process.exit(exitAfter(sig));
    // A second signal exits at once: Ctrl-C at a terminal, another kill from a scheduler (Airflow sends SIGTERM, then SIGKILL).
    const again = sig === 'SIGINT' ? 'Press Ctrl-C again' : `Send ${sig} again`;
    output.err(`\nReceived ${sig}: cancelling running queries; nothing half-built will remain. ${again} to exit at once.`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // dbt's -q/--quiet (dbt-flags.ts), read here as --debug is: every reporter a command makes is quiet.
  const quiet = argv.includes('-q') || argv.includes('--quiet') || (!argv.includes('--no-quiet') && envTrue(process.env.DBT_QUIET) === true);
  // dbt's --no-print (or DBT_PRINT=false): templates' print() shows nothing.
  const noPrint = argv.includes('--no-print') || (!argv.includes('--print') && envTrue(process.env.DBT_PRINT) === false);
  let reporters: typeof import('./reporters/reporters.ts') | undefined;
  const loadReporters = async () => (reporters ??= await import('./reporters/reporters.ts'));
  const invocationId = randomUUID();
  const reporterFor = (format: string | undefined): Reporter => {
    const r = reporters!.createReporter(format, output, invocationId);
    const shown = quiet ? quietReporter(r) : r;
    return noPrint ? withoutPrint(shown) : shown;
  };
  const ctx: CliContext = {
    output,
    reporter: reporterFor,
    invocationId,
    argv: given,
    quiet,
    exitCode: EXIT.ok,
    signal: controller.signal,
    secrets,
  };
  const debug = argv.includes('--debug') || process.env.SM_DEBUG === '1';
  const program = new Command('sm')
    .description('sm: SQL models, tested and built in dependency order, on DuckDB or Snowflake')
    .option('-V, --version', 'print the versions of sm, its core and its adapters')
    .option('--debug', 'show stack traces of errors (also SM_DEBUG=1)')
    .showHelpAfterError('(run sm --help for usage)')
    // dbt 1.11.16 has no `help` command: `dbt help` is "No such command 'help'", exit 2 (`--help` exits 0).
    .helpCommand(false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .hook('preAction', async () => void (await loadReporters()));
  try {
    const command = argv.find((a) => !a.startsWith('-')) ?? '';
    const loader = COMMANDS[command];
    const envProblem = Object.hasOwn(COMMANDS, command) && !argv.includes('--help') && !argv.includes('-h') ? dbtEnvProblem(process.env, command) : undefined;
    if (envProblem) throw (await import('./usage-error.ts')).usage(envProblem.message, envProblem.hint);
    const registers = loader ? [loader] : [...new Set(Object.values(COMMANDS))];
    for (const register of await Promise.all(registers.map((l) => l()))) register(program, ctx);
    acceptDbtGlobalFlags(program);
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // No command at all is commander's help with exit code 1: a usage error (dbt 1.11 prints its help and exits 2).
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || (e.code === 'commander.help' && e.exitCode === 0)) return EXIT.ok;
      return EXIT.usage;
    }
    // A statement cancelled by the signal may surface as an error: the run was stopped, not wrong.
    if (controller.signal.aborted) {
      if (debug) output.err(e instanceof Error ? (e.stack ?? e.message) : String(e));
      return exitAfter(firstSignal);
    }
    await report(e, ctx, formatOf(argv), debug, loadReporters);
    return EXIT.usage;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Stopped by a signal, the exit code is decided: another signal while output is flushed exits
    // with it too, instead of killing the process (an exit the caller sees without a code).
    if (firstSignal) {
      const late = () => process.exit(exitAfter(firstSignal));
      process.once('SIGINT', late);
      process.once('SIGTERM', late);
    }
  }
  if (controller.signal.aborted && ctx.exitCode !== EXIT.usage) return exitAfter(firstSignal);
  return ctx.exitCode;
}

/** The exit code after a signal stopped the command: 128 + the signal's number, as shells report it. */
function exitAfter(sig: NodeJS.Signals | undefined): number {
  return sig === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
}

/** The CLI's one error path: a line or two naming the culprit and what to do; the stack only with --debug. */
async function report(e: unknown, ctx: CliContext, format: string | undefined, debug: boolean, loadReporters: () => Promise<unknown>): Promise<void> {
  let reporter: Reporter;
  try {
    await loadReporters();
    reporter = ctx.reporter(format);
  } catch {
    reporter = { onError: (m) => ctx.output.err(m) };
  }
  const { classifyError } = await import('./errors/classify-error.ts');
  const c = classifyError(e);
  reporter.onDiagnostics?.(c.diagnostics);
  if (debug) ctx.output.err(e instanceof Error ? (e.stack ?? e.message) : String(e));
  else if (!c.known) ctx.output.err('This is probably a bug in sm: run again with --debug for the stack trace, and report it.');
}

function formatOf(argv: string[]): string | undefined {
  const i = argv.indexOf('--log-format');
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith('--log-format='));
  return eq?.split('=')[1];
}
