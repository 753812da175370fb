/** What a cold and a warm compile share: the adapter, selection, the column check, sm check when asked, the artifacts. */
import { pythonIsoTime } from '../artifacts/invocation.ts';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Adapter, AdapterFactory } from '../adapter.ts';
import { reuseManifest, writeManifest } from '../artifacts/manifest-file.ts';
import { selectedNodeErrors } from './node-errors.ts';
import { writeCompiledTree } from '../artifacts/compiled-files.ts';
import { inlinedEphemerals } from '../graph/ephemerals.ts';
import { compiledPathOf, hasCompiledPath, targetLayoutOf } from '../artifacts/target-paths.ts';
import type { CheckResult } from '../check/check-project.ts';
import { diag, SmProjectError, type Diagnostic } from '../diagnostics.ts';
import { topoOrder } from '../graph/build-graph.ts';
import type { LoadedProject } from '../project/load-project.ts';
import { packageRelativePaths } from '../project/package-paths.ts';
import { parseSelectionArgs } from '../select/parse-selection.ts';
import { select } from '../select/select.ts';
import { criterion, type Selection, type SelectionExpr } from '../select/selection-expr.ts';
import type { StateFingerprint } from '../select/state-fingerprint.ts';
import type { GraphNode } from '../types.ts';
import { COMMAND_TYPES, type Command, type Compilation, type InvocationOptions } from './compilation.ts';
import { readState } from './read-state.ts';
import { makeDirs } from '../util/make-dirs.ts';
import { writeNow, type FileSink } from '../util/background-writer.ts';
import { redactJson } from '../util/redact.ts';
import { WARNING_EVENTS } from '../warn-error.ts';

export async function adapterFor(opts: InvocationOptions, project: LoadedProject): Promise<Adapter> {
  return factoryFor(opts, project)();
}

export function factoryFor(opts: InvocationOptions, project: LoadedProject): AdapterFactory {
  const factory = opts.adapters[project.target.type];
  if (!factory) {
    throw new SmProjectError([
      diag('SM_ADAPTER_NOT_FOUND', `No adapter for target type "${project.target.type}" (target "${project.target.name}" in ${project.targetSource})`, undefined, {
        hint: `Available: ${Object.keys(opts.adapters).join(', ')}.`,
      }),
    ]);
  }
  return factory;
}

/**
 * A column test on a column the model is known (from its select list or CSV header) not to have:
 * a warning where tests are listed, compiled or run, and the test fails when it runs, naming the
 * YAML line. dbt 1.11.16 parses, lists and compiles such a project (exit 0) and fails only that
 * test when it runs (exit 1); sm's reading of a select list can be wrong, so it refuses nothing on it.
 */
export function columnCheckOf(command: Command): 'warning' | undefined {
  return command === 'build' || command === 'compile' || command === 'test' || command === 'ls' ? 'warning' : undefined;
}

/**
 * Selection and the column check, the same for a cold and a warm compile: `selectionNodes` are
 * the nodes selection reads (the compiled ones, or their index), `columnFindings` every test's
 * column problems as warnings.
 */
