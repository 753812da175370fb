import { createHash } from 'node:crypto';
import { cpSync, existsSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';
import { parseSpecList, readPackageSpecs, type PackageSpec } from '../project/package-specs.ts';
import { readProjectFile } from '../project/project-file.ts';
import type { SourceLocation } from '../types.ts';
import { gitCheckout } from './git-checkout.ts';
import { HubError, type HubClient, type HubVersion } from './hub-client.ts';
import { DepsError } from './deps-error.ts';
import { extractTarGz } from './tar-extract.ts';
import { makeDirs } from '../util/make-dirs.ts';

/** What fetching a package told: its project name, its own packages, and how to install it. */
export interface FetchedPackage {
  /** The `name:` of its dbt_project.yml: the folder it is installed under. */
  name: string;
  /** Its own declared packages (transitive dependencies). */
  packages: PackageSpec[];
  /** Git: the commit checked out; hub: the version. */
  version: string | undefined;
  /** Put the package at `dest` (which does not exist yet). */
  install(dest: string): Promise<void>;
}

/**
 * Where packages come from: a `local:` path (relative to the root project, as dbt resolves
 * every local entry, transitive ones included), a git repository through the system `git`, the
 * hub's index, or a tarball URL. Git checkouts and downloads go to `downloads`, a scratch folder
 * the caller removes.
 */
export class PackageSource {
  readonly #rootDir: string;
  readonly #hub: HubClient;
  readonly #downloads: string;
  readonly #render: ((v: string, where: SourceLocation) => unknown) | undefined;
  #index: Promise<Set<string>> | undefined;

  constructor(rootDir: string, hub: HubClient, downloads: string, render?: (v: string, where: SourceLocation) => unknown) {
    this.#rootDir = rootDir;
    this.#hub = hub;
    this.#downloads = downloads;
    this.#render = render;
  }

  async hubVersions(pkg: string): Promise<Record<string, HubVersion>> {
    this.#index ??= this.#hub.index().then((l) => new Set(l));
    if (!(await this.#index).has(pkg)) throw new DepsError(`Package ${pkg} was not found in the package index at ${this.#hub.baseUrl}; check its spelling (namespace/name, as on hub.getdbt.com).`);
    return this.#hub.versions(pkg);
  }

  /** Fetch `spec` at `version` (hub version, git revision; ignored for local and tarball). */
  async fetch(spec: PackageSpec, version: string | undefined): Promise<FetchedPackage> {
    switch (spec.kind) {
      case 'local': {
        const dir = isAbsolute(spec.local) ? spec.local : resolve(this.#rootDir, spec.local);
        const { name, packages } = this.#project(dir, `local package ${spec.local}`);
        return { name, packages, version: undefined, install: async (dest) => linkOrCopy(dir, dest) };
      }
      case 'git': {
        const into = join(this.#downloads, createHash('md5').update(`${spec.git}\0${spec.subdirectory ?? ''}\0${version ?? 'HEAD'}`).digest('hex'));
        rmSync(into, { recursive: true, force: true });
        const { sha, packageDir } = gitCheckout(spec.git, version, spec.subdirectory, into);
        const { name, packages } = this.#project(packageDir, `git package ${spec.git}${spec.subdirectory ? ` (subdirectory ${spec.subdirectory})` : ''}`);
        return { name, packages, version: sha, install: async (dest) => moveOrCopy(packageDir, dest) };
      }
      case 'hub': {
        const info = (await this.hubVersions(spec.package))[version ?? ''];
        if (!info) throw new DepsError(`The hub has no version ${version} of ${spec.package}; run \`sm deps --upgrade\` to choose again.`);
        const bad: Diagnostic[] = [];
        const packages = parseSpecList(info.packages, `${spec.package} ${version}`, () => ({ file: `${spec.package}@${version}` }), bad);
        if (bad.length) throw new DepsError(`The hub's entry for ${spec.package} ${version} lists packages sm cannot read: ${bad.map((d) => d.message).join('; ')}`);
        return {
          name: String(info.name),
          packages,
          version,
          install: async (dest) => {
            const data = await this.#hub.download(info.downloads.tarball);
            extractInto(data, dest, `${spec.package} ${version}`);
          },
        };
      }
      case 'tarball': {
        const dest0 = join(this.#downloads, createHash('md5').update(spec.tarball).digest('hex'));
        if (!existsSync(dest0)) extractInto(await this.#hub.download(spec.tarball), dest0, spec.tarball);
        const { name, packages } = this.#project(dest0, `tarball ${spec.tarball}`);
        return { name, packages, version: undefined, install: async (dest) => moveOrCopy(dest0, dest) };
      }
    }
  }

  #project(dir: string, what: string): { name: string; packages: PackageSpec[] } {
    if (!existsSync(join(dir, 'dbt_project.yml'))) throw new DepsError(`${what}: no dbt_project.yml at ${dir}. Every package (and each of its own packages) needs one.`);
    const diagnostics: Diagnostic[] = [];
    const pf = readProjectFile(dir, diagnostics);
    if (!pf) throw new DepsError(`${what}: ${diagnostics.map((d) => d.message).join('; ')}`);
    const specs = readPackageSpecs(dir, diagnostics, this.#render);
    const bad = diagnostics.filter((d) => d.severity === 'error');
    if (bad.length) throw new DepsError(`${what}: ${bad.map((d) => `${d.location?.file ?? ''} ${d.message}`).join('; ')}`);
    return { name: pf.config.name, packages: specs.specs };
  }
}

function extractInto(data: Buffer, dest: string, what: string): void {
  makeDirs(dest);
  try {
    extractTarGz(data, dest);
  } catch (e) {
    throw new DepsError(`${what}: the download is not a readable .tar.gz (${(e as Error).message})`);
  }
}

/** As dbt: a local package is a symlink to its folder, or a copy where links cannot be made. */
function linkOrCopy(src: string, dest: string): void {
  if (!existsSync(src)) throw new DepsError(`local package ${src} does not exist`);
  try {
    symlinkSync(src, dest, 'junction');
  } catch {
    cpSync(src, dest, { recursive: true });
  }
}

function moveOrCopy(src: string, dest: string): void {
  try {
    renameSync(src, dest);
  } catch {
    // Another filesystem (the scratch folder is in the OS temp dir): copy instead.
    cpSync(src, dest, { recursive: true });
  }
}

export { HubError };
