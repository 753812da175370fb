import type { PackageSpec } from '../project/package-specs.ts';
import { DBT_COMPAT_VERSION } from '../project/dbt-version.ts';
import { filterInstallable, parseVersion, rangeString, reduceVersions, resolveToSpecificVersion, versionsCompatible, VersionsNotCompatible } from '../util/semver.ts';
import type { HubVersion } from './hub-client.ts';
import type { FetchedPackage, PackageSource } from './package-source.ts';

import { DepsError } from './deps-error.ts';

export { DepsError };

/** A package pinned to one version: a hub version, a git commit, a local path, a tarball URL. */
export interface PinnedPackage {
  spec: PackageSpec;
  /** Hub: the version chosen; git: the revision asked for (the commit once fetched). */
  version: string | undefined;
  /** Hub only: the newest version that would install, to say an update exists. */
  latest?: string | undefined;
  fetched: FetchedPackage;
}

/** Packages named the same way are one package: a git URL with or without `.git`, a hub name, a path. */
function keysOf(s: PackageSpec): string[] {
  switch (s.kind) {
    case 'local':
      return [`local:${s.local}`];
    case 'hub':
      return [`hub:${s.package}`];
    case 'tarball':
      return [`tarball:${s.tarball}`];
    case 'git': {
      const other = s.git.endsWith('.git') ? s.git.slice(0, -4) : `${s.git}.git`;
      const sub = s.subdirectory ? `/${s.subdirectory}` : '';
      return [`git:${s.git}${sub}`, `git:${other}${sub}`];
    }
  }
}

const label = (s: PackageSpec) => (s.kind === 'hub' ? s.package : s.kind === 'git' ? s.git + (s.subdirectory ? `/${s.subdirectory}` : '') : s.kind === 'local' ? s.local : s.tarball);

/** One package as asked for by every entry naming it (dbt's "unpinned" package): their versions or revisions together. */
interface Wanted {
  spec: PackageSpec;
  versions: string[];
  revisions: string[];
}

class Listing {
  readonly map = new Map<string, Wanted>();
  #key(s: PackageSpec): string {
    return keysOf(s).find((k) => this.map.has(k)) ?? keysOf(s)[0]!;
  }
  get(s: PackageSpec): Wanted | undefined {
    return this.map.get(this.#key(s));
  }
  incorporate(s: PackageSpec): void {
    const k = this.#key(s);
    const had = this.map.get(k);
    if (had && had.spec.kind !== s.kind) throw new DepsError(`${label(s)} is asked for both as a ${had.spec.kind} package and as a ${s.kind} package; use one kind in every packages.yml.`);
    const versions = s.kind === 'hub' ? s.versions : [];
    const revisions = s.kind === 'git' && s.revision !== undefined ? [s.revision] : [];
    this.map.set(k, had ? { spec: had.spec, versions: [...had.versions, ...versions], revisions: [...had.revisions, ...revisions] } : { spec: s, versions, revisions });
  }
}

/**
 * dbt's resolution: take the declared packages, fetch each one's metadata (its name and its own
 * packages), fold those in, and repeat until nothing new is asked for. Hub ranges asked for by
 * several packages are reduced to one (a clash is an error naming the ranges); the highest
 * version in range that accepts dbt 1.11 is chosen. Git revisions must agree. Two packages with
 * one project name, or a package named like the root project, are errors.
 */
