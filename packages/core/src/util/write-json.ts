import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { jsonText } from './json-text.ts';

/**
 * Write a file via a temporary file and a rename, so a reader never sees half a file. When the
 * write fails (a full disk, a read-only folder) the temporary file is removed and the error
 * names `path`: a failed `write` carries no path of its own, and the user must learn which file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err === 'object' && typeof err.path !== 'string') err.path = path;
    throw e;
  }
}

/** {@link writeFileAtomic} of a value as JSON ({@link jsonText}: bigints as strings). */
export function writeJsonFileAtomic(path: string, data: unknown): void {
  writeFileAtomic(path, jsonText(data));
}
