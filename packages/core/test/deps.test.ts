import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSmProjectError, loadProjectCollecting } from '../src/index.ts';
import { deps } from '../src/deps-api.ts';
import { writeProject } from './fixture.ts';
import { startHub } from './hub-server.ts';

/** A bare git repository holding `files`, tagged `tags` (each tag a commit with the files as then). */
function bareRepo(commits: { files: Record<string, string>; tag?: string }[]): { url: string; shas: string[] } {
  const work = writeProject({});
  const src = join(work, 'src');
  mkdirSync(src);
  const git = (cwd: string, ...a: string[]) => execFileSync('git', a, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git(src, 'init', '-q', '-b', 'main');
  const shas: string[] = [];
  for (const c of commits) {
    for (const [rel, text] of Object.entries(c.files)) {
      mkdirSync(dirname(join(src, rel)), { recursive: true });
      writeFileSync(join(src, rel), text);
    }
    git(src, 'add', '-A');
    git(src, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', c.tag ?? 'c');
    if (c.tag) git(src, 'tag', c.tag);
    shas.push(git(src, 'rev-parse', 'HEAD'));
  }
  git(work, 'clone', '-q', '--bare', src, 'repo.git');
  return { url: `file://${join(work, 'repo.git')}`, shas };
}

const quiet = { onEvent: () => {} };

describe('sm deps', () => {
  it('installs local and git packages and writes the lock file dbt 1.11 writes, hash included', async () => {
    const repo = bareRepo([
      { files: { 'dbt_project.yml': "name: gitpkg\nversion: '1.0.0'\n", 'macros/m.sql': '{% macro v() %}1{% endmacro %}' }, tag: '1.0.0' },
      { files: { 'macros/m.sql': '{% macro v() %}2{% endmacro %}' }, tag: '2.0.0' },
    ]);
    const dir = writeProject({
      'sm_project.yml': 'name: deps_rec\nprofile: p\n',
      'localpkg/dbt_project.yml': "name: localpkg\nversion: '1.0.0'\n",
      'packages.yml': `packages:\n  - local: localpkg\n  - git: "${repo.url}"\n    revision: 1.0.0\n  - git: "${repo.url}"\n    revision: 1.0.0\n`,
    });
    const out = await deps({ projectDir: dir, ...quiet });
    expect(out.installed).toEqual([
      { name: 'localpkg', source: 'local', version: undefined },
      { name: 'gitpkg', source: 'git', version: repo.shas[0] },
    ]);
    // Shape recorded from `dbt deps` (dbt-core 1.11.16) on this packages.yml with a file:// repository;
    // the hash covers the entries as written, so it is computed here for this run's URL.
    expect(out.lockWritten).toBe(true);
    const lock = readFileSync(join(dir, 'package-lock.yml'), 'utf8');
    expect(lock.replace(/sha1_hash: [0-9a-f]{40}\n$/, '')).toBe(`packages:\n  - local: localpkg\n    name: localpkg\n  - git: ${repo.url}\n    name: gitpkg\n    revision: ${repo.shas[0]}\n`);
    expect(lock).toMatch(/\nsha1_hash: [0-9a-f]{40}\n$/);
    expect(lstatSync(join(dir, 'dbt_packages', 'localpkg')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'dbt_packages', 'localpkg'))).toBe(join(dir, 'localpkg'));
    expect(readFileSync(join(dir, 'dbt_packages', 'gitpkg', 'macros', 'm.sql'), 'utf8')).toContain('1');
    const p = loadProjectCollecting({ projectDir: dir });
    expect(p.packages.map((x) => x.name)).toEqual(['gitpkg', 'localpkg']);
    expect(p.macros.map((m) => m.uniqueId)).toEqual(['macro.gitpkg.m']);
  });

  it("computes dbt's sha1_hash of packages.yml (recorded from dbt 1.11.16 on dbt-utils' and jaffle-shop's packages.yml)", async () => {
    const { packagesHash } = await import('../src/deps/lock-hash.ts');
    const { readPackageSpecs } = await import('../src/project/package-specs.ts');
    const hashOf = (yml: string) => packagesHash(readPackageSpecs(writeProject({ 'packages.yml': yml }), []).specs);
    expect(hashOf('packages:\n    - local: ../\n')).toBe('de2deba3d66ce03d8c02949013650cc9b94f6030');
    expect(
      hashOf(
        'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n  - package: godatadriven/dbt_date\n    version: 0.10.0\n  - git: "https://github.com/dbt-labs/dbt-audit-helper.git"\n    revision: main\n',
      ),
    ).toBe('f2a73967505955af30d18f70489a423fd47cdf79');
  });

  it('checks out a subdirectory of a repository at a commit, and installs from the lock without resolving again', async () => {
    const repo = bareRepo([
      { files: { 'README.md': 'root', 'pkgs/inner/dbt_project.yml': 'name: inner\n' } },
      { files: { 'pkgs/inner/dbt_project.yml': 'name: inner\nversion: 9.9.9\n' } },
    ]);
    const dir = writeProject({ 'packages.yml': `packages:\n  - git: ${repo.url}\n    revision: ${repo.shas[0]}\n    subdirectory: pkgs/inner\n` });
    const first = await deps({ projectDir: dir, ...quiet });
    expect(first.lockWritten).toBe(true);
    expect(readFileSync(join(dir, 'package-lock.yml'), 'utf8')).toContain(`revision: ${repo.shas[0]}\n    subdirectory: pkgs/inner\n`);
    expect(readFileSync(join(dir, 'dbt_packages', 'inner', 'dbt_project.yml'), 'utf8')).toBe('name: inner\n');
    expect(existsSync(join(dir, 'dbt_packages', 'inner', 'README.md'))).toBe(false);
    const again = await deps({ projectDir: dir, ...quiet });
    expect(again.lockWritten).toBe(false);
    expect(again.installed.map((x) => x.name)).toEqual(['inner']);
  });

  it('keeps the installed packages when an install fails, and says which package and what to do', async () => {
    const dir = writeProject({ 'pkg/dbt_project.yml': 'name: pkg\n', 'packages.yml': 'packages:\n  - local: pkg\n' });
    await deps({ projectDir: dir, ...quiet });
    writeFileSync(join(dir, 'packages.yml'), 'packages:\n  - local: pkg\n  - git: file:///nonexistent/repo.git\n    revision: v1\n');
    const err = await deps({ projectDir: dir, ...quiet }).catch((e: unknown) => e);
    expect(isSmProjectError(err)).toBe(true);
    const d = (err as { diagnostics: { code: string; message: string; hint?: string }[] }).diagnostics[0]!;
    expect(d.code).toBe('SM_DEPS_FAILED');
    expect(d.message).toContain('git clone --quiet --depth 1 file:///nonexistent/repo.git');
    expect(d.hint).toContain('git URL and revision');
    expect(existsSync(join(dir, 'dbt_packages', 'pkg', 'dbt_project.yml'))).toBe(true);
  });

  describe('hub packages (against a local server in the hub format; the real hub is not reachable here)', () => {
    let hub: Awaited<ReturnType<typeof startHub>>;
    const proj = (name: string) => ({ 'dbt_project.yml': `name: ${name}\nversion: '1.0.0'\n` });
    beforeAll(async () => {
      hub = await startHub({
        'org/alpha': { '1.0.0': { files: { ...proj('alpha'), 'macros/a.sql': '{% macro a() %}1{% endmacro %}' }, packages: [{ package: 'org/beta', version: ['>=1.0.0', '<2.0.0'] }] } },
        'org/beta': {
          '1.0.0': { files: proj('beta') },
          '1.1.0': { files: proj('beta') },
          '1.2.0': { files: proj('beta'), requireDbtVersion: ['>=0.20.0', '<0.21.0'] },
          '1.3.0-b1': { files: proj('beta') },
          '2.0.0': { files: proj('beta') },
        },
      });
    });
    afterAll(() => hub.close());

    it("resolves ranges and transitive packages as dbt does (lock recorded from dbt deps against this server)", async () => {
      const dir = writeProject({ 'packages.yml': "packages:\n  - package: org/alpha\n    version: 1.0.0\n  - package: org/beta\n    version: '>=1.0.0'\n" });
      const said: string[] = [];
      const out = await deps({ projectDir: dir, hubUrl: hub.url, onEvent: (e: { message: string }) => said.push(e.message) });
      // beta: 2.0.0 is outside alpha's range, 1.3.0-b1 a prerelease, 1.2.0 needs dbt 0.20: dbt 1.11.16 chose 1.1.0 and wrote this.
      expect(readFileSync(join(dir, 'package-lock.yml'), 'utf8')).toBe(
        'packages:\n  - name: alpha\n    package: org/alpha\n    version: 1.0.0\n  - name: beta\n    package: org/beta\n    version: 1.1.0\nsha1_hash: 21dd0555b267fbdd69afb9f6c3b57e71ad620b31\n',
      );
      expect(out.updatesAvailable).toEqual(['org/beta']);
      // dbt's line, its list as Python prints one (the command is sm's).
      expect(said).toContain("Updates available for packages: ['org/beta'] \nUpdate your versions in packages.yml, then run sm deps");
      expect(readFileSync(join(dir, 'dbt_packages', 'alpha', 'macros', 'a.sql'), 'utf8')).toContain('macro a()');
      expect(existsSync(join(dir, 'dbt_packages', 'beta', 'dbt_project.yml'))).toBe(true);
    });

    it('installs a tarball package, with the list in dependencies.yml', async () => {
      const dir = writeProject({
        'dependencies.yml': `packages:\n  - tarball: ${hub.url}tarballs/org/alpha/1.0.0.tar.gz\n    name: alpha\n  - local: vendor/odd\n`,
        'vendor/odd/dbt_project.yml': 'name: odd\n',
      });
      const out = await deps({ projectDir: dir, hubUrl: hub.url, ...quiet });
      expect(out.installed.map((x) => [x.name, x.source])).toEqual([
        ['alpha', 'tarball'],
        ['odd', 'local'],
      ]);
      expect(readFileSync(join(dir, 'dbt_packages', 'alpha', 'macros', 'a.sql'), 'utf8')).toContain('macro a()');
      expect(readFileSync(join(dir, 'package-lock.yml'), 'utf8')).toContain(`  - name: alpha\n    tarball: ${hub.url}tarballs/org/alpha/1.0.0.tar.gz\n`);
    });

    // dbt 1.11.16 checks a version pinned in package-lock.yml against its own version too: dbt-labs/rapid-onboarding-exemplar's
    // lock pins brooklyn-data/dbt_artifacts 2.6.2 (require-dbt-version >=1.3.0, <1.8.0), and `dbt deps` stopped with exit 2,
    // "Could not find a matching compatible version for package brooklyn-data/dbt_artifacts / Requested range: =2.6.2, =2.6.2 /
    // Compatible versions: [...] / To include them, run 'dbt --no-version-check deps'", installing nothing; with
    // --no-version-check (or DBT_VERSION_CHECK=false) it installed 2.6.2. sm installed it without a word.
    it('refuses a locked hub version that does not accept dbt 1.11 unless the version check is off, as dbt', async () => {
      const { lockFileText, packagesHash } = await import('../src/deps/lock-hash.ts');
      const { readPackageSpecs } = await import('../src/project/package-specs.ts');
      const yml = 'packages:\n  - package: org/beta\n    version: 1.2.0\n';
      const dir = writeProject({ 'packages.yml': yml });
      const hash = packagesHash(readPackageSpecs(dir, []).specs);
      writeFileSync(join(dir, 'package-lock.yml'), lockFileText([{ name: 'beta', package: 'org/beta', version: '1.2.0' }], hash));
      const err = await deps({ projectDir: dir, hubUrl: hub.url, ...quiet }).catch((e: unknown) => e);
      expect(isSmProjectError(err)).toBe(true);
      expect((err as Error).message).toContain('org/beta 1.2.0, pinned in package-lock.yml, requires dbt >=0.20.0, <0.21.0');
      expect((err as Error).message).toContain('--no-version-check');
      expect(existsSync(join(dir, 'dbt_packages', 'beta'))).toBe(false);
      const out = await deps({ projectDir: dir, hubUrl: hub.url, versionCheck: false, ...quiet });
      expect(out.lockWritten).toBe(false);
      expect(out.installed).toEqual([{ name: 'beta', source: 'hub', version: '1.2.0' }]);
      // Resolved afresh with the check off, every version is a candidate, as dbt's --no-version-check.
      const fresh = writeProject({ 'packages.yml': yml });
      await expect(deps({ projectDir: fresh, hubUrl: hub.url, ...quiet })).rejects.toThrow(/Could not find a version of org\/beta/);
      expect((await deps({ projectDir: fresh, hubUrl: hub.url, versionCheck: false, ...quiet })).installed.map((x) => x.version)).toEqual(['1.2.0']);
    });

    it('reports ranges that cannot be met, and a package the hub does not know', async () => {
      const clash = writeProject({ 'packages.yml': "packages:\n  - package: org/alpha\n    version: 1.0.0\n  - package: org/beta\n    version: ['>=2.0.0']\n" });
      const e1 = await deps({ projectDir: clash, hubUrl: hub.url, ...quiet }).catch((e: unknown) => e);
      expect((e1 as Error).message).toContain('Version error for package org/beta: Could not find a satisfactory version from options');
      const unknown = writeProject({ 'packages.yml': 'packages:\n  - package: org/gamma\n    version: 1.0.0\n' });
      const e2 = await deps({ projectDir: unknown, hubUrl: hub.url, ...quiet }).catch((e: unknown) => e);
      expect((e2 as Error).message).toContain(`Package org/gamma was not found in the package index at ${hub.url}`);
    });
  });
});
