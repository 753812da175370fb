import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { diag, SmProjectError, type Diagnostic } from '../diagnostics.ts';
import { LOCK_FILE, readLockFile } from '../project/lock-file.ts';
import { parseSpecList, readPackageSpecs, type PackageSpec } from '../project/package-specs.ts';
import { readProjectFile } from '../project/project-file.ts';
import { renderValue } from '../project/render-value.ts';
import type { SourceLocation } from '../types.ts';
import { GitError, scrubUrl } from './git-checkout.ts';
import { HubClient, HubError } from './hub-client.ts';
import { lockFileText, packagesHash } from './lock-hash.ts';
import { PackageSource } from './package-source.ts';
import { DepsError } from './deps-error.ts';
import { acceptsDbt, installableVersions, requiredDbt, resolvePackages, type PinnedPackage } from './resolve-packages.ts';
import { DBT_COMPAT_VERSION } from '../project/dbt-version.ts';
import { makeDirs } from '../util/make-dirs.ts';

export interface DepsOptions {
  projectDir: string;
  /** `--vars`, for `{{ var(...) }}` in packages.yml. */
  vars?: Record<string, unknown> | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Resolve again even when package-lock.yml matches packages.yml (dbt's `--upgrade`). Default false. */
  upgrade?: boolean | undefined;
  /** Only write package-lock.yml; install nothing (dbt's `--lock`). Default false. */
  lockOnly?: boolean | undefined;
  /** Check each hub version's require-dbt-version, in the lock too (false: dbt's `--no-version-check`). Default true. */
  versionCheck?: boolean | undefined;
  /** The hub's base URL; default `DBT_PACKAGE_HUB_URL` from `env`, else https://hub.getdbt.com/. */
  hubUrl?: string | undefined;
  /** Progress lines, as dbt prints them. */
  onEvent?: ((e: { level: 'info' | 'warn'; message: string }) => void) | undefined;
}

export interface DepsOutcome {
  /** What was installed, in lock order: the installed folder's name, where it came from, the version or commit. */
  installed: { name: string; source: string; version: string | undefined }[];
  /** Whether package-lock.yml was (re)written. */
  lockWritten: boolean;
  /** Hub packages with a newer version that would install. */
  updatesAvailable: string[];
}

/**
 * `sm deps`, as `dbt deps`: resolve packages.yml (or dependencies.yml) with its transitive
 * packages into package-lock.yml unless the lock already matches it (or `upgrade`), then
 * install exactly what the lock pins into the project's packages-install-path. The new folder
 * is built beside the old one and swapped in only when every package installed, so a failure
 * leaves the previous packages in place. Problems throw SmProjectError (exit 2).
 */
export async function deps(opts: DepsOptions): Promise<DepsOutcome> {
  const dir = resolve(opts.projectDir);
  const env = opts.env ?? process.env;
  const say = (message: string, level: 'info' | 'warn' = 'info') => opts.onEvent?.({ level, message });
  const diagnostics: Diagnostic[] = [];
  const pf = readProjectFile(dir, diagnostics);
  if (!pf) throw new SmProjectError(diagnostics);
  const render = (v: string, where: SourceLocation) =>
    renderValue(v, {
      env,
      vars: opts.vars ?? {},
      onMissingEnv: (n) => diagnostics.push(diag('SM_ENV_VAR_MISSING', `Environment variable ${n} is not set`, where, { hint: `export ${n}=... or give env_var('${n}', 'default') a default.` })),
      onMissingVar: (n) => diagnostics.push(diag('SM_VAR_MISSING', `var("${n}") has no value and no default`, where, { hint: `Pass --vars '{${n}: ...}' or give var() a default.` })),
    });
  const declared = readPackageSpecs(dir, diagnostics, render);
  if (diagnostics.some((d) => d.severity === 'error')) throw new SmProjectError(diagnostics);
  const installRel = pf.config.packagesInstallPath.replace(/\/+$/, '');
  const installDir = resolve(dir, installRel);
  const hub = new HubClient(opts.hubUrl ?? env.DBT_PACKAGE_HUB_URL);
  const versionCheck = opts.versionCheck ?? true;
  const downloads = mkdtempSync(join(tmpdir(), 'sm-deps-'));
  try {
    const source = new PackageSource(dir, hub, downloads, render);
    const hash = packagesHash(declared.specs);
    let lock = readLockFile(dir, diagnostics);
    let lockWritten = false;
    if (!declared.specs.length) {
      say(`No packages were found in ${declared.file ?? 'packages.yml'}`, 'warn');
      if (!opts.lockOnly) swapIn(installDir, undefined);
      return { installed: [], lockWritten, updatesAvailable: [] };
    }
    if (!lock || opts.upgrade || lock.sha1Hash !== hash) {
      const pinned = await guard(() => resolvePackages(declared.specs, source, pf.config.name, versionCheck));
      writeFileSync(join(dir, LOCK_FILE), lockFileText(pinned.map(lockEntry), hash));
      say(`Updating lock file in file path: ${join(dir, LOCK_FILE)}`);
      lockWritten = true;
      lock = readLockFile(dir, diagnostics);
    }
    if (opts.lockOnly) return { installed: [], lockWritten, updatesAvailable: [] };
    const lockDiags: Diagnostic[] = [];
    const locked = parseSpecList(lock!.packages, LOCK_FILE, () => ({ file: LOCK_FILE }), lockDiags, render);
    if (lockDiags.length) throw new SmProjectError(lockDiags.map((d) => ({ ...d, hint: 'Delete package-lock.yml and run `sm deps` again.' })));
    const staging = `${installDir}.sm-new-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    makeDirs(staging);
    const installed: DepsOutcome['installed'] = [];
    const updatesAvailable: string[] = [];
    try {
      for (const spec of locked) {
        const label = spec.kind === 'hub' ? spec.package : spec.kind === 'git' ? scrubUrl(spec.git) : spec.kind === 'local' ? spec.local : spec.tarball;
        say(`Installing ${label}`);
        const version = spec.kind === 'hub' ? spec.versions[0] : spec.kind === 'git' ? spec.revision : undefined;
        if (spec.kind === 'hub' && versionCheck) await guard(() => checkLockedVersion(source, spec.package, version));
        const fetched = await guard(() => source.fetch(spec, version));
        const name = spec.name ?? fetched.name;
        await guard(() => fetched.install(join(staging, name)));
        installed.push({ name, source: spec.kind, version: fetched.version });
        say(spec.kind === 'local' ? `Installed from <local @ ${spec.local}>` : spec.kind === 'git' ? `Installed from revision ${fetched.version}` : spec.kind === 'hub' ? `Installed from version ${version}` : `Installed from tarball (url: ${spec.tarball})`);
        if (spec.kind === 'git' && (spec.revision === undefined || ['HEAD', 'main', 'master'].includes(spec.revision)) && spec.warnUnpinned !== false) {
          say(`The git package "${label}" is not pinned, using ${spec.revision ?? 'HEAD (default branch)'}. This can introduce breaking changes into your project without warning!`, 'warn');
        }
        if (spec.kind === 'hub') {
          const latest = await latestInstallable(source, spec, versionCheck);
          if (latest && latest !== version) {
            updatesAvailable.push(spec.package);
            say(`Updated version available: ${latest}`);
          } else say('Up to date!');
        }
      }
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      throw e;
    }
    swapIn(installDir, staging);
    if (updatesAvailable.length) say(`Updates available for packages: [${updatesAvailable.map((p) => `'${p}'`).join(', ')}] \nUpdate your versions in packages.yml, then run sm deps`);
    return { installed, lockWritten, updatesAvailable };
  } finally {
    rmSync(downloads, { recursive: true, force: true });
  }
}

/** The lock entry dbt writes for a pinned package: the pinned source, then `name:`. */
function lockEntry(p: PinnedPackage): Record<string, unknown> {
  const s = p.spec;
  const name = { name: p.fetched.name };
  switch (s.kind) {
    case 'local':
      return { local: s.local, ...name };
    case 'git': {
      // The URL as written in packages.yml: a rendered one may hold a token from the environment.
      const git = typeof s.raw.git === 'string' ? s.raw.git : s.git;
      return { git, revision: p.fetched.version, ...(s.subdirectory ? { subdirectory: s.subdirectory } : {}), ...name };
    }
    case 'hub':
      return { package: s.package, version: p.version, ...name };
    case 'tarball':
      return { tarball: s.tarball, name: s.name };
  }
}

async function latestInstallable(source: PackageSource, spec: Extract<PackageSpec, { kind: 'hub' }>, versionCheck: boolean): Promise<string | undefined> {
  return installableVersions(await source.hubVersions(spec.package), spec.installPrerelease, versionCheck).at(-1);
}

/**
 * A hub version pinned in package-lock.yml must still accept dbt 1.11, as dbt checks it when it
 * installs from the lock (dbt 1.11.16: "Could not find a matching compatible version for package
 * brooklyn-data/dbt_artifacts / Requested range: =2.6.2, =2.6.2", exit 2, nothing installed).
 */
async function checkLockedVersion(source: PackageSource, pkg: string, version: string | undefined): Promise<void> {
  const all = await source.hubVersions(pkg);
  const info = version === undefined ? undefined : all[version];
  if (!info || acceptsDbt(info)) return;
  const would = installableVersions(all, false);
  throw new DepsError(
    `${pkg} ${version}, pinned in ${LOCK_FILE}, requires dbt ${requiredDbt(info).join(', ')}; sm follows dbt ${DBT_COMPAT_VERSION}. Versions that would: ${would.join(', ') || 'none'}. ` +
      'Change its version in packages.yml and run `sm deps` again, or run `sm deps --no-version-check` (as dbt).',
  );
}

/** Replace the install folder with `staging` (or with nothing): the old one is moved aside first and removed last. */
function swapIn(installDir: string, staging: string | undefined): void {
  const old = `${installDir}.sm-old-${process.pid}`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(installDir)) renameSync(installDir, old);
  if (staging) renameSync(staging, installDir);
  else makeDirs(installDir);
  rmSync(old, { recursive: true, force: true });
}

/** Turn the failures of resolving and fetching into project errors (exit 2) with what to do. */
async function guard<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DepsError || e instanceof GitError || e instanceof HubError) {
      throw new SmProjectError([diag('SM_DEPS_FAILED', e.message, undefined, { hint: hintFor(e) })]);
    }
    throw e;
  }
}

function hintFor(e: Error): string {
  if (e instanceof HubError) return 'The hub could not be read; check the network, or DBT_PACKAGE_HUB_URL if you use a mirror.';
  if (e instanceof GitError) return 'Check the git URL and revision in packages.yml, and that git can reach the repository.';
  return 'Fix packages.yml and run `sm deps` again.';
}
