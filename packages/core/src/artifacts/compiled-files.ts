import { hash as oneShotHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRelativePaths } from '../project/package-paths.ts';
import type { GraphNode, PackageInfo } from '../types.ts';
import { redact } from '../util/redact.ts';
import { writeFilesAsync } from './write-files.ts';
import { writeJsonFileAtomic } from '../util/write-json.ts';
import { WrittenFiles } from './written-files.ts';
import { sameText } from './run-files.ts';
import { compiledFileOf, nodeFileShape, type NodeFileShape } from './target-paths.ts';

/** The nodes whose compiled SQL is written: models, analyses and data tests (dbt 1.11.16 writes none for a snapshot). */
const HAS_SQL: ReadonlySet<string> = new Set(['model', 'analysis', 'test']);

/** What writing compiled files needs of the project. */
export interface CompiledFilesProject {
  readonly dir: string;
  readonly packages: readonly PackageInfo[];
  readonly secrets: readonly string[];
}

/**
 * Write target/compiled for the selected nodes: the files are still being written when this
 * returns; the promise says when they are. A file written from the same input `digest` is
 * skipped unread (and its node not even looked at: `shape` answers from an index); else one
 * whose content hash is unchanged is left alone.
 */
export function writeCompiledFiles(
  project: CompiledFilesProject,
  nodes: ReadonlyMap<string, GraphNode>,
  selected: readonly string[],
  dir: string,
  cache: WrittenFiles | undefined,
  digest: string | undefined,
  shape: (id: string) => NodeFileShape = (id) => nodeFileShape(nodes.get(id)!),
): Promise<void> {
  const files = new CompiledFiles();
  const root = join(dir, 'compiled');
  const inPackage = packageRelativePaths(project.dir, project.packages);
  const fromDigest = digest ? `:${digest}` : undefined;
  for (const id of selected) {
    const s = shape(id);
    if (!HAS_SQL.has(s.resourceType)) continue;
    const abs = `${root}/${compiledFileOf(s, inPackage)}`;
    // Rewriting ten thousand unchanged files costs more than the whole warm compile. A file
    // written from the same input digest holds this text already; else compare content hashes.
    const was = cache?.writtenAs(abs);
    if (fromDigest && was?.endsWith(fromDigest) && files.exists(abs)) continue;
    const n = nodes.get(id)!;
    if (!('compiledCode' in n) || n.compiledCode === undefined) continue;
    // The file holds the compiled code as manifest.json does, with no newline added, as dbt's.
    const text = redact(n.compiledCode, project.secrets);
    // One-shot hashing: a Hash object per file cost more than hashing its bytes.
    const hash = oneShotHash('sha1', text);
    if (was?.startsWith(`${hash}:`) && files.exists(abs)) {
      cache?.markWritten(abs, `${hash}:${digest ?? ''}`);
      continue;
    }
    files.add(abs, text);
    cache?.markWritten(abs, `${hash}:${digest ?? ''}`);
  }
  return files.write();
}

/** The compiled files to write (paths with `/` before the file name); each folder is listed once to learn what exists. */
class CompiledFiles {
  readonly #listed = new Map<string, Set<string>>();
  readonly #missingDirs = new Set<string>();
  readonly #files: [string, string][] = [];

