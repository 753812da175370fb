import type { Diagnostic, RunEvent } from '@smsql/core';

/** Renders what a command does. Each hook is optional. */
export interface Reporter {
  onEvent?(e: RunEvent): void;
  onDiagnostics?(ds: readonly Diagnostic[]): void;
  /** Free text a command prints as its result (ls, show, compile). */
  onOutput?(text: string): void;
  onError?(message: string): void;
}

export interface Output {
  out(s: string): void;
  err(s: string): void;
}

export const processOutput: Output = {
  out: (s) => void process.stdout.write(`${s}\n`),
  err: (s) => void process.stderr.write(`${s}\n`),
};
