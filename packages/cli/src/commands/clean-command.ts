import { existsSync, realpathSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { EXIT } from '../exit-codes.ts';
import { usage } from '../usage-error.ts';
import { defaultProjectDir } from '../common-options.ts';

interface CleanFlags {
  projectDir: string;
  targetPath?: string;
  logFormat?: string;
}

/**
 * `sm clean`: remove the project's `clean-targets` folders (default: the target path), as `dbt
 * clean` does. Reads only the project file, so it works on a project that does not compile.
 * Refuses anything outside the project and the project's own source folders.
 */
export function registerCleanCommand(program: Command, ctx: CliContext): void {
  program
    .command('clean')
    .description("remove the folders listed in the project file's clean-targets (default: target/)")
    .option('--project-dir <dir>', 'project directory', defaultProjectDir())
    .option('--target-path <dir>', 'the target path cleaned when the project file lists no clean-targets (default: SM_TARGET_PATH, DBT_TARGET_PATH, else the project file\'s target-path)', process.env.SM_TARGET_PATH || process.env.DBT_TARGET_PATH || undefined)
    .action(async (flags: CleanFlags) => {
      const { readProjectFileOnly } = await import('@smsql/core');
      const projectDir = resolve(flags.projectDir);
      const config = readProjectFileOnly(projectDir);
      // As dbt 1.11: with no clean-targets, the target path, which --target-path or DBT_TARGET_PATH override.
      const targets = config.cleanTargets.length ? config.cleanTargets : [flags.targetPath ?? config.targetPath];
      const root = realpathSync(projectDir);
      const protectedDirs = new Set([...config.modelPaths, ...config.seedPaths, ...config.macroPaths, ...config.testPaths, ...config.snapshotPaths].map((p) => resolve(root, p)));
      const refused = targets.filter((t) => {
        const abs = resolve(root, t);
        const rel = relative(root, abs);
        return rel === '' || rel.startsWith('..') || isAbsolute(rel) || protectedDirs.has(abs) || [...protectedDirs].some((p) => p.startsWith(abs + sep));
      });
      if (refused.length) {
        throw usage(
          `sm will not clean ${refused.map((t) => `"${t}"`).join(', ')}: clean-targets must be folders inside the project that hold no models, seeds, macros, tests or snapshots.`,
          `Fix clean-targets in ${join(flags.projectDir, config.file)}.`,
        );
      }
      for (const t of targets) {
        const abs = resolve(root, t);
        if (!existsSync(abs)) {
          ctx.output.out(`Nothing to clean at ${t}/`);
          continue;
        }
        rmSync(abs, { recursive: true, force: true });
        ctx.output.out(`Cleaned ${t}/`);
      }
      ctx.exitCode = EXIT.ok;
    });
}
