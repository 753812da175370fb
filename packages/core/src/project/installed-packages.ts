import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { DBT_COMPAT_VERSION } from './dbt-version.ts';
import { parseVersion, SemverError, versionString, versionsCompatible, type Version } from '../util/semver.ts';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { ProjectConfig, SourceLocation } from '../types.ts';
import { readLockFile } from './lock-file.ts';
import { expectedName, readPackageSpecs, type PackageSpec } from './package-specs.ts';
import { readProjectFile } from './project-file.ts';

/** An installed package as loading sees it. */
export interface InstalledPackage {
  config: ProjectConfig;
  /** Absolute directory (a symlink's own path, as `sm deps` made it for a `local:` package). */
  dir: string;
  /** The directory relative to the root project, POSIX separators, ending in `/`: the prefix of its files' paths. */
  prefix: string;
}

/**
 * The packages under the root project's `packages-install-path` (every directory there holding
 * a project file, as dbt loads them), in dependency order: a package comes after those its own
 * packages.yml names. Problems become diagnostics: packages.yml naming packages that are not
 * installed (run `sm deps`), a directory without a project file, two packages with one name, a
 * `require-dbt-version` this dbt version does not meet.
 */
export function installedPackages(rootDir: string, root: ProjectConfig, diagnostics: Diagnostic[], renderSpec?: (v: string, where: SourceLocation) => unknown, versionCheck = true): InstalledPackage[] {
  if (versionCheck) checkDbtVersion(root, root.file, diagnostics, true);
  const installRel = root.packagesInstallPath.replace(/\/+$/, '');
  const installDir = resolve(rootDir, installRel);
  const found: InstalledPackage[] = [];
  const byName = new Map<string, InstalledPackage>();
  if (existsSync(installDir)) {
    for (const ent of readdirSync(installDir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (ent.name.startsWith('__') || ent.name.startsWith('.')) continue;
      const dir = join(installDir, ent.name);
      if (!isDir(dir)) continue;
      const prefix = `${installRel}/${ent.name}/`;
      if (!existsSync(join(dir, 'dbt_project.yml')) && !existsSync(join(dir, 'sm_project.yml'))) {
        diagnostics.push(
          diag('SM_PACKAGE_INVALID', `${prefix} is not a dbt package: it has no dbt_project.yml`, { file: prefix }, { hint: `Run \`sm deps\` to install packages afresh, or remove ${prefix}.` }),
        );
        continue;
      }
      const local: Diagnostic[] = [];
      const pf = readProjectFile(dir, local);
      for (const d of local) diagnostics.push(relocate(d, prefix));
      if (!pf) continue;
      const config = { ...pf.config, file: prefix + pf.config.file };
      if (config.name === root.name) {
        diagnostics.push(diag('SM_PACKAGE_INVALID', `The package in ${prefix} has the root project's own name "${config.name}"`, { file: config.file }, { hint: 'Remove it from packages.yml and run `sm deps`.' }));
        continue;
      }
      const twin = byName.get(config.name);
      if (twin) {
        diagnostics.push(diag('SM_PACKAGE_INVALID', `Two installed packages are named "${config.name}": ${twin.prefix} and ${prefix}`, { file: config.file }, { hint: 'Run `sm deps` to install packages afresh.' }));
        continue;
      }
      if (versionCheck) checkDbtVersion(config, config.file, diagnostics, false);
      const p = { config, dir, prefix };
      byName.set(config.name, p);
      found.push(p);
    }
  }
  checkInstalled(rootDir, root, found, diagnostics, renderSpec);
  return dependencyOrder(found, rootDir, renderSpec);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function relocate(d: Diagnostic, prefix: string): Diagnostic {
  return d.location ? { ...d, location: { ...d.location, file: prefix + d.location.file } } : d;
}

/** dbt's `require-dbt-version` check, against the dbt version whose behaviour sm follows. */
function checkDbtVersion(config: ProjectConfig, file: string, diagnostics: Diagnostic[], isRoot: boolean): void {
  if (!config.requireDbtVersion.length) return;
  let specs: Version[];
  try {
    specs = config.requireDbtVersion.flatMap((s) => s.split(',')).map((s) => parseVersion(s));
  } catch (e) {
    if (!(e instanceof SemverError)) throw e;
    diagnostics.push(diag('SM_PROJECT_INVALID', `require-dbt-version of "${config.name}": ${e.message}`, { file }, { hint: 'Write versions as ">=1.3.0" or a list such as [">=1.3.0", "<2.0.0"].' }));
    return;
  }
  const shown = specs.map((v) => versionString(v)).join(', ');
  if (!versionsCompatible(specs)) {
    diagnostics.push(diag('SM_PROJECT_INVALID', `require-dbt-version of "${config.name}" can never be met: ${shown}`, { file }));
  } else if (!versionsCompatible([parseVersion(DBT_COMPAT_VERSION), ...specs])) {
    diagnostics.push(
      diag('SM_PACKAGE_VERSION', `"${config.name}" requires dbt ${shown}; sm follows dbt ${DBT_COMPAT_VERSION}`, { file }, {
        hint: isRoot
          ? `Widen require-dbt-version in ${file} if the project works with dbt 1.11, or run with --no-version-check (as dbt).`
          : `Use a version of "${config.name}" made for dbt 1.11 (change its version in packages.yml and run \`sm deps\`), or run with --no-version-check (as dbt).`,
      }),
    );
  }
}

/**
 * As dbt, a project whose packages.yml lists more packages than are installed stops with
 * "run deps"; sm also names the missing ones when their names are known (hub packages, entries
 * with `name:`, `local:` paths, and the names package-lock.yml recorded).
 */
function checkInstalled(rootDir: string, root: ProjectConfig, found: InstalledPackage[], diagnostics: Diagnostic[], renderSpec?: (v: string, where: SourceLocation) => unknown): void {
  const { file, specs } = readPackageSpecs(rootDir, diagnostics, renderSpec);
  if (!file || !specs.length) return;
  const have = new Set(found.map((p) => p.config.name));
  const lock = readLockFile(rootDir, []);
  const missing: string[] = [];
  for (const s of specs) {
    const name = nameOf(s, rootDir, lock?.names);
    if (name !== undefined && !have.has(name)) missing.push(name);
  }
  const where = root.packagesInstallPath.replace(/\/+$/, '');
  if (missing.length || specs.length > found.length) {
    const names = missing.length ? `: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing` : '';
    diagnostics.push(
      diag('SM_DEPS_MISSING', `${file} lists ${specs.length} package(s), but ${found.length} ${found.length === 1 ? 'is' : 'are'} installed in ${where}/${names}`, { file }, {
        hint: 'Run `sm deps` to install the packages.',
      }),
    );
  }
}

function nameOf(s: PackageSpec, rootDir: string, lockNames: Map<string, string> | undefined): string | undefined {
  const known = expectedName(s);
  if (known) return known;
  if (s.kind === 'local') {
    const abs = isAbsolute(s.local) ? s.local : resolve(rootDir, s.local);
    const local: Diagnostic[] = [];
    return existsSync(abs) ? readProjectFile(abs, local)?.config.name : undefined;
  }
  if (s.kind === 'git') return lockNames?.get(`git:${s.git}${s.subdirectory ? `/${s.subdirectory}` : ''}`);
  return undefined;
}

/** Packages after the packages they declare, ties in name order; a cycle keeps name order. */
function dependencyOrder(found: InstalledPackage[], rootDir: string, renderSpec?: (v: string, where: SourceLocation) => unknown): InstalledPackage[] {
  const names = new Set(found.map((p) => p.config.name));
  const lock = readLockFile(rootDir, []);
  const deps = new Map<string, Set<string>>();
  for (const p of found) {
    const own = readPackageSpecs(realDir(p.dir), [], renderSpec).specs;
    const set = new Set<string>();
    for (const s of own) {
      const n = s.kind === 'local' ? nameOf({ ...s, local: isAbsolute(s.local) ? s.local : resolve(realDir(p.dir), s.local) }, rootDir, undefined) : nameOf(s, rootDir, lock?.names);
      if (n && names.has(n) && n !== p.config.name) set.add(n);
    }
    deps.set(p.config.name, set);
  }
  const out: InstalledPackage[] = [];
  const done = new Set<string>();
  const sorted = [...found].sort((a, b) => (a.config.name < b.config.name ? -1 : 1));
  while (out.length < sorted.length) {
    const next = sorted.find((p) => !done.has(p.config.name) && [...deps.get(p.config.name)!].every((d) => done.has(d))) ?? sorted.find((p) => !done.has(p.config.name))!;
    done.add(next.config.name);
    out.push(next);
  }
  return out;
}

function realDir(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
