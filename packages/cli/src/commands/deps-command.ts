import { Option, type Command } from 'commander';
import { parseVarsArg } from '@smsql/core';
import { deps } from '@smsql/core/deps';
import type { CliContext } from '../cli-context.ts';
import { defaultProjectDir } from '../common-options.ts';
import { envTrue } from '../dbt-flags.ts';

/**
 * `sm deps`: install the packages of packages.yml / dependencies.yml (local, git, hub) into
 * the project's packages-install-path, pinned by package-lock.yml, as `dbt deps`. Needs no
 * profiles.yml and no warehouse.
 */
export function registerDepsCommand(program: Command, ctx: CliContext): void {
  program
    .command('deps')
    .description('install the packages listed in packages.yml or dependencies.yml (pinned by package-lock.yml)')
    .option('--project-dir <dir>', 'project directory', defaultProjectDir())
    .option('--vars <yaml>', 'variables for {{ var(...) }} in packages.yml, as YAML or JSON')
    // Accepted so that scripts written for `dbt deps` run unchanged; deps reads no profile.
    .option('--profiles-dir <dir>', 'ignored: deps needs no profile')
    .option('-t, --target <name>', 'ignored: deps needs no target')
    .option('--upgrade', 'resolve versions again even when package-lock.yml matches packages.yml')
    .option('--lock', 'only write package-lock.yml; install nothing')
    .addOption(new Option('--version-check').hideHelp())
    .option('--no-version-check', "install hub versions whatever their require-dbt-version (the lock's too); default DBT_VERSION_CHECK")
    .action(async (flags: { projectDir: string; vars?: string; upgrade?: boolean; lock?: boolean; versionCheck?: boolean }) => {
      await deps({
        projectDir: flags.projectDir,
        vars: parseVarsArg(flags.vars),
        upgrade: flags.upgrade,
        lockOnly: flags.lock,
        versionCheck: flags.versionCheck ?? envTrue(process.env.DBT_VERSION_CHECK),
        onEvent: (e) => (e.level === 'warn' ? ctx.output.err(`warning: ${e.message}`) : ctx.output.out(e.message)),
      });
    });
}
