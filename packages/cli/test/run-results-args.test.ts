import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

/** run_results.json `args` recorded from dbt on the same files, by the command line after `dbt` (the folder-naming keys left out). */
const DBT = (JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'run-results-args.dbt-1.11.json'), 'utf8')) as { args: Record<string, Record<string, unknown>> }).args;

const argsOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { args: Record<string, unknown> }).args;

/** The command line of a fixture key: `run --vars {a: 1}` is `run`, `--vars`, `{a: 1}`; `docs generate --target dev` is `docs`, `generate`, `--target`, `dev`. */
function commandLine(key: string): string[] {
  const words = key.split(' ');
  const command = words[0] === 'docs' ? words.splice(0, 2) : words.splice(0, 1);
  const [flag, ...value] = words;
  return [...command, ...(flag ? [flag] : []), ...(value.length ? [value.join(' ')] : [])];
}

// dbt-core 1.11.16 writes every flag of the command at its value, leaving out those that are
// None (--target, --threads when not given) and full_refresh when false; `dbt test` has no
// --full-refresh (a usage error, so no case here).
describe("run_results.json's args, as dbt 1.11 writes them", () => {
  it('has the key set and values dbt writes for run, build, test, seed, compile and docs generate, with and without --full-refresh, --target, --threads, --vars, --select and --empty-catalog', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: p\nversion: '1.0'\nprofile: p\n",
      'models/m.sql': 'select 1 as id\n',
      'models/s.yml': 'models:\n  - name: m\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
      'seeds/sd.csv': 'id\n1\n',
    });
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    for (const [key, want] of Object.entries(DBT)) {
      const line = commandLine(key);
      const r = await sm(...line, '--project-dir', dir);
      expect(r.code, `${key}: ${r.err}`).toBe(0);
      const { invocation_command, project_dir, profiles_dir, log_path, ...args } = argsOf(dir);
      expect(args, key).toEqual(want);
      // Typed as given; the profile's folder; the logs folder in the project.
      expect([invocation_command, project_dir, profiles_dir, log_path], key).toEqual([['sm', ...line, '--project-dir', dir].join(' '), dir, dir, join(dir, 'logs')]);
    }
  });
});
