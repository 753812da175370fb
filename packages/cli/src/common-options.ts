import { Option, type Command } from 'commander';
import { dbtFlagOptions } from './dbt-flags.ts';

/** Options every project command takes: where the project, profiles and artifacts are, the target, vars, the log format and dbt's everyday flags. */
export function commonOptions(cmd: Command): Command {
  cmd
    .option('--project-dir <dir>', 'project directory', process.env.SM_PROJECT_DIR ?? '.')
    .option('--profiles-dir <dir>', 'directory holding profiles.yml (default: project dir, then ~/.sm, ~/.dbt)')
    .option('-t, --target <name>', 'target in the profile (default: the profile\'s `target:`)')
    .option('--profile <name>', 'profile in profiles.yml (default: the project file\'s `profile:`)')
    .option('--vars <yaml>', 'variables as YAML or JSON, e.g. \'{lookback_hours: 3}\'')
    // dbt's `default` and `debug` are text here.
    .addOption(new Option('--log-format <format>', 'output format (dbt\'s default and debug: text)').choices(['text', 'json', 'default', 'debug']).default('text'))
    .option('--target-path <dir>', 'where artifacts go, relative to the project directory (default: SM_TARGET_PATH, DBT_TARGET_PATH, else the project file\'s target-path, else target)', process.env.SM_TARGET_PATH || process.env.DBT_TARGET_PATH || undefined);
  return dbtFlagOptions(cmd);
}
