import { writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { makeDirs } from '../util/make-dirs.ts';

/** Fewer files than this are written on the calling thread: a worker costs more than it saves. */
const WORKER_FROM = 500;

// Plain JavaScript: the worker gets [path, text] pairs, writes them in order, and says done (their folders are made first, by the caller).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeFileSync } = require('node:fs');
let at;
try {
  for (const [path, text] of workerData.files) { at = path; writeFileSync(path, text); }
  parentPort.postMessage({ ok: true });
} catch (e) {
  parentPort.postMessage({ ok: false, message: String(e && e.message || e), code: e && e.code, syscall: e && e.syscall, path: (e && e.path) || at });
}
`;

/**
 * Write files (making `dirs` first, on this thread). A cold 10,000-model compile writes ~20,000 small files, and
 * creating them was the largest part of its time, spent waiting on the kernel: with many files
 * this happens on a worker thread, so the caller can build and write the manifest meanwhile.
 * The returned promise settles when every file is written, and rejects naming the failure.
 */
export function writeFilesAsync(dirs: readonly string[], files: readonly (readonly [string, string])[]): Promise<void> {
  if (files.length < WORKER_FROM) {
    let at: string | undefined;
    try {
      for (const d of dirs) makeDirs((at = d));
      for (const [path, text] of files) writeFileSync((at = path), text);
    } catch (e) {
      return Promise.reject(withPath(e, at));
    }
    return Promise.resolve();
  }
  // The folders here (a few hundred at most), with util/make-dirs.ts; failing as the worker reports a failure.
  let at: string | undefined;
  try {
    for (const d of dirs) makeDirs((at = d));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return Promise.reject(withPath(Object.assign(new Error(`Could not write compiled files: ${err.message}`), { code: err.code, syscall: err.syscall }), err.path ?? at));
  }
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { files } });
    let settled = false;
    w.once('message', (m: { ok: boolean; message?: string; code?: string; syscall?: string; path?: string }) => {
      settled = true;
      if (m.ok) resolve();
      else reject(withPath(Object.assign(new Error(`Could not write compiled files: ${m.message}`), { code: m.code, syscall: m.syscall }), m.path));
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

/** The error with the file it was about (a failed `write` names none), so the user is told which. */
function withPath(e: unknown, path: string | undefined): unknown {
  const err = e as NodeJS.ErrnoException;
  if (path && err && typeof err === 'object' && typeof err.path !== 'string') err.path = path;
  return e;
}
