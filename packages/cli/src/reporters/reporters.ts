import { JsonReporter } from './json-reporter.ts';
import { PrettyReporter } from './pretty-reporter.ts';
import type { Output, Reporter } from './reporter.ts';

/** The reporter for `--log-format`: JSON lines for `json`, the terminal otherwise. Loaded once a command runs. */
export function createReporter(format: string | undefined, output: Output, invocationId: string): Reporter {
  return format === 'json' ? new JsonReporter(output, invocationId) : new PrettyReporter(output);
}
