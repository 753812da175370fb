import type { Output, Reporter } from './reporters/reporter.ts';

/** What `main` hands every command: where to write, how to report, the exit code it wants, and the interrupt signal. */
export interface CliContext {
  output: Output;
  reporter(format: string | undefined): Reporter;
  /** Set by a command to the exit code it wants. */
  exitCode: number;
  signal: AbortSignal;
}
