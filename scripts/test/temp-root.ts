/**
 * Vitest global setup: every temporary file of a test run goes under one directory of its own,
 * removed when the run ends. Tests make fixture projects, databases, brokers' log dirs and lake
 * folders with `mkdtemp(tmpdir())` and many leave them (a whole suite left ~1,000 directories
 * in /tmp per run); `os.tmpdir()` reads TMPDIR, and the test processes, and every process they
 * start (the CLI, Python, Chromium), inherit it from here. `SM_KEEP=1` keeps the directory and
 * prints where it is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'sm-test-'));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (process.env.SM_KEEP) {
      console.log(`SM_KEEP: the run's temporary files are in ${root}`);
      return;
    }
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
