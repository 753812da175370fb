import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { codeFingerprint } from '../project/code-fingerprint.ts';
import { findProjectFile, readProjectFile } from '../project/project-file.ts';
import { profileSearchPath } from '../project/profiles.ts';
import type { ProjectConfig } from '../types.ts';

/** What the project's inputs were when they were compiled, taken cheaply enough to check on every command. */
export interface InputProof {
  /**
   * Everything that is not a file below the project: sm's own code, the options that shape
   * compiling (target, vars, profiles dir), the environment variables the project file and
   * profiles.yml name, and where profiles.yml is looked for.
   */
  readonly key: string;
  /** Every file that may be read: path (relative to the project), size, mtime, ctime; flat, four entries a file. */
  readonly files: readonly (string | number)[];
  /** Every folder walked, path and mtime, flat (a file added, removed or renamed changes a folder's mtime). */
  readonly dirs: readonly (string | number)[];
  /** The YAML files at the project's root (project file, selectors, packages...), by name. */
  readonly rootYaml: readonly string[];
  /**
   * The environment variables any YAML file below the project names in `env_var()` (loading
   * renders YAML values: a schema or a var may come from the environment), and a hash of their
   * values then (the values themselves are not kept: one may be a secret).
   */
  readonly yamlEnv: { readonly names: readonly string[]; readonly hash: string };
}

/** A hash of the environment variables `names` as they are in `env`. */
function envHash(names: readonly string[], env: NodeJS.ProcessEnv): string {
  return createHash('sha256').update(JSON.stringify(names.map((n) => [n, env[n] ?? null]))).digest('hex');
}

/** The options that shape what a project compiles to, besides its files. */
export interface ProofOptions {
  readonly projectDir: string;
  readonly profilesDir?: string | undefined;
  readonly target?: string | undefined;
  readonly vars?: Record<string, unknown> | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** `--threads`, which leaves the target's own `threads:` unchecked. */
  readonly threads?: number | undefined;
  readonly targetPath?: string | undefined;
  readonly profile?: string | undefined;
  /** `--store-failures`: what a test without its own store_failures renders to depends on it (dbt's not_null selects every column). */
  readonly storeFailures?: boolean | undefined;
  readonly versionCheck?: boolean | undefined;
}

