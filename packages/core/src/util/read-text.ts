import { readFileSync } from 'node:fs';

/**
 * readFileSync as UTF-8 (or as bytes), with the path on the error: Node leaves `path` off some
 * errors (EISDIR on read), and the CLI names the file at fault from it.
 */
export function readText(absPath: string): string;
export function readText(absPath: string, as: 'buffer'): Buffer;
export function readText(absPath: string, as?: 'buffer'): string | Buffer {
  try {
    return as === 'buffer' ? readFileSync(absPath) : readFileSync(absPath, 'utf8');
  } catch (e) {
    if (e && typeof e === 'object' && !('path' in e)) Object.assign(e, { path: absPath });
    throw e;
  }
}
