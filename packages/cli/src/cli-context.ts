import type { Output, Reporter } from './reporters/reporter.ts';

/** What `main` hands every command: where to write, how to report, the exit code it wants, and the interrupt signal. */
export interface CliContext {
  /** Writes through a redactor: see {@link CliContext.secrets}. */
  output: Output;
  reporter(format: string | undefined): Reporter;
  /** dbt's -q/--quiet (or DBT_QUIET): every reporter prints errors only; a command prints its result bare. */
  quiet: boolean;
  /** Set by a command to the exit code it wants. */
  exitCode: number;
  signal: AbortSignal;
  /** The target's secret values, added by a command once it has loaded the project; never printed. */
  secrets: Set<string>;
  /** This invocation's id: its JSON log lines and its artifacts name it. */
  invocationId: string;
  /** The command line as given (without `sm`): run_results.json's invocation_command. */
  argv: readonly string[];
}
