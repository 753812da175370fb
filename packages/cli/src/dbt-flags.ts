import { Option, type Command } from 'commander';

/**
 * dbt 1.11's flags that users and orchestrators (Airflow's dbt operators) pass every day and
 * that change nothing sm computes, accepted so that a dbt command line runs unchanged. Each
 * one's treatment is in packages/cli/README.md ("dbt's flags"): the ones with a cheap sm
 * meaning have it (--quiet, --no-partial-parse, --no-use-colors, --warn-error); the rest are
 * read and ignored, and none of them changes which nodes run or what they build.
 */
export function dbtFlagOptions(cmd: Command): Command {
  return cmd
    .option('-q, --quiet', 'print errors only (and what the command prints as its result: ls, show, compile --inline)')
    .addOption(new Option('--no-quiet').hideHelp())
    .addOption(new Option('--log-level <level>', 'accepted for dbt; sm prints what it prints (use --quiet for errors only)').choices(['debug', 'info', 'warn', 'error', 'none']))
    .addOption(new Option('--log-level-file <level>', 'accepted for dbt; sm writes no log file').choices(['debug', 'info', 'warn', 'error', 'none']).hideHelp())
    .option('--log-path <path>', 'accepted for dbt; sm writes no log file (its output goes to stdout and stderr)')
    .option('--partial-parse', 'use sm\'s caches in <target-path>/.sm (the default)')
    .option('--no-partial-parse', 'neither read nor write sm\'s caches: load and render everything afresh (same results, slower)')
    .option('--use-colors', 'colour terminal output (the default on a terminal)')
    .option('--no-use-colors', 'no colour (as NO_COLOR=1)')
    .option('--warn-error', 'treat warnings as errors: a compile warning stops with exit 2, a test that warns fails (exit 1); default DBT_WARN_ERROR')
    .addOption(new Option('--print').hideHelp())
    .addOption(new Option('--no-print', 'do not show what templates print() (default: DBT_PRINT)'))
    .addOption(new Option('--version-check').hideHelp())
    .addOption(new Option('--no-version-check', 'do not check require-dbt-version (the project\'s and its packages\'); default DBT_VERSION_CHECK'))
    .addOption(new Option('--static-parser').hideHelp())
    .addOption(new Option('--no-static-parser', 'accepted for dbt (sm has one parser)'))
    .addOption(new Option('--write-json').hideHelp())
    .addOption(new Option('--no-write-json', 'accepted for dbt; sm writes its artifacts anyway (sm retry and --state read them)'))
    .addOption(new Option('--send-anonymous-usage-stats').hideHelp())
    .addOption(new Option('--no-send-anonymous-usage-stats', 'accepted for dbt (sm sends nothing)').hideHelp())
    .addOption(new Option('--populate-cache').hideHelp())
    .addOption(new Option('--no-populate-cache').hideHelp())
    .addOption(new Option('--cache-selected-only').hideHelp())
    .addOption(new Option('--no-cache-selected-only').hideHelp())
    .addOption(new Option('--printer-width <n>').hideHelp())
    .addOption(new Option('--log-format-file <format>').hideHelp())
    .addOption(new Option('--log-cache-events').hideHelp())
    .addOption(new Option('--no-log-cache-events').hideHelp())
    .option('--warn-error-options <yaml>', 'which warnings are errors, as dbt: {error: all | [LogTestResult, NoNodesForSelectionCriteria, ...], warn: [...], silence: [...]}; default DBT_WARN_ERROR_OPTIONS')
    .addOption(new Option('--no-debug').hideHelp())
    .addOption(new Option('--show-all-deprecations').hideHelp())
    .addOption(new Option('--no-show-all-deprecations').hideHelp())
    .addOption(new Option('--upload-to-artifacts-ingest-api').hideHelp())
    .addOption(new Option('--no-upload-to-artifacts-ingest-api').hideHelp())
    .addOption(new Option('--use-colors-file').hideHelp())
    .addOption(new Option('--no-use-colors-file').hideHelp())
    .addOption(new Option('--use-experimental-parser').hideHelp())
    .addOption(new Option('--no-use-experimental-parser').hideHelp())
    .addOption(new Option('-r, --record-timing-info <path>').hideHelp());
}

/** What the flags above mean for a command. */
export interface DbtFlags {
  quiet?: boolean;
  partialParse?: boolean;
  useColors?: boolean;
  warnError?: boolean;
  warnErrorOptions?: string;
}

/** True for dbt's boolean environment values (`1`, `true`, `yes`, any case). */
export function envTrue(v: string | undefined): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  return /^(1|t|true|y|yes)$/i.test(v.trim());
}

/** dbt's flags that take a value, for {@link hoistGlobalFlags}. */
const TAKES_VALUE = new Set(['--warn-error-options', '-r', '--record-timing-info', '--project-dir', '--profiles-dir', '-t', '--target', '--profile', '--vars', '--log-format', '--log-format-file', '--log-level', '--log-level-file', '--log-path', '--target-path', '--state', '--defer-state', '--threads', '--printer-width']);

/**
 * dbt takes its global flags before the command as well (`dbt --log-format json run -s x`, as
 * some orchestrators write it): the flags before the first command word move after it, where
 * sm's commands read them. `sm --version` and `sm --help` stay where they are.
 */
export function hoistGlobalFlags(argv: readonly string[]): string[] {
  const before: string[] = [];
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const a = argv[i]!;
    if (['-V', '--version', '-h', '--help'].includes(a)) return [...argv];
    before.push(a);
    if (TAKES_VALUE.has(a) && i + 1 < argv.length) before.push(argv[++i]!);
  }
  if (!before.length || i >= argv.length) return [...argv];
  return [argv[i]!, ...before, ...argv.slice(i + 1)];
}
