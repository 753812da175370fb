import { Option, type Command } from 'commander';
import { dbtFlagOptions } from './dbt-flags.ts';

/** `--project-dir`'s default: SM_PROJECT_DIR, else dbt's DBT_PROJECT_DIR, else the current folder. */
export function defaultProjectDir(): string {
  return process.env.SM_PROJECT_DIR || process.env.DBT_PROJECT_DIR || '.';
}

/** `--log-format`'s values; DBT_LOG_FORMAT is its default, as dbt reads it. */
export const LOG_FORMATS = ['text', 'json', 'default', 'debug'] as const;

/** Options every project command takes: where the project, profiles and artifacts are, the target, vars, the log format and dbt's everyday flags. */
export function commonOptions(cmd: Command): Command {
  cmd
    .option('--project-dir <dir>', 'project directory (default: SM_PROJECT_DIR, DBT_PROJECT_DIR, else .)', defaultProjectDir())
    .option('--profiles-dir <dir>', 'directory holding profiles.yml (default: project dir, then ~/.sm, ~/.dbt)')
    .option('-t, --target <name>', 'target in the profile (default: SM_TARGET, DBT_TARGET, else the profile\'s `target:`)', process.env.SM_TARGET || process.env.DBT_TARGET || undefined)
    .option('--profile <name>', 'profile in profiles.yml (default: SM_PROFILE, DBT_PROFILE, else the project file\'s `profile:`)', process.env.SM_PROFILE || process.env.DBT_PROFILE || undefined)
    .option('--vars <yaml>', 'variables as YAML or JSON, e.g. \'{lookback_hours: 3}\'')
    // dbt's `default` and `debug` are text here.
    .addOption(new Option('--log-format <format>', 'output format (dbt\'s default and debug: text; default: DBT_LOG_FORMAT, else text)').choices(LOG_FORMATS).default(process.env.DBT_LOG_FORMAT?.trim().toLowerCase() || 'text'))
    .option('--target-path <dir>', 'where artifacts go, relative to the project directory (default: SM_TARGET_PATH, DBT_TARGET_PATH, else the project file\'s target-path, else target)', process.env.SM_TARGET_PATH || process.env.DBT_TARGET_PATH || undefined);
  return dbtFlagOptions(cmd);
}
