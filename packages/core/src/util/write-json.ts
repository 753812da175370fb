import { renameSync, writeFileSync } from 'node:fs';

/** Write JSON via a temporary file and a rename, so a reader never sees half a file. */
export function writeJsonFileAtomic(path: string, data: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(data, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  renameSync(tmp, path);
}
