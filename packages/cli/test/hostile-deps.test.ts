import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm, smProcess } from './run-cli.ts';

/** Exit code of `sm deps` in a child process, or 'hung' when it has not returned within 15 s (then it is killed). */
async function depsIn(dir: string): Promise<number | null | 'hung'> {
  const child = smProcess(['deps', '--project-dir', dir]);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const [code, signal] = await new Promise<[number | null, string | null]>((res) => child.on('exit', (c, s) => res([c, s])));
  clearTimeout(timer);
  return signal === 'SIGKILL' ? 'hung' : code;
}

/** packages.yml shapes a user can get wrong, or that are unusual but fine. */
describe('hostile sm deps', () => {
  // dbt 1.11.16 (recorded) never returns on this project: its resolution expands a and b forever.
  it('two local packages that list each other install once each, and sm deps returns', async () => {
    const dir = writeProject({
      'packages.yml': 'packages:\n  - local: pk/a\n',
      // A package's local path is relative to the root project, as in dbt.
      'pk/a/dbt_project.yml': "name: a\nversion: '1.0'\n",
      'pk/a/packages.yml': 'packages:\n  - local: pk/b\n',
      'pk/b/dbt_project.yml': "name: b\nversion: '1.0'\n",
      'pk/b/packages.yml': 'packages:\n  - local: pk/a\n',
      'pk/b/macros/m.sql': '{% macro seven() %}7{% endmacro %}',
      'models/m.sql': 'select {{ b.seven() }} as v',
    });
    expect(await depsIn(dir)).toBe(0);
    expect(readdirSync(join(dir, 'dbt_packages')).sort()).toEqual(['a', 'b']);
    expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
  }, 20_000);

  // dbt 1.11.16 (recorded) exits 2 too, with a Python traceback ending in SemverError.
  it('a hub version that is no version is SM_PACKAGES_INVALID naming the line, not an unexpected error', async () => {
    const dir = writeProject({ 'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1", "<2.0.0"]\n' });
    const r = await sm('deps', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error SM_PACKAGES_INVALID at packages.yml:2:5: Entry 1 of packages.yml: ">=1" in the `version:` of dbt-labs/dbt_utils is not a version');
    expect(r.err).not.toContain('SM_UNEXPECTED');
  });

  // dbt 1.11.16 (recorded 7 Dec 2026) exits 2 on deps, parse and ls alike: "The packages.yml file
  // in this project is malformed ... is not valid under any of the given schemas". Its package
  // contracts take no other keys: it said the same of `warn_unpinned` on a git entry and of
  // `install-prerelease` on a hub one, and accepted `name:` on a local one.
  it('a key that is not one of its form makes the entry invalid, on every command, naming packages.yml', async () => {
    const dir = writeProject({
      'packages.yml': 'packages:\n  - local: pk\n    version: 1.0.0\n',
      'pk/dbt_project.yml': "name: pk\nversion: '1.0'\n",
      'models/m.sql': 'select 1 as id',
    });
    for (const cmd of ['deps', 'parse', 'ls']) {
      const r = await sm(cmd, '--project-dir', dir);
      expect(r.code, cmd).toBe(2);
      expect(r.err).toContain('error SM_PACKAGES_INVALID at packages.yml:2:5: Entry 1 of packages.yml: `version:` is not a key of a `local:` package');
      expect(r.err).toContain('Remove `version:` from the entry');
    }
    const git = writeProject({ 'packages.yml': 'packages:\n  - git: https://example.invalid/x.git\n    revision: main\n    warn_unpinned: false\n' });
    expect((await sm('deps', '--project-dir', git)).err).toContain('`warn_unpinned:` is not a key of a `git:` package');
    const hub = writeProject({ 'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.0.0\n    install-prerelease: true\n' });
    expect((await sm('deps', '--project-dir', hub)).err).toContain('`install-prerelease:` is not a key of a `package:` package');
    const named = writeProject({ 'packages.yml': 'packages:\n  - local: pk\n    name: pk\n', 'pk/dbt_project.yml': "name: pk\nversion: '1.0'\n" });
    expect((await sm('deps', '--project-dir', named)).code).toBe(0);
  });
});
