import { Option, type Command } from 'commander';

/** Options every project command takes: where the project and profiles are, the target, vars and the log format. */
export function commonOptions(cmd: Command): Command {
  return cmd
    .option('--project-dir <dir>', 'project directory', process.env.SM_PROJECT_DIR ?? '.')
    .option('--profiles-dir <dir>', 'directory holding profiles.yml (default: project dir, then ~/.sm, ~/.dbt)')
    .option('-t, --target <name>', 'target in the profile (default: the profile\'s `target:`)')
    .option('--vars <yaml>', 'variables as YAML or JSON, e.g. \'{lookback_hours: 3}\'')
    .addOption(new Option('--log-format <format>', 'output format').choices(['text', 'json']).default('text'));
}