export async function resolvePackages(declared: readonly PackageSpec[], source: PackageSource, rootName: string, versionCheck = true): Promise<PinnedPackage[]> {
  const final = new Listing();
  let pending = declared.slice();
  const cache = new Map<string, Promise<PinnedPackage>>();
  const keyOf = (w: Wanted) => `${keysOf(w.spec)[0]}@${[...new Set(w.versions)].join(',')}@${[...new Set(w.revisions)].join(',')}`;
  const pin = (w: Wanted) => {
    const k = keyOf(w);
    let p = cache.get(k);
    if (!p) cache.set(k, (p = pinOne(w, source, versionCheck)));
    return p;
  };
  // A package's own packages are folded in once per way it is asked for: packages that ask for each
  // other (a cycle, e.g. two local packages) would otherwise be expanded forever (dbt 1.11.16 hangs).
  const expanded = new Set<string>();
  while (pending.length) {
    const next: PackageSpec[] = [];
    for (const s of pending) {
      final.incorporate(s);
      const w = final.get(s)!;
      const pinned = await pin(w);
      if (expanded.has(keyOf(w))) continue;
      expanded.add(keyOf(w));
      next.push(...pinned.fetched.packages);
    }
    pending = next;
  }
  const out: PinnedPackage[] = [];
  for (const w of final.map.values()) out.push(await pin(w));
  const seen = new Map<string, PinnedPackage>();
  for (const p of out) {
    const name = p.fetched.name;
    if (name === rootName) throw new DepsError(`${label(p.spec)} is a package named "${name}", the root project's own name; remove it from packages.yml.`);
    const twin = seen.get(name);
    if (twin) throw new DepsError(`Two packages are named "${name}": ${label(twin.spec)} and ${label(p.spec)}; keep one of them.`);
    seen.set(name, p);
  }
  return out;
}

async function pinOne(w: Wanted, source: PackageSource, versionCheck: boolean): Promise<PinnedPackage> {
  const s = w.spec;
  if (s.kind === 'git') {
    const revs = [...new Set(w.revisions)];
    if (revs.length > 1) throw new DepsError(`git package ${label(s)} is asked for at several revisions: ${revs.join(', ')}; ask for one.`);
    const fetched = await source.fetch(s, revs[0]);
    return { spec: s, version: fetched.version, fetched };
  }
  if (s.kind !== 'hub') return { spec: s, version: undefined, fetched: await source.fetch(s, undefined) };
  let range;
  try {
    range = reduceVersions(w.versions);
  } catch (e) {
    if (e instanceof VersionsNotCompatible) throw new DepsError(`Version error for package ${s.package}: ${e.message}. Two packages ask for ranges of ${s.package} that do not overlap; change one of them.`);
    throw e;
  }
  const installable = installableVersions(await source.hubVersions(s.package), s.installPrerelease || w.versions.some((v) => parseVersion(v).prerelease !== undefined), versionCheck);
  const target = installable.length ? resolveToSpecificVersion(range, installable) : undefined;
  if (!target) {
    throw new DepsError(
      `Could not find a version of ${s.package} in range ${rangeString(range)} that works with dbt ${DBT_COMPAT_VERSION}. Versions that would: ${installable.join(', ') || 'none'}.`,
    );
  }
  const fetched = await source.fetch(s, target);
  return { spec: s, version: target, latest: installable[installable.length - 1], fetched };
}

/** A hub version's require_dbt_version, as a list of ranges (empty: any dbt). */
export function requiredDbt(info: HubVersion): string[] {
  const req = info.require_dbt_version;
  return (Array.isArray(req) ? req : typeof req === 'string' && req ? req.split(',') : []).map((x) => x.trim());
}

/** Whether a hub version's require_dbt_version accepts dbt 1.11 (as dbt's deps checks it, unless --no-version-check). */
export function acceptsDbt(info: HubVersion): boolean {
  const list = requiredDbt(info);
  return !list.length || versionsCompatible([parseVersion(DBT_COMPAT_VERSION), ...list]);
}

/** Versions of a hub package that may be installed, lowest first: those whose require_dbt_version accepts dbt 1.11 (all with `versionCheck` false), prereleases only when asked. */
export function installableVersions(all: Record<string, HubVersion>, prerelease: boolean, versionCheck = true): string[] {
  return filterInstallable(Object.entries(all).filter(([, info]) => !versionCheck || acceptsDbt(info)).map(([v]) => v), prerelease);
}
