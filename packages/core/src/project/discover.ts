import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** A file found under one of the project's resource folders. */
export interface FoundFile {
  /** Absolute path. */
  abs: string;
  /** Relative to the project directory, POSIX separators. */
  rel: string;
  /** Relative to the resource folder it was found under, POSIX separators. */
  inFolder: string;
  /** The resource folder (as written in the project file). */
  folder: string;
}

/** Every file below `folders` whose name ends with one of `exts`, sorted for stable output. */
export function discover(projectDir: string, folders: readonly string[], exts: readonly string[]): FoundFile[] {
  const out: FoundFile[] = [];
  for (const folder of folders) {
    const root = join(projectDir, folder);
    if (!existsSync(root)) continue;
    walk(root, (abs) => {
      if (!exts.some((e) => abs.endsWith(e))) return;
      out.push({ abs, rel: posix(relative(projectDir, abs)), inFolder: posix(relative(root, abs)), folder });
    });
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

function walk(dir: string, visit: (abs: string) => void): void {
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    if (ent.name.startsWith('.')) continue;
    const abs = join(dir, ent.name);
    if (ent.isDirectory()) walk(abs, visit);
    else if (ent.isFile() || (ent.isSymbolicLink() && statSync(abs).isFile())) visit(abs);
  }
}

export function posix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
