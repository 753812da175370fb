import { closeSync, fstatSync, ftruncateSync, linkSync, openSync, renameSync, rmSync, writeFileSync, writevSync } from 'node:fs';
import { dirname } from 'node:path';
import { jsonText } from './json-text.ts';
import { makeDirs } from './make-dirs.ts';

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

/**
 * {@link writeFileAtomic} of a large file rewritten often (a warm compile's 16 MB
 * run_results.json): the bytes go over `spare` in place, and `spare` is renamed over `path`,
 * whose file becomes the next spare (a hard link keeps it). Writing a new 16 MB file and renaming
 * it over the old one cost 20 ms, and 150 ms when the kernel chose to flush the freed file; an
 * overwrite of the spare's pages costs 3 ms. A spare that has another name (its link count is not
 * 1) is never written over; where there are no hard links the old file is simply replaced.
 */
export function writeFileOverSpare(path: string, spare: string, chunks: readonly Uint8Array[]): void {
  let fd: number | undefined;
  try {
    fd = openSync(spare, 'r+');
    if (fstatSync(fd).nlink !== 1) {
      closeSync(fd);
      fd = undefined;
      drop(spare);
    }
  } catch {
    fd = undefined;
  }
  try {
    if (fd === undefined) {
      makeDirs(dirname(spare));
      fd = openSync(spare, 'w');
    }
    const total = chunks.reduce((t, c) => t + c.byteLength, 0);
    let at = 0;
    while (at < total) at += writevSync(fd, bytesFrom(chunks, at), at);
    ftruncateSync(fd, at);
    closeSync(fd);
    fd = undefined;
  } catch {
    if (fd !== undefined) closeSync(fd);
    drop(spare);
    return writeFileAtomic(path, Buffer.concat(chunks));
  }
  const next = `${spare}.next-${process.pid}`;
  let kept = false;
  try {
    linkSync(path, next);
    kept = true;
  } catch {
    // No earlier file, or no hard links here: the old file is replaced and freed.
  }
  try {
    renameSync(spare, path);
  } catch (e) {
    if (kept) drop(next);
    drop(spare);
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err === 'object' && typeof err.path !== 'string') err.path = path;
    throw e;
  }
  if (kept) {
    try {
      renameSync(next, spare);
    } catch {
      drop(next);
    }
  }
}

/** Remove a file of ours if it is there; one that cannot be removed is left. */
function drop(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing to do: it is not read.
  }
}

/** The chunks' bytes from byte `from` on (what a short write left). */
function bytesFrom(chunks: readonly Uint8Array[], from: number): Uint8Array[] {
  if (from === 0) return [...chunks];
  const out: Uint8Array[] = [];
  let at = 0;
  for (const c of chunks) {
    if (at + c.byteLength > from) out.push(from > at ? c.subarray(from - at) : c);
    at += c.byteLength;
  }
  return out;
}

/** {@link writeFileAtomic} of a value as JSON ({@link jsonText}: bigints as strings). */
export function writeJsonFileAtomic(path: string, data: unknown): void {
  writeFileAtomic(path, jsonText(data));
}