const ENV_VAR = /env_var\(\s*['"]([^'"]+)['"]/g;

/**
 * The key of an invocation (see {@link InputProof.key}): equal keys and unchanged files mean
 * project file, profile, target, vars and secrets resolve as before, so nothing needs parsing
 * to know it. Undefined when there is no project file (compile reports that).
 */
export function proofKey(o: ProofOptions): string | undefined {
  try {
    return keyOf(o);
  } catch {
    // Unreadable inputs: loading reports them, naming the file; there is no proof to give.
    return undefined;
  }
}

function keyOf(o: ProofOptions): string | undefined {
  const dir = resolve(o.projectDir);
  const file = findProjectFile(dir);
  if (!file) return undefined;
  const env = o.env ?? process.env;
  const candidates = profileSearchPath({ projectDir: dir, profilesDir: o.profilesDir, env, profileName: '', projectName: '' }).map((d) => join(d, 'profiles.yml'));
  const profiles = candidates.find((p) => statOf(p));
  const texts = [readFileSync(join(dir, file), 'utf8'), profiles ? readFileSync(profiles, 'utf8') : ''];
  const names = [...new Set(texts.flatMap((t) => [...t.matchAll(ENV_VAR)].map((m) => m[1]!)))].sort();
  const h = createHash('sha256');
  h.update(JSON.stringify({ code: codeFingerprint(), dir, file, target: o.target ?? null, profile: o.profile ?? null, vars: o.vars ?? null, profilesDir: o.profilesDir ?? null, storeFailures: !!o.storeFailures, versionCheck: o.versionCheck !== false, env: names.map((n) => [n, env[n] ?? null]) }));
  // Which candidate holds profiles.yml, and each one's file as it is now.
  for (const p of candidates) h.update(`\0${p}\0${JSON.stringify(stamp(statOf(p)))}`);
  h.update(`\0${JSON.stringify(stamp(statOf(join(dir, file))))}`);
  for (const t of texts) h.update(`\0${t.length}\0`).update(t);
  return h.digest('hex');
}

/**
 * A change within this long of a recorded time may leave size and mtime as they were (file
 * systems keep mtimes to a clock tick, some to a second or two): such a proof is not trusted.
 */
const RACY_MS = 2000;

/**
 * Take the proof after a load that started at `loadedSince` (ms since the epoch): the key, and
 * every file and folder below the project's resource folders (each `...Paths` setting of the
 * project file and the packages install path) and the files at the project's root. More than
 * load reads, never less: a change to any of them makes the next command compile afresh. A file
 * or folder changed less than {@link RACY_MS} before the load could have changed again, unseen,
 * while it was read: then the proof is void (empty key) and the next command compiles afresh
 * and takes a new one.
 */
export function takeProof(o: ProofOptions, config: ProjectConfig, key: string, loadedSince: number): InputProof {
  const dir = resolve(o.projectDir);
  const files: (string | number)[] = [];
  const dirs: (string | number)[] = [];
  const seen = new Set<string>();
  const walk = (rel: string, root = false) => {
    const abs = resolve(dir, rel);
    const st = statOf(abs);
    // A resource folder not there yet (a project without tests/) is recorded as absent: one made later holds files to load.
    if (!st && root) dirs.push(rel, ABSENT);
    if (!st?.isDirectory() || seen.has(abs)) return;
    seen.add(abs);
    dirs.push(rel, st.mtimeMs);
    for (const ent of readdirSync(abs, { withFileTypes: true })) {
      if (ent.name.startsWith('.')) continue;
      const r = `${rel}/${ent.name}`;
      // Links to folders are not followed, as discover() does not follow them: following them, a
      // link back up the tree was a walk without end (each path new), growing to gigabytes.
      if (ent.isDirectory()) {
        walk(r);
        continue;
      }
      const s = statOf(join(abs, ent.name));
      if (s && !s.isDirectory()) files.push(r, s.size, s.mtimeMs, s.ctimeMs);
    }
  };
  const roots = resourceFolders(config);
  // A resource folder that is the project itself would take in target/: no proof is possible then.
  if (roots.some((r) => resolve(dir, r) === dir)) return voidProof(files, dirs);
  for (const root of roots) walk(root, true);
  // A `local:` package is installed as a link to its folder, which the walk does not follow; loading
  // reads through it (a package's integration_tests/ links the package itself): walk what it reads there.
  for (const pkg of linkedPackages(dir, config)) {
    const folders = resourceFolders(pkg.config).filter((f) => f !== pkg.config.packagesInstallPath?.replace(/\/+$/, ''));
    if (folders.some((f) => resolve(dir, pkg.rel, f) === resolve(dir, pkg.rel))) return voidProof(files, dirs);
    for (const f of folders) walk(`${pkg.rel}/${f}`);
    for (const ent of readdirSync(resolve(dir, pkg.rel), { withFileTypes: true })) {
      const st = ent.name.startsWith('.') ? undefined : statOf(resolve(dir, pkg.rel, ent.name));
      if (st && !st.isDirectory()) files.push(`${pkg.rel}/${ent.name}`, st.size, st.mtimeMs, st.ctimeMs);
    }
  }
  const rootYaml = rootYamlOf(dir);
  for (const f of rootYaml) {
    const st = statOf(join(dir, f));
    if (st) files.push(f, st.size, st.mtimeMs, st.ctimeMs);
  }
  const racy = loadedSince - RACY_MS;
  let fresh = false;
  for (let i = 1; i < dirs.length && !fresh; i += 2) fresh = (dirs[i] as number) >= racy;
  // Only content changes race: they move mtime (a utimes or chmod moves ctime alone, and ctime is compared).
  for (let i = 2; i < files.length && !fresh; i += 4) fresh = (files[i] as number) >= racy;
  const names = new Set<string>();
  for (let i = 0; i < files.length; i += 4) {
    const rel = files[i] as string;
    if (!/\.ya?ml$/.test(rel)) continue;
    const text = readFileSync(resolve(dir, rel), 'utf8');
    if (text.includes('env_var')) for (const m of text.matchAll(ENV_VAR)) names.add(m[1]!);
  }
  const sorted = [...names].sort();
  return { key: fresh ? '' : key, files, dirs, rootYaml, yamlEnv: { names: sorted, hash: envHash(sorted, o.env ?? process.env) } };
}

/** Whether every file and folder of the proof is as it was. About one `stat` per file. */
export function proofHolds(o: ProofOptions, proof: InputProof, key: string): boolean {
  if (!proof.key || proof.key !== key) return false;
  if (proof.yamlEnv.names.length && envHash(proof.yamlEnv.names, o.env ?? process.env) !== proof.yamlEnv.hash) return false;
  const dir = resolve(o.projectDir);
  if (rootYamlOf(dir).join('\0') !== proof.rootYaml.join('\0')) return false;
  const at = (rel: string) => (rel.startsWith('/') ? rel : `${dir}/${rel}`);
  const { dirs, files } = proof;
  for (let i = 0; i < dirs.length; i += 2) {
    const st = statSync(at(dirs[i] as string), NO_THROW);
    if ((st ? st.mtimeMs : ABSENT) !== dirs[i + 1]) return false;
  }
  for (let i = 0; i < files.length; i += 4) {
    const st = statSync(at(files[i] as string), NO_THROW);
    if (!st || st.size !== files[i + 1] || st.mtimeMs !== files[i + 2] || st.ctimeMs !== files[i + 3]) return false;
  }
  return true;
}

const NO_THROW = { throwIfNoEntry: false } as const;
/** A folder's mtime in a proof when it did not exist. */
const ABSENT = -1;

/** Resource folders: every `...Paths` list of the project file, and where packages are installed. */
function resourceFolders(config: ProjectConfig): string[] {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(config)) {
    if (/Paths$/.test(k) && Array.isArray(v)) for (const p of v) if (typeof p === 'string') out.add(p.replace(/\/+$/, ''));
  }
  if (config.packagesInstallPath) out.add(config.packagesInstallPath.replace(/\/+$/, ''));
  return [...out];
}

