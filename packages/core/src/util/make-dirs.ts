import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`: create `path` and the folders above it that are missing. Node's own
 * `mkdirSync(path, { recursive: true })` loops forever, in native code that no signal
 * interrupts, where the kernel answers ENOENT for a folder whose parent exists (under /proc or
 * /sys: `--target-path /proc/x` hung `sm compile` at full CPU, deaf to SIGTERM). Here each
 * missing folder is made once, top down, and the first refusal is thrown with its path.
 */
export function makeDirs(path: string): void {
  const missing: string[] = [];
  for (let d = resolve(path); !existsSync(d); ) {
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i]!);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
