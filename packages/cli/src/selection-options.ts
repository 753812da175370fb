import type { Command } from 'commander';

/** Options of the commands that work on a selection of nodes: --select, --exclude, --selector, --state. */
export function selectionOptions(cmd: Command): Command {
  return cmd
    .option('-s, --select <expr...>', 'what to select: names, +graph operators, tag:, path:, config.x:, source:, state:modified ...')
    .option('--exclude <expr...>', 'what to leave out, same grammar as --select')
    .option('--selector <name>', 'a named selector from selectors.yml')
    .option('--state <dir>', 'directory with an earlier manifest.json / run_results.json (for state: and result: selectors)');
}
