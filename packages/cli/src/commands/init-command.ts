import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { EXIT } from '../exit-codes.ts';
import { starterProject } from '../init/starter-project.ts';
import { usage } from '../usage-error.ts';
import { makeDirs } from '@smsql/core';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface InitFlags {
  skipProfileSetup?: boolean;
  dir?: string;
}

/** `sm init [name]`: a new project folder, as `dbt init` makes one; asks for the name only on a terminal. */
export function registerInitCommand(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description('create a new project: project file, example staging and mart models with tests, seeds, profiles.yml for DuckDB')
    .argument('[name]', 'project name: letters, digits and underscores (asked for on a terminal when left out)')
    .option('--skip-profile-setup', 'do not write profiles.yml')
    .option('--dir <dir>', 'folder to create the project in (default: ./<name>)')
    .action(async (name: string | undefined, flags: InitFlags) => {
      if (name === undefined) {
        if (!process.stdin.isTTY) throw usage('sm init needs a project name, e.g. sm init my_project (it asks only on a terminal).');
        name = await askName(ctx);
      }
      if (!NAME.test(name)) throw usage(`Project name "${name}" must be letters, digits and underscores, starting with a letter or underscore (e.g. ${suggestName(name)}).`);
      const dir = resolve(flags.dir ?? name);
      if (existsSync(dir) && readdirSync(dir).length > 0) {
        throw usage(`${dir} already exists and is not empty: nothing was written.`, 'Choose another name, or --dir for an empty or new folder.');
      }
      const files = starterProject(name, { profile: !flags.skipProfileSetup });
      for (const [rel, text] of files) {
        const abs = join(dir, rel);
        makeDirs(dirname(abs));
        writeFileSync(abs, text, { flag: 'wx' });
      }
      ctx.output.out(`Created project "${name}" in ${dir} (${files.size} files).`);
      ctx.output.out(`Next: cd ${flags.dir ?? name} && sm build`);
      ctx.exitCode = EXIT.ok;
    });
}

/** Ask on the terminal until the answer is a valid name; end of input (Ctrl-D) is a usage error. */
async function askName(ctx: CliContext): Promise<string> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const onAbort = () => rl.close();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    rl.setPrompt('Project name (letters, digits, underscores): ');
    rl.prompt();
    // Lines typed ahead of the prompt are kept by the iterator, not lost.
    for await (const line of rl) {
      const answer = line.trim();
      if (NAME.test(answer)) return answer;
      ctx.output.err(`"${answer}" is not a valid name: use letters, digits and underscores, starting with a letter or underscore.`);
      rl.prompt();
    }
    throw usage('No project name given: sm init stopped without writing anything.');
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    rl.close();
  }
}

/** A valid name close to `name`: runs of other characters become one underscore, none at the ends (`../escape` gives `escape`, `` gives `my_project`). */
function suggestName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').replace(/^(\d)/, '_$1');
  return s || 'my_project';
}
