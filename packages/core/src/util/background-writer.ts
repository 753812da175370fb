import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { writeFileAtomic } from './write-json.ts';

/**
 * Where a command's large artifacts go. `write` replaces `path` with `text` atomically (a
 * temporary file and a rename: a reader never sees half a file) and then runs `then`, which
 * records what was written (a file's stamp must be taken after the file is in place).
 */
export interface FileSink {
  write(path: string, text: string, then?: () => void): void;
}

/** Every write done before `write` returns; a failure is thrown there. */
export const writeNow: FileSink = {
  write(path, text, then) {
    writeFileAtomic(path, text);
    then?.();
  },
};

// Plain JavaScript: one message a file, written in the order sent. After a failure nothing later
// is written (a store's proof.json must not appear beside the file that failed). The flags are
// shared with the caller: [0] set means stop (the process is exiting), [1] is 1 while a file is
// being written, so an exiting process can wait for that one file and no other is begun.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeFileSync, renameSync, rmSync } = require('node:fs');
const flags = new Int32Array(workerData.flags);
let failed = false;
parentPort.on('message', ({ path, tmp, bytes }) => {
  if (failed) return parentPort.postMessage({ ok: false, skipped: true });
  Atomics.store(flags, 1, 1);
  try {
    if (Atomics.load(flags, 0)) return;
    writeFileSync(tmp, new Uint8Array(bytes));
    renameSync(tmp, path);
    parentPort.postMessage({ ok: true });
  } catch (e) {
    failed = true;
    try { rmSync(tmp, { force: true }); } catch {}
    parentPort.postMessage({ ok: false, message: String((e && e.message) || e), code: e && e.code, errno: e && e.errno, syscall: e && e.syscall });
  } finally {
    Atomics.store(flags, 1, 0);
    Atomics.notify(flags, 1);
  }
});
`;

/** Below this many characters a file is written at once: posting it costs more than writing it. */
const BACKGROUND_FROM = 1 << 20;

/**
 * A {@link FileSink} that writes large files on one worker thread while the caller goes on: a cold
 * compile of 10,000 models writes ~100 MB of manifest, store and caches, and the kernel's time
 * for it (0.4–1 s) was spent on the thread that builds them. Text is encoded here and its bytes
 * moved, not copied, to the worker. `finish()` waits for every write and throws the first
 * failure with the file it was about. A process that exits before then (a signal) finishes the
 * file being written and begins no other, so no file is left half-written.
 */
export class BackgroundWriter implements FileSink {
  #worker: Worker | undefined;
  readonly #pending: { path: string; tmp: string; then?: () => void }[] = [];
  #failure: unknown;
  #drained: (() => void) | undefined;
  readonly #flags = new Int32Array(new SharedArrayBuffer(8));
  readonly #onExit = () => {
    // No file is begun from now on; the one being written, if any, is finished (renamed whole into place).
    Atomics.store(this.#flags, 0, 1);
    Atomics.wait(this.#flags, 1, 1, 10_000);
    for (const p of this.#pending) rmSync(p.tmp, { force: true });
  };

  write(path: string, text: string, then?: () => void): void {
    if (this.#failure !== undefined) return;
    if (text.length < BACKGROUND_FROM) {
      // In order with the writes already posted: those come first.
      if (this.#pending.length) return this.#post(path, text, then);
      try {
        writeNow.write(path, text, then);
      } catch (e) {
        this.#failure = e;
      }
      return;
    }
    this.#post(path, text, then);
  }

  #post(path: string, text: string, then?: () => void): void {
    const bytes = new TextEncoder().encode(text);
    const tmp = `${path}.tmp-${process.pid}`;
    if (!this.#pending.length) process.on('exit', this.#onExit);
    this.#pending.push({ path, tmp, then });
    const w = this.#start();
    // Held open while writes are pending; idle, it does not keep the process alive.
    w.ref();
    w.postMessage({ path, tmp, bytes: bytes.buffer }, [bytes.buffer]);
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { flags: this.#flags.buffer } });
    w.on('message', (m: { ok: boolean; skipped?: boolean; message?: string; code?: string; errno?: number; syscall?: string }) => {
      const done = this.#pending.shift()!;
      if (m.ok) {
        try {
          done.then?.();
        } catch (e) {
          this.#failure ??= e;
        }
      } else if (!m.skipped) {
        this.#failure ??= Object.assign(new Error(m.message), { code: m.code, errno: m.errno, syscall: m.syscall, path: done.path });
      }
      if (!this.#pending.length) this.#settle();
    });
    w.on('error', (e) => {
      this.#failure ??= e;
      this.#pending.length = 0;
      this.#settle();
    });
    w.on('exit', (code) => {
      if (!this.#pending.length) return;
      this.#failure ??= new Error(`The artifact writer stopped (exit code ${code}) before writing ${this.#pending[0]!.path}`);
      this.#pending.length = 0;
      this.#settle();
    });
    return (this.#worker = w);
  }

  #settle(): void {
    process.off('exit', this.#onExit);
    this.#worker?.unref();
    const drained = this.#drained;
    this.#drained = undefined;
    drained?.();
  }

  /** Wait for every write; throws the first that failed (later ones were not made). The worker is stopped. */
  async finish(): Promise<void> {
    if (this.#pending.length) await new Promise<void>((resolve) => (this.#drained = resolve));
    const w = this.#worker;
    this.#worker = undefined;
    await w?.terminate();
    if (this.#failure !== undefined) throw this.#failure;
  }
}
