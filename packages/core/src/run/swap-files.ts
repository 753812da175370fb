import { existsSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeDirs } from '../util/make-dirs.ts';

/**
 * Make folder `to` hold exactly the files of folder `from`, each moved in by one rename over the
 * file it replaces, then remove the files `from` did not have and `from` itself.
 *
 * A rename over an existing file is atomic, so another process reading `to` (a dashboard, a
 * second DuckDB) at any moment finds each file whole, old or new, and never a missing folder;
 * one that has a file open keeps reading the old one. Swapping whole folders by rename could
 * not give that: between moving the old folder aside and the new one in, `to` does not exist.
 * The price: a crash part-way through leaves some files new and some old (each file whole);
 * the next build writes them again.
 */
export function swapFolderFiles(from: string, to: string): void {
  const fresh = new Set(filesUnder(from));
  makeDirs(to);
  for (const f of fresh) {
    makeDirs(dirname(join(to, f)));
    renameSync(join(from, f), join(to, f));
  }
  for (const f of filesUnder(to)) if (!fresh.has(f)) rmSync(join(to, f), { force: true });
  removeEmptyFolders(to);
  rmSync(from, { recursive: true, force: true });
  // Left by the folder-renaming swap of earlier versions after a crash.
  rmSync(`${to}.__sm_old`, { recursive: true, force: true });
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/** Folders left empty by removed files (a partition that no longer has rows); `dir` itself stays. */
function removeEmptyFolders(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const sub = join(dir, e.name);
    removeEmptyFolders(sub);
    if (!readdirSync(sub).length) rmdirSync(sub);
  }
}
