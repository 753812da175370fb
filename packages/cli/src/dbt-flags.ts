import { Command, Option } from 'commander';

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

/** dbt 1.11's flags that every dbt command takes (`dbt clean --profiles-dir . --target prod`, as orchestrators append them to each command), beyond {@link dbtFlagOptions}. */
function dbtGlobalOnlyOptions(cmd: Command): Command {
  return cmd
    .option('--project-dir <dir>')
    .option('--profiles-dir <dir>')
    .option('-t, --target <name>')
    .option('--profile <name>')
    .option('--vars <yaml>')
    .addOption(new Option('--log-format <format>').choices(['text', 'json', 'default', 'debug']))
    .option('--state <dir>')
    .option('--defer-state <dir>')
    .option('--defer')
    .option('--no-defer')
    .option('--favor-state')
    .option('--no-favor-state')
    .option('-x, --fail-fast')
    .option('--no-fail-fast')
    .addOption(new Option('--indirect-selection <mode>').choices(['eager', 'cautious', 'buildable', 'empty']));
}

/**
 * Give every command (`sm clean`, `sm deps`, `sm parse`, ...) the dbt global flags it lacks, hidden
 * and ignored, so a command line an orchestrator builds for dbt runs unchanged: dbt 1.11 accepts
 * them on every command. A flag or short name the command has already keeps its meaning.
 */
export function acceptDbtGlobalFlags(program: Command): void {
  const globals = dbtGlobalOnlyOptions(dbtFlagOptions(new Command())).options;
  const leaves = (c: Command): Command[] => (c.commands.length ? c.commands.flatMap(leaves) : [c]);
  for (const cmd of program.commands.flatMap(leaves)) {
    const taken = new Set(cmd.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
    for (const o of globals) {
      if (taken.has(o.long) || (o.short && taken.has(o.short))) continue;
      const copy = new Option(o.flags).hideHelp();
      if (o.argChoices) copy.choices(o.argChoices);
      cmd.addOption(copy);
      for (const f of [o.long, o.short]) if (f) taken.add(f);
    }
  }
}

/** What the flags above mean for a command. */
export interface DbtFlags {
  quiet?: boolean;
  partialParse?: boolean;
  useColors?: boolean;
  warnError?: boolean;
  warnErrorOptions?: string;
}

/** The words click (so dbt) reads as a boolean variable's values, any case, around spaces. */
const ON = ['1', 'true', 't', 'yes', 'y', 'on'];
const OFF = ['0', 'false', 'f', 'no', 'n', 'off'];

/** A boolean environment value as dbt reads it: on for `1`, `true`, `t`, `yes`, `y`, `on` (any case); unset when empty. */
export function envTrue(v: string | undefined): boolean | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  return ON.includes(v.trim().toLowerCase());
}

/** dbt 1.11's boolean variables of its global flags, which every dbt command reads (dbt/cli/params.py). */
const GLOBAL_BOOLEAN_ENV = [
  'DBT_CACHE_SELECTED_ONLY', 'DBT_DEBUG', 'DBT_DEFER', 'DBT_FAIL_FAST', 'DBT_FAVOR_STATE', 'DBT_LOG_CACHE_EVENTS',
  'DBT_PARTIAL_PARSE', 'DBT_POPULATE_CACHE', 'DBT_PRINT', 'DBT_QUIET', 'DBT_SEND_ANONYMOUS_USAGE_STATS',
  'DBT_STATIC_PARSER', 'DBT_USE_COLORS', 'DBT_USE_COLORS_FILE', 'DBT_USE_EXPERIMENTAL_PARSER', 'DBT_VERSION_CHECK',
  'DBT_WARN_ERROR', 'DBT_WRITE_JSON', 'DBT_UPLOAD_TO_ARTIFACTS_INGEST_API',
];
/** Boolean variables of flags only some dbt commands have: a bad value fails those commands only. */
const COMMAND_BOOLEAN_ENV: Record<string, readonly string[]> = {
  DBT_FULL_REFRESH: ['run', 'build', 'seed', 'compile', 'show', 'clone', 'retry'],
  DBT_EMPTY: ['run', 'build', 'compile', 'snapshot'],
  DBT_STORE_FAILURES: ['build', 'test'],
};
const LEVELS = ['debug', 'info', 'warn', 'error', 'none'];
/** Variables of dbt's global flags that take one of a few words (DBT_LOG_FORMAT is --log-format's default, checked with it). */
const GLOBAL_CHOICE_ENV: Record<string, readonly string[]> = {
  DBT_LOG_LEVEL: LEVELS,
  DBT_LOG_LEVEL_FILE: LEVELS,
  DBT_LOG_FORMAT_FILE: ['text', 'debug', 'json', 'default'],
};

/**
 * The first of dbt's variables whose value dbt 1.11 refuses for `command` (a usage error, exit 2,
 * before anything runs: `DBT_FAIL_FAST=maybe dbt run` says "'maybe' is not a valid boolean"),
 * so that a job's environment means the same to sm. An empty value counts as unset, as in dbt.
 */
export function dbtEnvProblem(env: NodeJS.ProcessEnv, command: string): { message: string; hint: string } | undefined {
  const booleans = [...GLOBAL_BOOLEAN_ENV, ...Object.keys(COMMAND_BOOLEAN_ENV).filter((k) => COMMAND_BOOLEAN_ENV[k]!.includes(command))];
  for (const name of booleans) {
    const v = env[name]?.trim().toLowerCase();
    if (v && !ON.includes(v) && !OFF.includes(v)) return { message: `${name} must be a boolean, not "${env[name]}"`, hint: `Set it to one of ${ON.join(', ')} (on) or ${OFF.join(', ')} (off), or unset it.` };
  }
  for (const [name, words] of Object.entries(GLOBAL_CHOICE_ENV)) {
    const v = env[name]?.trim().toLowerCase();
    if (v && !words.includes(v)) return { message: `${name} must be one of ${words.join(', ')}, not "${env[name]}"`, hint: `Set it to one of them, or unset it.` };
  }
  return undefined;
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
