import { relative, sep } from 'node:path';

/** Folders and files of a project checkout that a benchmark copy leaves out: build output, landed data, logs, databases. */
const SKIP = /^(target|lake|logs|\.cache)$/;
const SKIP_FILE = /\.duckdb(\.wal)?$/;

/**
 * A cpSync filter for copying the project at `root`: it judges each path by its part inside the
 * project, never by the folders above it, so a checkout under ~/.cache or /srv/target/ copies whole.
 */
export function projectCopyFilter(root: string): (src: string) => boolean {
  return (src) => {
    const rel = relative(root, src);
    if (rel === '') return true;
    const parts = rel.split(sep);
    return !parts.some((p) => SKIP.test(p)) && !SKIP_FILE.test(rel);
  };
}