export async function selectAndCheck(
  opts: InvocationOptions,
  command: Command,
  c: Omit<Compilation, 'selected'>,
  selectionNodes: ReadonlyMap<string, GraphNode>,
  selectorsOf: () => Promise<ReadonlyMap<string, SelectionExpr>>,
  fingerprintsNow: () => ReadonlyMap<string, StateFingerprint>,
  columnFindings: readonly Diagnostic[],
  /** The nodes whose file is empty ({@link emptyNodeIds}). */
  empty: ReadonlySet<string>,
): Promise<Compilation> {
  const macrosNow = () => ({ macros: c.compiled.macros ?? [], packages: new Set([c.project.config.name, ...c.project.packages.map((p) => p.name)]) });
  const state = opts.state ? readState(opts.state, targetDir(c.project), fingerprintsNow, (n) => c.compiled.nodes.get(n.uniqueId) ?? n, macrosNow) : undefined;
  // As dbt 1.11, selectors.yml is read by every command: a mistake in it (or two `default: true`) stops the command, exit 2, whatever it selects.
  const { defaultSelectorName } = await import('../select/selectors-file.ts');
  const defaultName = defaultSelectorName(c.project.dir);
  const selectors = await selectorsOf();
  // As dbt: with no --select, --exclude or --selector, selectors.yml's `default: true` selector chooses.
  if (!opts.selector && !opts.selection && !opts.select?.length && !opts.exclude?.length && defaultName) opts = { ...opts, selector: defaultName };
  let selection = selectionOf(opts);
  if (opts.selector) {
    if (!selectors.get(opts.selector)) throw new SmProjectError([diag('SM_SELECTOR_INVALID', `No selector named "${opts.selector}" in selectors.yml`, { file: 'selectors.yml' }, { hint: `Selectors: ${[...selectors.keys()].join(', ') || '(none)'}` })]);
    // As dbt 1.11 (get_selection_spec): --selector is the whole selection; --select and --exclude beside it are not read.
    selection = { include: criterion('selector', opts.selector) };
  }
  const { selected: chosen, unmatched } = select(c.graph, selectionNodes, {
    selection,
    resourceTypes: opts.resourceTypes ?? COMMAND_TYPES[command],
    state,
    selectors,
    indirectTests: command === 'test' || command === 'build' || command === 'ls' || command === 'compile' || command === 'check' || command === 'show',
    indirectSelection: opts.indirectSelection ?? c.project.config.indirectSelection,
    files: { dir: c.project.dir, packageRelative: packageRelativePaths(c.project.dir, c.project.packages) },
    rootPackage: c.project.config.name,
  });
  // As dbt 1.11 (NodeSelector.filter_selection): a model, analysis, snapshot or test whose file is blank is never run, compiled or tested; ls (and docs generate) list it.
  if (empty.size && command !== 'ls' && !opts.includeEmptyNodes) for (const id of empty) chosen.delete(id);
  const diagnostics = c.diagnostics;
  // As dbt 1.11 (NoNodesForSelectionCriteria): a warning per criterion that selects nothing; the command goes on.
  // A criterion is quoted as typed, cut at 200 characters (a generated -s can be megabytes); past 50 of them, one line says how many more.
  const shown = (u: string) => (u.length > 200 ? `${u.slice(0, 200)}… (${u.length} characters)` : u);
  const noKey = (u: string) => (/^@?\d*\+?config:/.test(u) ? { hint: 'config: without a key never matches (dbt compares the whole config to the value); name the key, as in config.materialized:table.' } : {});
  for (const u of unmatched.slice(0, 50)) diagnostics.push(diag('SM_SELECTION_EMPTY', `The selection criterion '${shown(u)}' does not match any enabled nodes`, undefined, { severity: 'warning', event: WARNING_EVENTS.selectionEmpty, eventData: { spec_raw: u }, ...noKey(u) }));
  if (unmatched.length > 50) diagnostics.push(diag('SM_SELECTION_EMPTY', `${unmatched.length - 50} more selection criteria do not match any enabled nodes`, undefined, { severity: 'warning', event: WARNING_EVENTS.selectionEmpty }));
  const selected = topoOrder(c.graph, chosen);
  const check = columnCheckOf(command);
  const chosenIds = new Set(selected);
  // compile and show stop on what the nodes they selected could not compile (a macro not defined, an unknown test).
  const nodeErrors = selectedNodeErrors(command, c.compiled.diagnostics, chosenIds);
  const found = check ? columnFindings.filter((d) => d.nodeId && chosenIds.has(d.nodeId)).map((d) => ({ ...d, severity: check })) : [];
  if (nodeErrors.length) throw new SmProjectError([...nodeErrors, ...found]);
  diagnostics.push(...found);
  return { ...c, selected };
}

/** dbt's `node.empty`: the nodes whose file holds nothing but whitespace (a seed never is). */
export function emptyNodeIds(nodes: ReadonlyMap<string, GraphNode>): Set<string> {
  const out = new Set<string>();
  for (const [id, n] of nodes) {
    if (n.resourceType !== 'model' && n.resourceType !== 'test' && n.resourceType !== 'analysis' && n.resourceType !== 'snapshot') continue;
    const raw = (n as { pythonCode?: string | undefined }).pythonCode ?? (n as { rawCode?: string }).rawCode;
    if (typeof raw === 'string' && !raw.trim()) out.add(id);
  }
  return out;
}

