import { writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { makeDirs } from '../util/make-dirs.ts';

/** Fewer files than this are written on the calling thread: a worker costs more than it saves. */
const WORKER_FROM = 500;

// Plain JavaScript: the worker gets [path, text] pairs and the folders to make, writes them in order, and says done.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { dirname, resolve } = require('node:path');
// util/make-dirs.ts, which this string cannot import: mkdir -p without Node's recursive mkdir, which loops forever under /proc.
function makeDirs(path) {
  const missing = [];
  for (let d = resolve(path); !existsSync(d); ) { missing.push(d); const up = dirname(d); if (up === d) break; d = up; }
  for (let i = missing.length - 1; i >= 0; i--) { try { mkdirSync(missing[i]); } catch (e) { if (e.code !== 'EEXIST') throw e; } }
}
let at;
try {
  for (const d of workerData.dirs) { at = d; makeDirs(d); }
  for (const [path, text] of workerData.files) { at = path; writeFileSync(path, text); }
  parentPort.postMessage({ ok: true });
} catch (e) {
  parentPort.postMessage({ ok: false, message: String(e && e.message || e), code: e && e.code, syscall: e && e.syscall, path: (e && e.path) || at });
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
    let at: string | undefined;
    try {
      for (const d of dirs) makeDirs((at = d));
      for (const [path, text] of files) writeFileSync((at = path), text);
    } catch (e) {
      return Promise.reject(withPath(e, at));
    }
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { dirs, files } });
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
