import { renameSync, writeFileSync } from 'node:fs';
import { jsonText } from './json-text.ts';

/** Write JSON via a temporary file and a rename, so a reader never sees half a file. */
export function writeJsonFileAtomic(path: string, data: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, jsonText(data));
  renameSync(tmp, path);
}