/** The invocation's selection: built in code, or `--select`/`--exclude` parsed once here. */
function selectionOf(opts: InvocationOptions): Selection {
  return opts.selection ?? { include: parseSelectionArgs(opts.select), exclude: parseSelectionArgs(opts.exclude) };
}

export function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.code}|${d.message}|${d.location?.file}|${d.location?.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function targetDir(p: LoadedProject): string {
  return join(p.dir, p.config.targetPath);
}

/** The commands that run the on-run-start and on-run-end hooks, as dbt's do. */
const HOOKS_RUN = new Set<Command>(['run', 'build', 'seed', 'snapshot', 'test']);

/**
 * Write manifest.json, and for `compile` the compiled files: those are still being written when
 * the returned promise for the manifest settles; `files` says when they are. What builds a
 * manifest is loaded only when the last one cannot be reused.
 */
export async function writeCompileArtifacts(c: Compilation, command: Command, digest: string | undefined, manifestDigest: string | undefined, shape?: Parameters<typeof writeCompiledTree>[5], sink?: FileSink): Promise<{ files: Promise<void> }> {
  const dir = targetDir(c.project);
  makeDirs(dir);
  // As dbt's compile: the files of the selected nodes and of the ephemeral models they inline.
  const written = command === 'compile' ? withInlinedEphemerals(c) : c.selected;
  const files = command === 'compile' ? writeCompiledTree(c.project, c.compiled.nodes, written, dir, digest, shape) : Promise.resolve();
  // Handled here too: when the manifest's write fails first (a full disk), nobody awaits `files`, and its rejection must not crash the process.
  files.catch(() => undefined);
  const meta = { invocationId: c.invocationId, generatedAt: pythonIsoTime(new Date(), 'Z') };
  // dbt numbers the on-run hooks' nodes by their place in the run (from 1) after a command that runs them, by their place in their project file (from 0) otherwise.
  const hooksRun = HOOKS_RUN.has(command);
  if (hooksRun && manifestDigest) manifestDigest = `${manifestDigest}:hooks-run`;
  // As dbt's compile: each node it compiled names the file it wrote (`compiled_path`); the selection is part of what the manifest says.
  const compiledPath = command === 'compile' ? compiledPathsOf(c, written) : undefined;
  if (compiledPath && manifestDigest) manifestDigest = `${manifestDigest}:compiled:${compiledPath.selection}`;
  // dbt's parse and ls compile nothing: their manifest's nodes have no compiled, compiled_code, extra_ctes(_injected),
  // and list depends_on.macros as dbt's parse records them.
  const uncompiled = command === 'ls';
  if (uncompiled && manifestDigest) manifestDigest = `${manifestDigest}:uncompiled:parsed`;
  if (!reuseManifest(dir, manifestDigest, meta)) {
    const [{ buildManifest }, { relationNameOf }, { semanticManifest }, { defaultDatabaseOf }, lineage] = await Promise.all([
      import('../artifacts/manifest.ts'), import('./relation-name-of.ts'), import('../artifacts/semantic-entries.ts'), import('../render/relation.ts'), c.check ? import('../check/column-lineage.ts') : undefined,
    ]);
    const relationName = (n: GraphNode) => relationNameOf(c, n);
    writeManifest(dir, manifestDigest, meta, () => {
      const m = buildManifest(c.compiled, c.graph, c.invocationId, c.adapter.dialect, relationName, c.check && lineage ? (id) => lineage.smColumnsOf(c.check!, id) : undefined, hooksRun, compiledPath?.of, uncompiled || (compiledPath?.notCompiled ?? false), uncompiled);
      // MetricFlow's file, written with every manifest as dbt writes it (from the same entries; reused with it).
      const entries = { semantic_models: Object.values(m.semantic_models as object), metrics: Object.values(m.metrics as object), saved_queries: Object.values(m.saved_queries as object) };
      const ctx = { nodes: c.compiled.nodes, database: defaultDatabaseOf(c.adapter.dialect, c.project.target) ?? null, relationName };
      (sink ?? writeNow).write(join(dir, 'semantic_manifest.json'), redactJson(JSON.stringify(semanticManifest(entries, [...c.compiled.nodes.values()], ctx)), c.project.secrets));
      return m;
    }, () => c.project.secrets, sink);
  }
  return { files };
}

/**
 * What compile writes: the selected nodes, then the ephemeral models they inline that are not
 * selected (dbt 1.11.16: `dbt compile -s c`, c reading ephemeral e, writes e's file too and
 * gives e a compiled_path).
 */
function withInlinedEphemerals(c: Compilation): readonly string[] {
  if (c.selected.length === c.compiled.nodes.size) return c.selected;
  const ids = new Set(c.selected);
  for (const id of c.selected) for (const e of inlinedEphemerals((x) => c.graph.predecessors(x), c.compiled.nodes, id)) ids.add(e);
  return ids.size === c.selected.length ? c.selected : [...ids];
}

/**
 * A compile's `compiled_path`s: those of the nodes it wrote, and what names them (`all`, or a hash
 * of the ids); with a selection, the nodes it did not compile (`notCompiled`): dbt 1.11.16's
 * `compile -s b` (b refs a and an ephemeral e) leaves a and every other node out of compiled,
 * compiled_code, extra_ctes and extra_ctes_injected, and keeps them on b, its test and e, whose
 * SQL b's took in.
 */
function compiledPathsOf(c: Compilation, written: readonly string[]): { selection: string; of: (n: GraphNode) => string | null; notCompiled?: (n: GraphNode) => boolean } {
  const whole = written.length === c.compiled.nodes.size;
  const selected = whole ? undefined : new Set(written);
  const layout = targetLayoutOf(c.project);
  return {
    selection: whole ? 'all' : createHash('sha1').update(written.join('\n')).digest('hex'),
    of: (n) => ((!selected || selected.has(n.uniqueId)) && hasCompiledPath(n) ? compiledPathOf(layout, n) : null),
    ...(selected ? { notCompiled: (n: GraphNode) => !selected.has(n.uniqueId) } : {}),
  };
}

/**
 * `sm check`, `--strict` or `flags: {strict: true}`: infer the selection's columns (stop on an
 * error when strict). The manifest then carries lineage, so its digest says so.
 */
export async function checkIfAsked(opts: InvocationOptions, c: Compilation, dir: string, digest: string | undefined): Promise<{ check: CheckResult | undefined; manifestDigest: string | undefined }> {
  const strict = opts.strict ?? c.project.config.strict;
  // The checker (a SQL parser and type inference) is loaded only when asked, or when an earlier sm check left its cache.
  if (!opts.check && !strict && !existsSync(join(dir, '.sm', 'check'))) return { check: undefined, manifestDigest: digest };
  const { checkCompiled, freshCheck, readSavedCatalog } = await import('../check/check-compilation.ts');
  const saved = readSavedCatalog(dir);
  // Lineage of the whole project, or of a selection checked alone.
  const whole = c.selected.length === c.graph.nodeCount();
  const selection = () => (whole ? 'all' : createHash('sha1').update(c.selected.join('\n')).digest('hex'));
  if (!opts.check && !strict) {
    // Inputs a whole-project sm check has checked: the same manifest, with lineage (reused as that check wrote it).
    const fresh = freshCheck(c.compiled, c.graph, dir, digest, saved);
    return fresh ? { check: fresh, manifestDigest: `${digest}:check:${saved.digest}:all` } : { check: undefined, manifestDigest: digest };
  }
  const check = checkCompiled(c.compiled, c.graph, { targetDir: dir, only: new Set(c.selected), noCache: opts.noCache, catalog: saved, inputDigest: digest });
  if (strict) {
    const errs = check.diagnostics.filter((d) => d.severity === 'error');
    if (errs.length) throw new SmProjectError(errs);
  }
  // A manifest with lineage differs from one without, and depends on the saved catalog and the selection checked.
  const manifestDigest = digest ? `${digest}:check:${saved.digest}:${selection()}` : undefined;
  return { check, manifestDigest };
}
