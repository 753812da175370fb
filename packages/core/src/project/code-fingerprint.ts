import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INTERNAL_MACROS_DIR } from './internal-macros.ts';

let memo: string | undefined;

/**
 * Which build of sm's core this is: size and modification time of each of its source files.
 * Caches in target/.sm carry it, so output cached by other sm code (an upgrade, or a developer's
 * edit of the renderer) is never reused. A `stat` a module, once per process; the built
 * package's declaration files (`.d.ts`, as many again) are types only, and not counted.
 */
export function codeFingerprint(): string {
  if (memo !== undefined) return memo;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const h = createHash('sha256');
  const files = (readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.js')).sort();
  for (const f of files) {
    const st = statSync(join(root, f));
    h.update(`${f}\0${st.size}\0${st.mtimeMs}\n`);
  }
  // dbt's built-in macros (packages/core/macros) are sm's code too: renders depend on them.
  for (const f of readdirSync(INTERNAL_MACROS_DIR).filter((x) => x.endsWith('.sql')).sort()) {
    const st = statSync(join(INTERNAL_MACROS_DIR, f));
    h.update(`macros/${f}\0${st.size}\0${st.mtimeMs}\n`);
  }
  memo = h.digest('hex');
  return memo;
}
