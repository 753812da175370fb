import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { byId, criterion, execute, intersection, isSmProjectError, parseSelectionArgs, union, type Compilation, type InvocationOptions, type RunOutcome, type Selection, type SelectionExpr } from '@smsql/core';
import type { Reporter } from '../reporters/reporter.ts';
import { IGNORED } from './watch-files.ts';

export interface WatchOptions {
  inv: InvocationOptions;
  command: 'run' | 'build';
  reporter: Reporter;
  /** Stops watching; a run in progress is cancelled through `inv.signal` by the caller. */
  signal: AbortSignal;
  /** Quiet time after the last change before a run starts, so an editor's save-all is one run. Default 300 ms. */
  debounceMs?: number;
  /** Called after every run (the first, full one included), for tests and embedders. */
  onCycle?: (c: WatchCycle) => void;
}

export interface WatchCycle {
  /** Project-relative files that changed; empty for the first run. */
  changed: string[];
  /** What the cycle ran from (before `+`): node ids, or `path:` for a file no earlier compile knew; undefined for the full selection. */
  roots: string[] | undefined;
  outcome?: RunOutcome | undefined;
  /** Set when the project did not compile: the run was not attempted. */
  compileError?: unknown;
}


/**
 * `sm run --watch` / `sm build --watch`: run the selection once, then on every save run the
 * changed nodes and their descendants. Which nodes a saved file holds is read from the last
 * compile that succeeded, so each save compiles once, inside the run (the render cache
 * re-renders only changed files). A project that does not compile is reported and the watcher
 * keeps going. Runs never overlap: changes during a run are gathered for the next one.
 */
export async function watchProject(o: WatchOptions): Promise<void> {
  const dir = o.inv.projectDir;
  const debounceMs = o.debounceMs ?? 300;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  // The project as last compiled without errors: maps saved files to the nodes they define.
  let last: Compilation | undefined;
  // The user's selection, parsed once; each cycle narrows it to what a save changed.
  const userSelection: Selection = o.inv.selection ?? { include: parseSelectionArgs(o.inv.select), exclude: parseSelectionArgs(o.inv.exclude) };

  const announce = () => {
    if (!o.signal.aborted) o.reporter.onOutput?.('Watching for changes (Ctrl-C to stop)…');
  };
  const cycle = async (changed: string[]): Promise<void> => {
    let roots: string[] | undefined;
    try {
      roots = changed.length && last ? rootsFor(changed, last) : undefined;
      if (roots && !roots.length) {
        o.reporter.onOutput?.(`Changed ${changed.join(', ')}: no node reads ${changed.length === 1 ? 'it' : 'them'}; nothing to run.`);
        o.onCycle?.({ changed, roots });
        return;
      }
      const selection = roots ? narrow(userSelection, roots) : userSelection;
      if (changed.length) o.reporter.onOutput?.(`Changed ${changed.join(', ')}: running ${roots ? roots.map((r) => (r.startsWith('path:') ? r.slice(5) : r.split('.').pop())).join(', ') : 'everything selected'} and what depends on it`);
      const outcome = await execute({ ...o.inv, selection }, o.command);
      last = outcome.compilation;
      o.onCycle?.({ changed, roots, outcome });
    } catch (e) {
      if (isSmProjectError(e)) o.reporter.onDiagnostics?.(e.diagnostics);
      else o.reporter.onError?.(`Unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      o.onCycle?.({ changed, roots, compileError: e });
    }
  };

  const flush = () => {
    timer = undefined;
    if (running || o.signal.aborted) return;
    const changed = [...pending].sort();
    pending.clear();
    running = cycle(changed).finally(() => {
      running = undefined;
      announce();
      if (pending.size) schedule();
    });
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };

  await cycle([]);
  if (o.signal.aborted) return;
  const watcher: FSWatcher = watch(dir, {
    ignoreInitial: true,
    ignored: (path: string) => IGNORED.test(relative(dir, path)),
    // Editors write in several steps (truncate, write, rename); wait until the file settles.
    awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 },
  });
  const onFs = (path: string) => {
    pending.add(relative(dir, path).split(sep).join('/'));
    schedule();
  };
  watcher.on('add', onFs).on('change', onFs).on('unlink', onFs);
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', () => resolve());
    watcher.once('error', reject);
  });
  // Only now: a save before the watcher is ready would be missed.
  announce();
  await new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    else o.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  if (timer) clearTimeout(timer);
  await watcher.close();
  await running;
}

/** Files that may compile into nodes: SQL models and macros, seeds, YAML (the project file and profiles too), Python models. */
const PROJECT_FILE = /\.(sql|csv|ya?ml|py)$/;

/**
 * Nodes to rebuild for the changed files: the nodes defined in them, and for a schema YAML the
 * nodes it documents. A new file under a model, seed, snapshot or test folder runs from its
 * path. A deleted file, or a change to anything else that compiles into every node (macros,
 * the project file, profiles, a new YAML), means everything selected: undefined.
 */
function rootsFor(changed: readonly string[], c: Compilation): string[] | undefined {
  const nodes = [...c.compiled.nodes.values()];
  const cfg = c.project.config;
  const nodeFolders = [...cfg.modelPaths, ...cfg.seedPaths, ...cfg.snapshotPaths, ...cfg.testPaths].map((p) => `${p.replace(/\/+$/, '')}/`);
  const roots = new Set<string>();
  for (const file of changed) {
    // A deleted project file changes what the rest compiles to: run everything selected, as after a macro change.
    // Any other file coming and going (a DuckDB database's .wal beside the project's models) compiles into nothing:
    // rerunning for it would write the database again, and so on.
    if (!existsSync(join(c.project.dir, file))) {
      if (PROJECT_FILE.test(file)) return undefined;
      continue;
    }
    const defined = nodes.filter((n) => n.resourceType !== 'test' && n.resourceType !== 'unit_test' && (n.originalFilePath === file || n.patchPath === file));
    if (defined.length) {
      for (const n of defined) roots.add(n.uniqueId);
      continue;
    }
    // A singular test or a YAML that only declares tests: run the tests' parents.
    const tests = nodes.filter((n) => n.originalFilePath === file);
    if (tests.length) {
      for (const t of tests) for (const p of t.dependsOn.nodes) roots.add(p);
      continue;
    }
    // Not in the last compile: a new model, seed or test file runs from its path.
    if (/\.(sql|csv|py)$/.test(file) && nodeFolders.some((f) => file.startsWith(f))) {
      roots.add(`path:${file}`);
      continue;
    }
    if (PROJECT_FILE.test(file)) return undefined;
  }
  return [...roots].sort();
}

/** The changed nodes and their descendants, kept within what the user selected. */
function narrow(user: Selection, roots: readonly string[]): Selection {
  const changed: SelectionExpr[] = roots.map((r) => (r.startsWith('path:') ? criterion('path', r.slice(5), { children: Infinity }) : byId(r, true)));
  return { include: union(user.include ? changed.map((c) => intersection([c, user.include!])) : changed), exclude: user.exclude };
}
