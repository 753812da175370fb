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
    // Paths are built by concatenation while walking: path.relative per file was a tenth of a warm load.
    const rootRel = posix(relative(projectDir, root));
    const prefix = rootRel === '' ? '' : `${rootRel}/`;
    walk(root, '', (abs, inFolder) => {
      if (!exts.some((e) => inFolder.endsWith(e))) return;
      out.push({ abs, rel: prefix + inFolder, inFolder, folder });
    });
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

function walk(dir: string, rel: string, visit: (abs: string, rel: string) => void): void {
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    if (ent.name.startsWith('.')) continue;
    const abs = `${dir}${sep}${ent.name}`;
    const r = rel ? `${rel}/${ent.name}` : ent.name;
    if (ent.isDirectory()) walk(abs, r, visit);
    else if (ent.isFile() || (ent.isSymbolicLink() && statSync(abs).isFile())) visit(abs, r);
  }
}

export function posix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** A YAML-declared resource's `path` as dbt's manifest gives it: its file relative to the resource folder (models/, seeds/, ...) it sits in. */
export function pathInResourceFolder(s: { readonly prefix: string; readonly resourcePaths: readonly string[] }, file: string): string {
  const rel = file.slice(s.prefix.length);
  const base = s.resourcePaths.map((p) => p.replace(/\/+$/, '')).find((p) => rel.startsWith(`${p}/`));
  return base ? rel.slice(base.length + 1) : rel;
}
