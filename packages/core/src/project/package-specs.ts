import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { SourceLocation } from '../types.ts';
import { parseYamlText } from './yaml-file.ts';
import { readSourceText } from './source-text.ts';
import { parseVersion } from '../util/semver.ts';

/** One entry of `packages.yml` / `dependencies.yml`, as dbt reads it. */
export type PackageSpec =
  | { kind: 'local'; local: string; name?: string | undefined; raw: Record<string, unknown>; location: SourceLocation }
  | {
      kind: 'git';
      git: string;
      /** `revision:` as written (a branch, tag or commit); undefined means HEAD. */
      revision?: string | undefined;
      subdirectory?: string | undefined;
      warnUnpinned?: boolean | undefined;
      name?: string | undefined;
      raw: Record<string, unknown>;
      location: SourceLocation;
    }
  | { kind: 'hub'; package: string; versions: string[]; installPrerelease: boolean; name?: string | undefined; raw: Record<string, unknown>; location: SourceLocation }
  | { kind: 'tarball'; tarball: string; name: string; raw: Record<string, unknown>; location: SourceLocation };

export interface PackageSpecs {
  /** `packages.yml` or `dependencies.yml` (relative to the project dir); undefined when neither lists packages. */
  file: string | undefined;
  specs: PackageSpec[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The packages a project declares. As dbt: `packages:` in dependencies.yml or packages.yml
 * (not both); an entry is `local:`, `git:` (with `revision:`, `subdirectory:`), `package:` with
 * `version:` (a hub package) or `tarball:` with `name:`. `render` turns `{{ env_var(...) }}` in
 * packages.yml values into text (dbt renders packages.yml but not dependencies.yml).
 */
export function readPackageSpecs(dir: string, diagnostics: Diagnostic[], render: (v: string, where: SourceLocation) => unknown = (v) => v): PackageSpecs {
  const read = (file: string): { data: Record<string, unknown>; locate: (p: (string | number)[]) => SourceLocation } | undefined => {
    const abs = join(dir, file);
    if (!existsSync(abs)) return undefined;
    const y = parseYamlText(readSourceText(abs, file), file, diagnostics);
    if (!y) return undefined;
    if (y.data === null || y.data === undefined) return { data: {}, locate: (p) => y.locate(p) };
    if (!isObj(y.data)) {
      diagnostics.push(diag('SM_PACKAGES_INVALID', `${file} must be a mapping with a \`packages:\` list`, y.locate([])));
      return undefined;
    }
    return { data: y.data, locate: (p) => y.locate(p) };
  };
  const pkgs = read('packages.yml');
  const deps = read('dependencies.yml');
  if (pkgs && deps && 'packages' in pkgs.data && 'packages' in deps.data) {
    diagnostics.push(
      diag('SM_PACKAGES_INVALID', 'Both packages.yml and dependencies.yml list `packages:`', { file: 'dependencies.yml' }, { hint: 'Keep the list in one of the two files, as dbt requires.' }),
    );
    return { file: undefined, specs: [] };
  }
  const useDeps = deps !== undefined && 'packages' in deps.data;
  const src = useDeps ? deps : pkgs;
  const file = useDeps ? 'dependencies.yml' : 'packages.yml';
  if (!src || src.data.packages === undefined || src.data.packages === null) return { file: undefined, specs: [] };
  const list = src.data.packages;
  if (!Array.isArray(list)) {
    diagnostics.push(diag('SM_PACKAGES_INVALID', `\`packages:\` in ${file} must be a list`, src.locate(['packages'])));
    return { file, specs: [] };
  }
  return { file, specs: parseSpecList(list, file, (p) => src.locate(['packages', ...p]), diagnostics, useDeps ? undefined : render) };
}

/** The name a spec's package will have once installed, when it can be known without fetching it. */
export function expectedName(spec: PackageSpec): string | undefined {
  if (spec.name) return spec.name;
  if (spec.kind === 'hub') return spec.package.split('/')[1];
  return undefined;
}

/**
 * Entries of a `packages:` list (from packages.yml, dependencies.yml, a lock file or a hub
 * answer); bad entries become diagnostics located by `locate([index, key?])`. `render`, when
 * given, turns Jinja in string values into values.
 */
export function parseSpecList(
  list: readonly unknown[],
  file: string,
  locate: (path: (string | number)[]) => SourceLocation,
  diagnostics: Diagnostic[],
  render?: (v: string, where: SourceLocation) => unknown,
): PackageSpec[] {
  const specs: PackageSpec[] = [];
  list.forEach((entry, i) => {
    const location = locate([i]);
    if (!isObj(entry)) {
      diagnostics.push(diag('SM_PACKAGES_INVALID', `Entry ${i + 1} of ${file} must be a mapping such as \`- package: dbt-labs/dbt_utils\``, location));
      return;
    }
    const raw = entry;
    const value = (k: string): unknown => {
      const v = entry[k];
      return typeof v === 'string' && render && v.includes('{') ? render(v, locate([i, k])) : v;
    };
    const name = typeof entry.name === 'string' ? entry.name : undefined;
    const bad = (what: string, hint = 'See https://docs.getdbt.com/docs/build/packages for the forms an entry takes.') => diagnostics.push(diag('SM_PACKAGES_INVALID', `Entry ${i + 1} of ${file}: ${what}`, location, { hint }));
    const kind = KINDS.find((k) => k in entry);
    const extra = kind && Object.keys(entry).filter((k) => !KEYS[kind].includes(k));
    if (kind && extra?.length) {
      const list = extra.map((k) => `\`${k}:\``).join(', ');
      return void bad(`${list} ${extra.length > 1 ? 'are not keys' : 'is not a key'} of a \`${kind}:\` package, which takes only ${KEYS[kind].map((k) => `\`${k}:\``).join(', ')} (dbt: "is not valid under any of the given schemas")`, `Remove ${list} from the entry${kind === 'local' ? ' (a local package is used as it is on disk)' : ''}.`);
    }
    if ('local' in entry) {
      const local = value('local');
      if (typeof local !== 'string' || !local) return void bad('`local:` must be a path');
      specs.push({ kind: 'local', local, name, raw, location });
    } else if ('git' in entry) {
      const git = value('git');
      if (typeof git !== 'string' || !git) return void bad('`git:` must be a repository URL');
      const rev = value('revision');
      const sub = value('subdirectory');
      const warn = entry['warn-unpinned'];
      specs.push({
        kind: 'git',
        git,
        revision: rev === undefined || rev === null ? undefined : String(rev),
        subdirectory: typeof sub === 'string' && sub ? sub : undefined,
        warnUnpinned: typeof warn === 'boolean' ? warn : undefined,
        name,
        raw,
        location,
      });
    } else if ('package' in entry) {
      const pkg = value('package');
      if (typeof pkg !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(pkg)) return void bad('`package:` must be `namespace/name` as on hub.getdbt.com');
      const v = entry.version;
      if (v === undefined || v === null) return void bad(`hub package ${pkg} needs a \`version:\` (for example \`version: [">=1.0.0", "<2.0.0"]\`)`);
      const versions = (Array.isArray(v) ? v : [v]).map(String);
      const unreadable = versions.find((x) => !isVersion(x));
      if (unreadable !== undefined) return void bad(`"${unreadable}" in the \`version:\` of ${pkg} is not a version: give major.minor.patch, optionally after >=, >, <=, < or = (for example ">=1.0.0")`);
      const pre = entry.install_prerelease;
      specs.push({ kind: 'hub', package: pkg, versions, installPrerelease: pre === true, name, raw, location });
    } else if ('tarball' in entry) {
      const tarball = value('tarball');
      if (typeof tarball !== 'string' || !tarball) return void bad('`tarball:` must be a URL');
      if (!name) return void bad('a `tarball:` package needs a `name:`');
      specs.push({ kind: 'tarball', tarball, name, raw, location });
    } else if ('private' in entry) {
      bad('`private:` packages need dbt Cloud\'s git provider integration; use a `git:` entry instead');
    } else {
      bad('it needs one of `local:`, `git:`, `package:` or `tarball:`');
    }
  });
  return specs;
}

const KINDS = ['local', 'git', 'package', 'tarball', 'private'] as const;

/** The keys dbt's package contracts take (LocalPackage, GitPackage...): any other key makes the entry invalid. */
const KEYS: Record<(typeof KINDS)[number], readonly string[]> = {
  local: ['local', 'name'],
  git: ['git', 'revision', 'warn-unpinned', 'subdirectory', 'name'],
  package: ['package', 'version', 'install_prerelease', 'name'],
  tarball: ['tarball', 'name'],
  private: ['private', 'provider', 'revision', 'warn-unpinned', 'subdirectory', 'name'],
};

/** Whether dbt reads `text` as a version specifier (1.3.3, >=1.0.0, <2.0.0-b1). */
function isVersion(text: string): boolean {
  try {
    parseVersion(text);
    return true;
  } catch {
    return false;
  }
}
