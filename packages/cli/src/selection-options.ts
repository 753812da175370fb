import { Option, type Command } from 'commander';
import { envTrue } from './dbt-flags.ts';

/** Options of the commands that work on a selection of nodes: --select, --exclude, --selector, --state, --defer. */
export function selectionOptions(cmd: Command): Command {
  const env = process.env;
  return cmd
    .option('-s, --select <expr...>', 'what to select: names, +graph operators, tag:, path:, config.x:, source:, state:modified ...')
    .addOption(new Option('-m, --models <expr...>', 'same as --select (dbt\'s older name)').hideHelp())
    .addOption(new Option('--model <expr...>', 'same as --select').hideHelp())
    .option('--exclude <expr...>', 'what to leave out, same grammar as --select')
    .option('--selector <name>', 'a named selector from selectors.yml')
    .option('--state <dir>', 'directory with an earlier manifest.json / run_results.json / sources.json (for state:, result: and source_status: selectors, and --defer) (default: SM_STATE, DBT_STATE)', env.SM_STATE || env.DBT_STATE || undefined)
    .option('--defer', 'a ref to a node not selected, and not built in this target, reads the relation the --state manifest records (default: SM_DEFER, DBT_DEFER)', envTrue(env.SM_DEFER ?? env.DBT_DEFER))
    .option('--no-defer', 'do not defer, whatever SM_DEFER or DBT_DEFER say')
    .option('--defer-state <dir>', 'the manifest to defer to, when it is not --state\'s (default: SM_DEFER_STATE, DBT_DEFER_STATE)', env.SM_DEFER_STATE || env.DBT_DEFER_STATE || undefined)
    .option('--favor-state', 'with --defer, read the state\'s relation for every node not selected, built in this target or not (default: SM_FAVOR_STATE, DBT_FAVOR_STATE)', envTrue(env.SM_FAVOR_STATE ?? env.DBT_FAVOR_STATE))
    .option('--no-favor-state', 'defer only to what this target lacks');
}
