import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeDirs } from '../util/make-dirs.ts';
import { writeFileAtomic } from '../util/write-json.ts';
import { retimedCompileResults, timingPlaces, type CompiledResult } from './run-results.ts';

/**
 * The results compile last wrote to run_results.json, kept under target/.sm with what they were
 * made from, so a compile of the same inputs and selection writes the file without reading each
 * node's compiled code from the store (10,000 models: 20,000 file reads, two thirds of a warm
 * compile). One file per key, the last {@link KEEP} kept: a `compile -s one` between two whole
 * compiles no longer costs the second one a rebuild of its results. Each file: a first line
 * `{"key","when"}`, then the results' JSON.
 */
const DIR = 'compile-results';
const KEEP = 2;
const fileOf = (targetDir: string, key: string) => join(targetDir, '.sm', DIR, `${key.slice(0, 32)}.json`);

/** What the results depend on beyond the project's stable input digest. */
export function compileResultsKey(digest: string, selected: readonly string[], withEphemerals: boolean, secrets: readonly string[]): string {
  const h = createHash('sha256').update(digest).update(withEphemerals ? '\u0001e' : '\u0001-');
  for (const s of secrets) h.update('\u0002').update(s);
  // One update, not two an id (20,000 ids: 20 ms); the same digest.
  if (selected.length) h.update(`\u0003${selected.join('\u0003')}`);
  return h.digest('hex');
}

/** The stored results' JSON for `key`, their timings moved to `when`; undefined when none are stored for it. */
export function reusedCompileResults(targetDir: string, key: string, when: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(fileOf(targetDir, key));
  } catch {
    return undefined;
  }
  const eol = bytes.indexOf(0x0a);
  if (eol < 0) return undefined;
  let head: { key?: unknown; when?: unknown };
  try {
    head = JSON.parse(bytes.toString('utf8', 0, eol)) as typeof head;
  } catch {
    return undefined;
  }
  if (head.key !== key || typeof head.when !== 'string') return undefined;
  // Used now: the last kept to be dropped (saveCompileResults drops the least recently written or used).
  try {
    const now = new Date();
    utimesSync(fileOf(targetDir, key), now, now);
  } catch {
    // Only the order of eviction.
  }
  const results = bytes.subarray(eol + 1);
  return retimedCompileResults(results, head.when, when, timingPlacesOf(fileOf(targetDir, key), head.when, results));
}

/**
 * Where the results' timings are (run-results.ts timingPlaces), kept beside the results by the
 * first compile that reuses them (a cold compile does not pay for the search), for the results
 * made at `when` with this many bytes; found afresh when none are kept for them.
 */
function timingPlacesOf(file: string, when: string, results: Buffer): readonly number[] | undefined {
  const path = placesFile(file);
  try {
    const kept = JSON.parse(readFileSync(path, 'utf8')) as { when?: unknown; bytes?: unknown; places?: unknown };
    if (kept.when === when && kept.bytes === results.length && Array.isArray(kept.places)) return kept.places as number[];
  } catch {
    // None kept yet.
  }
  const places = timingPlaces(results, when);
  try {
    makeDirs(dirname(path));
    writeFileAtomic(path, JSON.stringify({ when, bytes: results.length, places }));
  } catch {
    // The next compile searches again.
  }
  return places;
}

/** A results file's places, in a folder of their own (`compile-timings/` beside `compile-results/`, same name). */
const placesFile = (file: string) => join(dirname(dirname(file)), PLACES_DIR, basename(file));
const PLACES_DIR = 'compile-timings';

/** Keep `results` (made at `when`) for the next compile with the same key; a failure only costs that compile a rebuild. */
export function saveCompileResults(targetDir: string, key: string, when: string, results: string): void {
  try {
    const dir = join(targetDir, '.sm', DIR);
    makeDirs(dir);
    const path = fileOf(targetDir, key);
    writeFileAtomic(path, `${JSON.stringify({ key, when })}\n${results}`);
    const kept = readdirSync(dir)
      .filter((f) => f.endsWith('.json') && join(dir, f) !== path)
      .map((f) => ({ f, at: statSync(join(dir, f), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((a, b) => b.at - a.at);
    for (const old of kept.slice(KEEP - 1)) {
      rmSync(join(dir, old.f), { force: true });
      rmSync(placesFile(join(dir, old.f)), { force: true });
    }
    // The single file of earlier versions.
    rmSync(join(targetDir, '.sm', 'compile-results.json'), { force: true });
  } catch {
    // An unwritable target/.sm is reported by the writes that matter.
  }
}

const HOOKS_FILE = 'compile-hooks.json';

/**
 * The project hooks compile last rendered for `key` (the project's stable input digest), when
 * their render read neither the clock nor the environment: a warm compile of a project with
 * on-run hooks then need not load the project to render them again. Undefined when none are kept.
 */
export function keptCompiledHooks(targetDir: string, key: string): CompiledResult[] | undefined {
  try {
    const kept = JSON.parse(readFileSync(join(targetDir, '.sm', HOOKS_FILE), 'utf8')) as { key?: unknown; hooks?: unknown };
    return kept.key === key && Array.isArray(kept.hooks) ? (kept.hooks as CompiledResult[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Keep `hooks` as rendered from the inputs of `key`; a failure only costs the next compile a render. */
export function keepCompiledHooks(targetDir: string, key: string, hooks: readonly CompiledResult[]): void {
  try {
    makeDirs(join(targetDir, '.sm'));
    writeFileAtomic(join(targetDir, '.sm', HOOKS_FILE), JSON.stringify({ key, hooks }));
  } catch {
    // An unwritable target/.sm is reported by the writes that matter.
  }
}
