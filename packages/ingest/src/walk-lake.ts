import { isUtf8 } from 'node:buffer';
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { FileReport } from './file-report.ts';

/** A lake file found by the walk. */
export interface LakeFile {
  readonly abs: string;
  /** Relative to the lake root with `/` separators: the `_file` value and the bookkeeping key. */
  readonly rel: string;
  readonly size: number;
  readonly mtimeMs: number;
}

const LAKE_FILE = /\.(json|jsonl|ndjson)$/;

/**
 * The lake files under `<lakeDir>/<topic>`, sorted by relative path, walked here rather than by
 * a glob so that every name stays literal. The rules (README, "Your own data"):
 * - files ending in .json, .jsonl or .ndjson land; names starting with `.` or `_` are skipped
 *   quietly at every level (hidden files, and writers' `_temporary` folders whose files are moved
 *   into place when complete);
 * - a symbolic link to a directory is walked like a folder, but each real directory once: a link
 *   back to a folder being walked (a loop) or to one walked already is reported and skipped;
 * - a symbolic link to a file is refused and reported: it would land its target's rows a second
 *   time under another name;
 * - anything that is not a regular file (a named pipe, a socket, a broken link), a name that is
 *   not UTF-8, or a folder that cannot be read is reported and skipped, and the walk goes on.
 */
export function walkLake(lakeDir: string, topic: string): { files: LakeFile[]; reports: FileReport[] } {
  const files: LakeFile[] = [];
  const reports: FileReport[] = [];
  const root = join(lakeDir, topic);
  const rootStat = statOrUndefined(root);
  if (!rootStat?.isDirectory()) return { files, reports };
  /** `dev:ino` of every directory entered, with the relative path it was first entered by. */
  const seen = new Map<string, string>([[idOf(rootStat), topic]]);
  const stack: Dir[] = [{ abs: root, rel: topic, id: idOf(rootStat) }];
  // Links to folders wait until every real folder is walked, so that files keep their real
  // names when a link also leads to them; then links are followed in name order.
  const links: Dir[] = [];
  const walk = () => {
    while (stack.length) {
      const subdirs = readDir(stack.pop()!, files, reports, links).filter((d) => enter(d));
      // Depth first, in name order: pushed in reverse so the first name is walked first.
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
    }
  };
  /** Whether `d` is a real directory not entered yet (a link or a bind mount may lead back to one). */
  const enter = (d: Dir): boolean => {
    const first = seen.get(d.id);
    if (first === undefined) {
      seen.set(d.id, d.rel);
      return true;
    }
    const loop = d.rel.startsWith(`${first}/`);
    reports.push({ file: `${d.rel}/`, kind: 'skipped', reason: `it leads to ${first}/${loop ? ', which contains it (a loop)' : ', walked already'}; those files land once, under ${first}/` });
    return false;
  };
  walk();
  const lakeReal = realpathSync(lakeDir);
  const rootReal = realpathSync(root);
  const inside = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  while (links.length) {
    links.sort((a, b) => (a.rel < b.rel ? 1 : a.rel > b.rel ? -1 : 0));
    const link = links.pop()!;
    let real: string;
    try {
      real = realpathSync(link.abs);
    } catch (e) {
      reports.push({ file: `${link.rel}/`, kind: 'skipped', reason: `a link that cannot be resolved (${codeOf(e)})` });
      continue;
    }
    if (inside(lakeReal, real)) {
      reports.push({ file: `${link.rel}/`, kind: 'skipped', reason: `a link to ${real}, which contains the lake (a loop)` });
      continue;
    }
    if (inside(real, lakeReal) && !inside(real, rootReal)) {
      reports.push({ file: `${link.rel}/`, kind: 'skipped', reason: `a link into another part of the lake (${relative(lakeReal, real).split(sep).join('/')}/), whose files are not ${topic}` });
      continue;
    }
    if (!enter(link)) continue;
    stack.push(link);
    walk();
  }
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, reports };
}

interface Dir {
  readonly abs: string;
  readonly rel: string;
  /** `dev:ino` of the real directory. */
  readonly id: string;
}

/** One folder: its lake files into `files`, links to folders into `links`; returns its real subfolders in name order. */
function readDir(dir: Dir, files: LakeFile[], reports: FileReport[], links: Dir[]): Dir[] {
  let names: Buffer[];
  try {
    names = readdirSync(dir.abs, { encoding: 'buffer' });
  } catch (e) {
    reports.push({ file: `${dir.rel}/`, kind: 'failed', reason: `cannot read this folder (${codeOf(e)}); its files were not landed` });
    return [];
  }
  names.sort(Buffer.compare);
  const subdirs: Dir[] = [];
  for (const raw of names) {
    if (raw[0] === 0x2e || raw[0] === 0x5f) continue; // `.` or `_`
    if (!isUtf8(raw)) {
      reports.push({ file: `${dir.rel}/${raw.toString('utf8')}`, kind: 'skipped', reason: 'its name is not valid UTF-8, which _file cannot hold; rename it' });
      continue;
    }
    const name = raw.toString('utf8');
    const abs = join(dir.abs, name);
    const rel = `${dir.rel}/${name}`;
    const isLakeFile = LAKE_FILE.test(name);
    let st: Stats;
    try {
      st = lstatSync(abs);
    } catch (e) {
      reports.push({ file: rel, kind: 'failed', reason: `cannot stat it (${codeOf(e)})` });
      continue;
    }
    if (st.isSymbolicLink()) {
      const target = statOrUndefined(abs);
      if (target?.isDirectory()) links.push({ abs, rel, id: idOf(target) });
      else if (isLakeFile && !target) reports.push({ file: rel, kind: 'skipped', reason: 'a symbolic link whose target does not exist' });
      else if (isLakeFile) {
        reports.push({ file: rel, kind: 'skipped', reason: 'a symbolic link to a file; sm lands only regular files (a link would land its target a second time under another name): copy or move the file into the lake' });
      }
      continue;
    }
    if (st.isDirectory()) subdirs.push({ abs, rel, id: idOf(st) });
    else if (!isLakeFile) continue;
    else if (st.isFile()) files.push({ abs, rel, size: st.size, mtimeMs: st.mtimeMs });
    else reports.push({ file: rel, kind: 'skipped', reason: 'not a regular file (a pipe, socket or device); sm lands only regular files' });
  }
  return subdirs;
}

function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

function statOrUndefined(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

function idOf(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}