  #names(d: string): Set<string> {
    let names = this.#listed.get(d);
    if (!names) {
      const there = existsSync(d);
      if (!there) this.#missingDirs.add(d);
      names = new Set(there ? readdirSync(d) : []);
      this.#listed.set(d, names);
    }
    return names;
  }

  exists(abs: string): boolean {
    const cut = abs.lastIndexOf('/');
    return this.#names(abs.slice(0, cut)).has(abs.slice(cut + 1));
  }

  add(abs: string, text: string): void {
    const cut = abs.lastIndexOf('/');
    this.#names(abs.slice(0, cut)).add(abs.slice(cut + 1));
    this.#files.push([abs, text]);
  }

  write(): Promise<void> {
    return writeFilesAsync([...this.#missingDirs], this.#files);
  }
}

/**
 * target/compiled for the `compile` command. When every node is selected and the last compile
 * of every node wrote the tree from the same inputs (`digest`), and each of its folders still
 * holds as many files, nothing is looked at further: on a warm compile of ten thousand models
 * even reading which file was written with what costs more than the rest. Otherwise
 * {@link writeCompiledFiles}, recording what it wrote in `<target>/.sm/compiled-files.json`.
 */
export function writeCompiledTree(
  project: CompiledFilesProject,
  nodes: ReadonlyMap<string, GraphNode>,
  selected: readonly string[],
  targetDir: string,
  digest: string | undefined,
  shape?: Parameters<typeof writeCompiledFiles>[6],
): Promise<void> {
  const whole = selected.length === nodes.size;
  const donePath = join(targetDir, '.sm', 'compiled-files.done.json');
  const root = join(targetDir, 'compiled');
  if (whole && digest && treeHolds(donePath, digest)) return Promise.resolve();
  // A compile of some nodes from the inputs the tree was written from writes what the tree holds: the record stays true.
  if (whole || !digest || recordedDigest(donePath) !== digest) rmSync(donePath, { force: true });
  const written = WrittenFiles.open(join(targetDir, '.sm', 'compiled-files.json'));
  return writeCompiledFiles(project, nodes, selected, targetDir, written, digest, shape).then(
    () => {
      written.save();
      if (whole && digest) {
        // A project with nothing to compile (only seeds) has written no file, so no folder yet.
        mkdirSync(dirname(donePath), { recursive: true });
        writeJsonFileAtomic(donePath, { digest, dirs: countFiles(root) });
      }
    },
    (e: unknown) => {
      // The record already counts those files as written: drop it, so the next compile writes them all.
      written.discard();
      throw e;
    },
  );
}

function treeHolds(donePath: string, digest: string): boolean {
  const done = readDone(donePath);
  if (done?.digest !== digest) return false;
  try {
    return Object.entries(done.dirs).every(([d, n]) => readdirSync(d).length === n);
  } catch {
    return false;
  }
}

const recordedDigest = (donePath: string): string | undefined => readDone(donePath)?.digest;

function readDone(donePath: string): { digest: string; dirs: Record<string, number> } | undefined {
  try {
    return JSON.parse(readFileSync(donePath, 'utf8')) as { digest: string; dirs: Record<string, number> };
  } catch {
    return undefined;
  }
}

/** Folder -> entries, for every folder of the tree under `root`. */
function countFiles(root: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (d: string) => {
    const ents = readdirSync(d, { withFileTypes: true });
    out[d] = ents.length;
    for (const e of ents) if (e.isDirectory()) walk(join(d, e.name));
  };
  if (existsSync(root)) walk(root);
  return out;
}

/**
 * Write, over what {@link writeCompiledTree} wrote for them, the SQL of the selected nodes that
 * compile rendered again with the warehouse (compile/compile-live.ts), and put compile's own SQL
 * back in the files of selected nodes that held such SQL last time and no longer do. Which files
 * hold it is kept in `<target>/.sm/compiled-live.json`, so the tree's record (made from the
 * inputs alone) stays true of every other file and a warm compile still skips them unread. A file
 * that already holds the text is not written again.
 */
export function rewriteCompiledFiles(project: CompiledFilesProject, nodes: ReadonlyMap<string, GraphNode>, selectedIds: readonly string[], live: ReadonlyMap<string, string>, targetDir: string): void {
  const recordPath = join(targetDir, '.sm', 'compiled-live.json');
  const before = readIds(recordPath);
  if (!live.size && !before.length) return;
  const selected = new Set(selectedIds);
  const back = before.filter((id) => selected.has(id) && !live.has(id));
  if (!live.size && !back.length) return;
  const inPackage = packageRelativePaths(project.dir, project.packages);
  const put = (id: string, code: string) => {
    const n = nodes.get(id);
    if (!n) return;
    const abs = `${join(targetDir, 'compiled')}/${compiledFileOf(nodeFileShape(n), inPackage)}`;
    const text = redact(code, project.secrets);
    if (sameText(abs, text)) return;
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  };
  for (const id of back) {
    const n = nodes.get(id);
    if (n && 'compiledCode' in n && n.compiledCode !== undefined) put(id, n.compiledCode);
  }
  for (const [id, code] of live) put(id, code);
  const now = [...before.filter((id) => !selected.has(id)), ...live.keys()];
  mkdirSync(dirname(recordPath), { recursive: true });
  writeJsonFileAtomic(recordPath, now);
}

function readIds(path: string): string[] {
  try {
    const ids = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Write each on-run-start/on-run-end hook's rendered SQL where dbt 1.11's compile does:
 * target/compiled/<package>/dbt_project.yml/hooks/<package>-on-run-start-<i>.sql, as rendered,
 * no newline added (recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1).
 */
export function writeCompiledHooks(dir: string, hooks: readonly { uniqueId: string; compiledCode: string }[]): void {
  for (const h of hooks) {
    const [, pkg, name] = /^operation\.([^.]+)\.(.+)$/.exec(h.uniqueId) ?? [];
    if (!pkg || !name) continue;
    const file = join(dir, 'compiled', pkg, 'dbt_project.yml', 'hooks', `${name}.sql`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, h.compiledCode);
  }
}
