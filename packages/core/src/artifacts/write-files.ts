import { mkdirSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Fewer files than this are written on the calling thread: a worker costs more than it saves. */
const WORKER_FROM = 500;

// Plain JavaScript: the worker gets [path, text] pairs and the folders to make, writes them in order, and says done.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { mkdirSync, writeFileSync } = require('node:fs');
try {
  for (const d of workerData.dirs) mkdirSync(d, { recursive: true });
  for (const [path, text] of workerData.files) writeFileSync(path, text);
  parentPort.postMessage({ ok: true });
} catch (e) {
  parentPort.postMessage({ ok: false, message: String(e && e.message || e) });
}
`;

/**
 * Write files (making `dirs` first). A cold 10,000-model compile writes ~20,000 small files, and
 * creating them was the largest part of its time, spent waiting on the kernel: with many files
 * this happens on a worker thread, so the caller can build and write the manifest meanwhile.
 * The returned promise settles when every file is written, and rejects naming the failure.
 */
export function writeFilesAsync(dirs: readonly string[], files: readonly (readonly [string, string])[]): Promise<void> {
  if (files.length < WORKER_FROM) {
    for (const d of dirs) mkdirSync(d, { recursive: true });
    for (const [path, text] of files) writeFileSync(path, text);
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { dirs, files } });
    let settled = false;
    w.once('message', (m: { ok: boolean; message?: string }) => {
      settled = true;
      if (m.ok) resolve();
      else reject(new Error(`Could not write compiled files: ${m.message}`));
    });
    w.once('error', (e) => {
      settled = true;
      reject(e);
    });
    w.once('exit', (code) => {
      if (!settled) reject(new Error(`The compiled-file writer stopped (exit code ${code}) before writing every file`));
    });
  });
}
