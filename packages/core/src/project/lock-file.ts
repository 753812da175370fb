import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics.ts';
import { parseYamlText } from './yaml-file.ts';
import { readSourceText } from './source-text.ts';

/** `package-lock.yml` as dbt 1.7+ writes it: every package installed (direct and transitive), pinned, and a hash of the declared list. */
export interface LockFile {
  /** Entries as written: `package:`+`version:`, `git:`+`revision:` (a commit), `local:`, `tarball:`; each with `name:`. */
  packages: Record<string, unknown>[];
  /** sha1 of the declared packages, as dbt computes it; a different hash means packages.yml changed since locking. */
  sha1Hash: string | undefined;
  /** Installed name per source key (`hub:dbt-labs/dbt_utils`, `git:<url>[/subdirectory]`, `local:<path>`, `tarball:<url>`). */
  names: Map<string, string>;
}

export const LOCK_FILE = 'package-lock.yml';

/** The source key a lock entry or a packages.yml entry is known by. */
export function sourceKey(e: Record<string, unknown>): string | undefined {
  if (typeof e.package === 'string') return `hub:${e.package}`;
  if (typeof e.git === 'string') return `git:${e.git}${typeof e.subdirectory === 'string' && e.subdirectory ? `/${e.subdirectory}` : ''}`;
  if (typeof e.local === 'string') return `local:${e.local}`;
  if (typeof e.tarball === 'string') return `tarball:${e.tarball}`;
  return undefined;
}

/** Read package-lock.yml; undefined when the project has none (or it is unreadable, reported to `diagnostics`). */
export function readLockFile(dir: string, diagnostics: Diagnostic[]): LockFile | undefined {
  const abs = join(dir, LOCK_FILE);
  if (!existsSync(abs)) return undefined;
  const y = parseYamlText(readSourceText(abs, LOCK_FILE), LOCK_FILE, diagnostics);
  if (!y) return undefined;
  const d = y.data as Record<string, unknown> | null;
  if (!d || typeof d !== 'object' || Array.isArray(d)) {
    diagnostics.push(diag('SM_PACKAGES_INVALID', `${LOCK_FILE} must be a mapping with \`packages:\``, { file: LOCK_FILE }, { hint: 'Delete it and run `sm deps` to write it again.' }));
    return undefined;
  }
  const packages = Array.isArray(d.packages) ? d.packages.filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null && !Array.isArray(p)) : [];
  const names = new Map<string, string>();
  for (const p of packages) {
    const k = sourceKey(p);
    if (k && typeof p.name === 'string') names.set(k, p.name);
  }
  return { packages, sha1Hash: typeof d.sha1_hash === 'string' ? d.sha1_hash : undefined, names };
}