/** A proof no key matches: the next command compiles afresh. */
function voidProof(files: (string | number)[], dirs: (string | number)[]): InputProof {
  return { key: '', files, dirs, rootYaml: [], yamlEnv: { names: [], hash: '' } };
}

/** The packages installed as links to folders (`local:` ones), each with its folder relative to the project and its project file. */
function linkedPackages(dir: string, config: ProjectConfig): { rel: string; config: ProjectConfig }[] {
  const install = config.packagesInstallPath?.replace(/\/+$/, '');
  const abs = install ? resolve(dir, install) : undefined;
  if (!abs || !statOf(abs)?.isDirectory()) return [];
  const out: { rel: string; config: ProjectConfig }[] = [];
  for (const ent of readdirSync(abs, { withFileTypes: true })) {
    if (!ent.isSymbolicLink() || ent.name.startsWith('.') || !statOf(join(abs, ent.name))?.isDirectory()) continue;
    const pf = readProjectFile(join(abs, ent.name), []);
    if (pf) out.push({ rel: `${install}/${ent.name}`, config: pf.config });
  }
  return out;
}

function rootYamlOf(dir: string): string[] {
  return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function stamp(st: Stats | undefined): [number, number, number] | undefined {
  return st ? [st.size, st.mtimeMs, st.ctimeMs] : undefined;
}
