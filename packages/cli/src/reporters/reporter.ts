import type { Diagnostic, RunEvent } from '@smsql/core';

/** Renders what a command does. Each hook is optional. */
export interface Reporter {
  onEvent?(e: RunEvent): void;
  onDiagnostics?(ds: readonly Diagnostic[]): void;
  /** Free text a command prints as its result (ls, show, compile), with dbt's event for it when dbt has one. */
  onOutput?(text: string, dbt?: ResultEvent): void;
  onError?(message: string): void;
}

/**
 * dbt's event for what a command prints as its result, in a JSON log: `PrintEvent` (a line of
 * ls), `CompiledNode` (compile's SQL of a node), `ShowNode` (show's rows). Its `msg` is the text
 * printed; `fields` are sm's own beside dbt's (show: the rows).
 */
export interface ResultEvent {
  readonly name: 'PrintEvent' | 'CompiledNode' | 'ShowNode';
  readonly data: Record<string, unknown>;
  readonly fields?: Record<string, unknown> | undefined;
}

export interface Output {
  out(s: string): void;
  err(s: string): void;
}

export const processOutput: Output = {
  out: (s) => void process.stdout.write(`${s}\n`),
  err: (s) => void process.stderr.write(`${s}\n`),
};
