import { createHash, type Hash } from 'node:crypto';
import { duplicatePatches } from './duplicate-patches.ts';
import { basename, join, relative, resolve } from 'node:path';
import type { AdapterFactory, Relation, TargetConfig } from '../adapter.ts';
import { diag, formatLocation, SmProjectError, type Diagnostic } from '../diagnostics.ts';
import type { ExposureNode, GraphNode, Macro, MacroPatch, SemanticNode, ModelNode, PackageInfo, ProjectConfig, SampleWindow, SeedNode, SourceLocation, SourceNode, TestNode, UnitTestNode } from '../types.ts';
import { discover, pathInResourceFolder } from './discover.ts';
import { configRenderer, renderProjectConfigs } from './config-renderer.ts';
import { folderConfig } from './folder-config.ts';
import { exposeMetrics, semanticNodes } from './semantic-nodes.ts';
import { installedPackages } from './installed-packages.ts';
import { publicTarget, resolveTarget } from './profiles.ts';
import { readProjectFile } from './project-file.ts';
import { readSourceText } from './source-text.ts';
import { warnUnusedConfigPaths } from './unused-config-paths.ts';
import { applyPatchesElsewhere } from './patches-elsewhere.ts';
import { applySourceOverrides, genericTests, loadMacros, loadModels, loadSeeds, loadSources, sha256, singularTests, unitTests, warnOrphanPatches, type Scope } from './project-resources.ts';
import { loadAnalyses } from './load-analyses.ts';
import { varsFor } from './project-vars.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import { SchemaCache } from './schema-cache.ts';
import { emptyDecls, type GroupDecl, type SchemaDecls } from './schema-yaml.ts';
import type { MacroPatchDecl } from './macro-yaml.ts';
import type { YamlFile } from './yaml-file.ts';
import { loadPythonModels } from './load-python-models.ts';
import { loadSnapshots } from './load-snapshots.ts';
import type { StoredRefs } from './ref-index.ts';
import { exposureNodes, exposureScope } from './exposure-nodes.ts';
import { checkDuplicateDocs, docBlocksOf, renderDescriptions, type DocBlock } from './doc-blocks.ts';

export interface LoadOptions {
  projectDir: string;
  profilesDir?: string | undefined;
  target?: string | undefined;
  /** `--vars`, already parsed; override the project's vars. */
  vars?: Record<string, unknown> | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** `--threads`: overrides the target's threads. */
  threads?: number | undefined;
  /** Compute everything afresh: neither read nor write the caches in target/.sm. Default false. */
  noCache?: boolean | undefined;
  /** dbt's `--profile`: the profile to read instead of the project file's `profile:`. */
  profile?: string | undefined;
  /** `--target-path`: where artifacts go, relative to the project directory (or absolute). Default: the project file's `target-path`. */
  targetPath?: string | undefined;
  /** `--defer`: the relation each deferred node's ref() reads instead of its own, by unique id (compile/compile-deferred.ts). */
  deferred?: ReadonlyMap<string, Relation> | undefined;
  /** dbt's `--empty`: every ref() and source() renders as an empty subquery of its relation. Default false. */
  empty?: boolean | undefined;
  /** dbt's `--sample`: models read, of each parent with an `event_time`, only the rows in this window (plan/microbatch.ts). */
  sample?: SampleWindow | undefined;
  /** dbt's `--store-failures`: a test without its own store_failures keeps its failing rows; dbt's not_null then selects every column. Default false. */
  storeFailures?: boolean | undefined;
  /** dbt's `--no-version-check` (false): no project's `require-dbt-version` is checked. Default: the project file's `flags: {version_check: ...}`, else true. */
  versionCheck?: boolean | undefined;
  /** Adapters by target type: the target's completes `{{ target }}` for the project's YAML (AdapterFactory.templateTarget); none is made. */
  adapters?: Readonly<Record<string, AdapterFactory>> | undefined;
}

/** Everything read from disk, nothing rendered yet. Plain data. */
export interface LoadedProject {
  dir: string;
  config: ProjectConfig;
  target: TargetConfig;
  targetSource: string;
  secrets: readonly string[];
  vars: Record<string, unknown>;
  models: ModelNode[];
  seeds: SeedNode[];
  sources: SourceNode[];
  tests: TestNode[];
  unitTests: UnitTestNode[];
  /** `exposures:` declared in schema YAML, their depends_on resolved. */
  exposures: ExposureNode[];
  /** Semantic models, metrics and saved queries declared in schema YAML, their depends_on resolved. */
  semantic: SemanticNode[];
  /** `groups:` declared in schema YAML (root project and packages): what a node's `group` may name. */
  groups: GroupEntry[];
  /** `macros:` entries of schema YAML, by the macro they describe. */
  macroPatches?: MacroPatch[] | undefined;
  /** The `{% docs %}` blocks of every package's and the project's `.md` files. */
  docs: DocBlock[];
  macros: Macro[];
  /** Installed packages, in dependency order (empty until `sm deps` installed some). */
  packages: PackageInfo[];
  /** `--defer`'s relations by unique id, read by ref() in place of the node's own (none without --defer). */
  deferred?: ReadonlyMap<string, Relation> | undefined;
  /** `--empty`: refs and sources render as empty subqueries. */
  empty?: boolean | undefined;
  /** dbt Python models found (paths), which sm does not build: named when a ref() reaches one. */
  pythonModels?: readonly string[] | undefined;
  /** `--sample`: refs and sources of parents with an `event_time` read only the window's rows. */
  sample?: SampleWindow | undefined;
  /** After a warm start, the compiled nodes ref() and source() name, read from the store (never written to it). */
  stored?: StoredRefs | undefined;
  /** `--store-failures` (templates read it as `flags.STORE_FAILURES`). */
  storeFailures?: boolean | undefined;
  /** The nodes that config disabled (`enabled: false`) as they would have been, left out of the lists above: manifest.json lists them under `disabled`. */
  disabled: GraphNode[];
  diagnostics: Diagnostic[];
  /**
   * Digest of every input that shapes what compiling the project produces: sm's own code, the
   * project file, target, secrets, vars, and each file read (path and content hash). Equal
   * digests mean equal compiled output, unless a render read the environment or the clock.
   */
  inputDigest: string;
}

/** A declared group: its name, the package that declares it and where (`path`: within its resource folder, as dbt's manifest gives it). */
export interface GroupEntry {
  readonly name: string;
  readonly packageName: string;
  readonly path: string;
  readonly owner: Record<string, unknown>;
  readonly description: string;
  readonly location: SourceLocation;
}

export { sha256 };

/** Load a project; every problem is collected, and an SmProjectError lists them all if any is an error. */
export function loadProject(opts: LoadOptions): LoadedProject {
  const p = loadProjectCollecting(opts);
  if (p.diagnostics.some((d) => d.severity === 'error')) throw new SmProjectError(p.diagnostics.filter((d) => d.severity === 'error'));
  return p;
}

export function loadProjectCollecting(opts: LoadOptions): LoadedProject {
  const dir = resolve(opts.projectDir);
  const diagnostics: Diagnostic[] = [];
  const pf = readProjectFile(dir, diagnostics);
  if (!pf) throw new SmProjectError(diagnostics);
  const resolved = resolveTarget(
    { projectDir: dir, profileName: opts.profile ?? pf.config.profile, projectName: pf.config.name, profilesDir: opts.profilesDir, targetName: opts.target, env: opts.env, vars: opts.vars, threadsGiven: opts.threads !== undefined },
    diagnostics,
  );
  if (!resolved) throw new SmProjectError(diagnostics);
  const env = opts.env ?? process.env;
  // `{{ target }}` as the adapter's credentials complete it (dbt-duckdb: `database` is the file's name), without secrets as dbt's.
  const templateTarget = publicTarget(opts.adapters?.[resolved.target.type]?.templateTarget?.(resolved.target) ?? resolved.target);
  // dbt renders the project files with --vars alone; schema YAML sees each project's own vars.
  const renderProjectFile = configRenderer(env, opts.vars ?? {}, templateTarget, diagnostics);
  const config = withTargetPath(renderProjectConfigs(pf.config, renderProjectFile), dir, opts.targetPath);
  const installed = installedPackages(dir, config, diagnostics, undefined, opts.versionCheck ?? config.versionCheck ?? true).map((p) => ({ ...p, config: renderProjectConfigs(p.config, renderProjectFile) }));
  const vars = varsFor(config.name, config, undefined, opts.vars);
  const packages: PackageInfo[] = installed.map((p) => ({
    name: p.config.name, dir: p.dir, version: p.config.version, vars: varsFor(p.config.name, config, p.config, opts.vars),
    onRunStart: p.config.onRunStart, onRunEnd: p.config.onRunEnd, file: basename(p.config.file), fileChecksum: p.config.fileChecksum, modelConfigs: p.config.resourceConfigs.models,
  }));

  const digest = createHash('sha256');
  const configs = [config, ...installed.map((p) => p.config)];
  digest.update(JSON.stringify({ code: codeFingerprint(), configs, target: resolved.target, secrets: resolved.secrets, vars, packages }, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
  const schemaCache = SchemaCache.open(opts.noCache ? undefined : join(dir, config.targetPath, '.sm', 'schema-cache.json'));
  const out = { models: [] as ModelNode[], seeds: [] as SeedNode[], sources: [] as SourceNode[], tests: [] as TestNode[], unitTests: [] as UnitTestNode[], macros: [] as Macro[], disabled: [] as GraphNode[], pythonModels: [] as string[] };
  // Packages first, in dependency order, then the root project.
  // What env_var() in schema YAML read (a config, a meta, a description): part of the input digest,
  // so a compile with another value is not mistaken for the last one (its manifest reused as it was).
  const yamlEnvRead = new Map<string, string | undefined>();
  const onEnvRead = (name: string, value: string | undefined) => void yamlEnvRead.set(name, value);
  const yamlRenderer = (v: Record<string, unknown>) => configRenderer(env, v, templateTarget, diagnostics, onEnvRead);
  const scopes: Scope[] = [
    ...installed.map((p, i) => ({ dir: p.dir, prefix: p.prefix, config: p.config, root: config, render: yamlRenderer(packages[i]!.vars) })),
    { dir, prefix: '', config, render: yamlRenderer(vars) },
  ];
  const docs: DocBlock[] = [];
  const yamlsOf = scopes.map((s) => readSchemaFiles(s, schemaCache, digest, diagnostics, docs));
  schemaCache.save();
  scopes.forEach((s, i) => loadScope(s, yamlsOf[i]!, out, diagnostics));
  const patched = new Set<string>();
  scopes.forEach((s, i) => applyPatchesElsewhere(s, yamlsOf[i]!.decls, out.models, out.seeds, patched));
  // The root project (the last scope) may override its packages' sources.
  applySourceOverrides(scopes[scopes.length - 1]!, yamlsOf[yamlsOf.length - 1]!.decls, out.sources, diagnostics);
  const exposures = exposureNodes(scopes.map((s, i) => exposureScope(s, yamlsOf[i]!.decls)), config.name, out, diagnostics, out.disabled);
  const semanticKey = { semantic_model: 'semantic-models', metric: 'metrics', saved_query: 'saved-queries' } as const;
  const semantic = semanticNodes(
    scopes.map((s, i) => ({
      ...exposureScope(s, yamlsOf[i]!.decls),
      decls: yamlsOf[i]!.decls.semantic,
      // The project file's `semantic-models:`, `metrics:`, `saved-queries:` by folder; the root project's over a package's own.
      projectConfig: (kind: keyof typeof semanticKey, tail: readonly string[]) => ({
        ...folderConfig(s.config.resourceConfigs[semanticKey[kind]], s.config.name, tail),
        ...(s.root ? folderConfig(s.root.resourceConfigs[semanticKey[kind]], s.config.name, tail) : {}),
      }),
    })),
    config.name, out, resolved.target.schema, diagnostics, out.disabled,
  );
  exposeMetrics(exposures, semantic, diagnostics);
  const groups = groupEntries(scopes.map((s, i) => [s, yamlsOf[i]!.decls] as const), diagnostics);
  const macroPatches = macroPatchesOf(scopes.map((s, i) => [s.config.name, yamlsOf[i]!.decls.macroPatches] as const), diagnostics);
  checkDuplicateDocs(docs, diagnostics);
  checkNamesWithoutSpaces([...out.models, ...out.seeds, ...out.tests], config, diagnostics);
  checkTestFileNames([...out.tests, ...out.unitTests], diagnostics);
  warnUnusedConfigPaths(dir, config, [...out.models, ...out.seeds, ...out.sources, ...out.tests, ...out.unitTests, ...exposures, ...semantic], out.disabled, diagnostics);
  renderDescriptions([...out.models, ...out.seeds, ...out.sources, ...out.tests, ...exposures, ...macroPatches], docs, config.name, { env, vars, target: templateTarget, onEnvRead }, diagnostics);
  if (yamlEnvRead.size) digest.update(`\0yaml-env\0${JSON.stringify([...yamlEnvRead].sort((a, b) => (a[0] < b[0] ? -1 : 1)))}`);
  for (const m of out.macros) digest.update(`\0macro\0${m.originalFilePath}\0${m.macroSql.length}\0`).update(m.macroSql);
  // The text rendered, not the checksum: dbt's hashes the file stripped, and blank lines added at its start move every line an error names.
  for (const m of out.models) digest.update(`\0${m.uniqueId}\0${m.originalFilePath}\0${m.rawCode.length}\0`).update(m.rawCode);
  for (const n of [...out.seeds, ...out.tests]) digest.update(`\0${n.uniqueId}\0${n.originalFilePath}\0${'checksum' in n ? n.checksum : ''}\0${n.resourceType === 'test' ? n.rawCode : ''}`);
  // What config disabled is listed in the manifest as its file is.
  for (const n of out.disabled) digest.update(`\0off\0${n.uniqueId}\0${n.originalFilePath}\0${'checksum' in n ? n.checksum : ''}`);
  // Deferred refs render to other relations: nothing compiled without them may stand for what is compiled with them.
  if (opts.deferred?.size) digest.update(`\0deferred\0${JSON.stringify([...opts.deferred])}`);
  if (opts.empty) digest.update('\0empty');
  if (opts.storeFailures) digest.update('\0store-failures');
  if (opts.sample) digest.update(`\0sample\0${opts.sample.start.toISOString()}\0${opts.sample.end.toISOString()}`);
  return {
    dir,
    config,
    target: resolved.target,
    targetSource: resolved.source,
    secrets: resolved.secrets,
    vars,
    models: out.models,
    seeds: out.seeds,
    sources: out.sources,
    tests: out.tests,
    unitTests: out.unitTests,
    exposures,
    semantic,
    groups,
    ...(macroPatches.length ? { macroPatches } : {}),
    docs,
    macros: out.macros,
    packages,
    disabled: out.disabled,
    ...(opts.deferred?.size ? { deferred: opts.deferred } : {}),
    ...(opts.empty ? { empty: true } : {}),
    ...(opts.storeFailures ? { storeFailures: true } : {}),
    ...(opts.sample ? { sample: opts.sample } : {}),
    ...(out.pythonModels.length ? { pythonModels: out.pythonModels } : {}),
    diagnostics,
    inputDigest: digest.digest('hex'),
  };
}

/** A project's schema YAML files, read into declarations (through the cache); the files that declare snapshots are kept for the snapshot loader. */
function readSchemaFiles(s: Scope, cache: SchemaCache, digest: Hash, diagnostics: Diagnostic[], docs: DocBlock[]): { decls: SchemaDecls; yamls: YamlFile[] } {
  const decls: SchemaDecls = emptyDecls();
  const c = s.config;
  const yamlFolders = new Set([...c.modelPaths, ...c.seedPaths, ...c.snapshotPaths, ...c.analysisPaths, ...c.macroPaths, ...c.testPaths]);
  const docsFolders = new Set(c.docsPaths);
  const yamls: YamlFile[] = [];
  // One walk finds the schema YAML and the docs blocks' Markdown.
  for (const f of discover(s.dir, [...new Set([...yamlFolders, ...docsFolders])], ['.yml', '.yaml', '.md'])) {
    const rel = s.prefix + f.rel;
    if (f.inFolder.endsWith('.md')) {
      if (!docsFolders.has(f.folder)) continue;
      const text = readSourceText(f.abs, rel);
      digest.update(`\0md\0${rel}\0${text.length}\0`).update(text);
      docs.push(...docBlocksOf(text, { rel, inFolder: f.inFolder }, c.name, diagnostics));
      continue;
    }
    if (!yamlFolders.has(f.folder)) continue;
    const text = readSourceText(f.abs, rel);
    digest.update(`\0yaml\0${rel}\0${text.length}\0`).update(text);
    const { yaml, hasSnapshots } = cache.read(text, rel, decls, diagnostics);
    if (yaml && hasSnapshots) yamls.push(yaml);
  }
  return { decls, yamls };
}

interface Loaded {
  models: ModelNode[];
  seeds: SeedNode[];
  sources: SourceNode[];
  tests: TestNode[];
  unitTests: UnitTestNode[];
  macros: Macro[];
  disabled: GraphNode[];
  pythonModels: string[];
}

/** Every resource of one project (root or package) into `out`. */
function loadScope(s: Scope, read: { decls: SchemaDecls; yamls: YamlFile[] }, out: Loaded, diagnostics: Diagnostic[]): void {
  const { decls, yamls } = read;
  duplicatePatches(decls, diagnostics);
  out.macros.push(...loadMacros(s));
  // Snapshots are model-like nodes: render, ref() and selection treat them as models.
  const sqlModels = loadModels(s, decls, diagnostics, out.disabled);
  const models = [...sqlModels, ...loadPythonModels(s, decls, sqlModels, diagnostics, out.disabled, out.pythonModels), ...loadSnapshots(s, decls.snapshots, yamls, sha256, diagnostics, out.disabled), ...loadAnalyses(s, decls, diagnostics, out.disabled)];
  const seeds = loadSeeds(s, decls, out.disabled);
  const sources = loadSources(s, decls, out.disabled);
  const tests = [...singularTests(s, out.disabled), ...genericTests(s, decls, models, seeds, sources, diagnostics, out.disabled, out.pythonModels)];
  out.unitTests.push(...unitTests(s, decls, models, diagnostics, out.disabled));
  warnOrphanPatches(s, decls, models, seeds, diagnostics, new Set(out.disabled.map((n) => n.uniqueId)), out.pythonModels);
  out.models.push(...models);
  out.seeds.push(...seeds);
  out.sources.push(...sources);
  out.tests.push(...tests);
}

/** The project's config with `--target-path` in place, kept relative to the project (joins with the project directory stay right for an absolute one). */
function withTargetPath(config: ProjectConfig, dir: string, targetPath: string | undefined): ProjectConfig {
  if (!targetPath) return config;
  return { ...config, targetPath: relative(dir, resolve(dir, targetPath)) || '.' };
}

/** Each scope's `groups:`, a name declared twice in one package being an error (dbt's rule). */
function groupEntries(scopes: readonly (readonly [Scope, SchemaDecls])[], diagnostics: Diagnostic[]): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const [s, all] of scopes) {
    const decls = all.groups;
    const where = exposureScope(s, all);
    const seen = new Map<string, GroupDecl>();
    for (const g of decls) {
      const first = seen.get(g.name);
      if (first) {
        diagnostics.push(diag('SM_DUPLICATE_NODE', `Group "${g.name}" is declared twice in ${s.config.name} (also at ${formatLocation(first.location)})`, g.location, { hint: 'Rename or remove one of them.' }));
        continue;
      }
      seen.set(g.name, g);
      out.push({ name: g.name, packageName: s.config.name, path: pathInResourceFolder(where, g.file), owner: g.owner, description: g.description, location: g.location });
    }
  }
  return out;
}

/**
 * dbt 1.11 refuses a node whose name has a space (`models/my model.sql`) unless the project sets
 * `flags: {require_resource_names_without_spaces: false}`, which makes it a deprecation warning.
 */
function checkNamesWithoutSpaces(nodes: readonly { name: string; uniqueId: string; resourceType: string; originalFilePath: string }[], config: ProjectConfig, diagnostics: Diagnostic[]): void {
  for (const n of nodes) {
    if (!n.name.includes(' ')) continue;
    diagnostics.push(
      config.resourceNamesMayHaveSpaces
        ? diag('SM_PROJECT_INVALID', `${n.resourceType} "${n.name}" has a space in its name (${n.uniqueId})`, { file: n.originalFilePath }, { severity: 'warning', event: 'SpacesInResourceNameDeprecation', eventData: { level: 'warn', unique_id: n.uniqueId }, hint: 'Rename it without spaces; dbt will stop accepting such names.' })
        : diag('SM_PROJECT_INVALID', `Resource names cannot contain spaces: ${n.resourceType} "${n.name}" (${n.uniqueId})`, { file: n.originalFilePath }, { hint: `${n.originalFilePath.endsWith('.yml') || n.originalFilePath.endsWith('.yaml') ? `Change its name: in ${n.originalFilePath}` : 'Rename the file'} so its name has no spaces (or set flags: {require_resource_names_without_spaces: false} in ${config.file}, as dbt allows).` }),
    );
  }
}

/**
 * A test declared in YAML gets a file under target/compiled/ and target/run/ named by its name (or
 * alias): a `..` in it would write that SQL outside target/, over any file there, a model's own
 * .sql included (dbt 1.11.16 does overwrite it). Refused here, before anything is written.
 */
function checkTestFileNames(nodes: readonly { name: string; uniqueId: string; resourceType: string; originalFilePath: string; config?: { alias?: unknown } }[], diagnostics: Diagnostic[]): void {
  for (const n of nodes) {
    for (const [what, v] of [['name', n.name], ['alias', n.config?.alias]] as const) {
      if (typeof v !== 'string' || !v.split(/[\\/]/).some((seg) => seg === '..')) continue;
      diagnostics.push(
        diag('SM_PROJECT_INVALID', `${n.resourceType === 'unit_test' ? 'Unit test' : 'Test'} ${what} "${v}" has a ".." path segment: its compiled SQL would be written outside target/ (${n.uniqueId})`, { file: n.originalFilePath }, {
          hint: `Change its ${what}: in ${n.originalFilePath} to one without "..".`,
        }),
      );
    }
  }
}

/**
 * Each package's `macros:` entries on its own macros, as dbt patches them; a macro described
 * twice is an error naming both files. (One naming no macro is the compile's warning: which
 * macros a file defines is known once its template is parsed.)
 */
function macroPatchesOf(byPackage: readonly (readonly [string, readonly MacroPatchDecl[]])[], diagnostics: Diagnostic[]): MacroPatch[] {
  const out = new Map<string, MacroPatch>();
  for (const [pkg, decls] of byPackage) {
    for (const d of decls) {
      const uniqueId = `macro.${pkg}.${d.name}`;
      const first = out.get(uniqueId);
      if (first) {
        diagnostics.push(diag('SM_SCHEMA_YAML', `The macro "${d.name}" is described twice under \`macros:\`: in ${first.patchPath} and ${d.file}`, d.location, { hint: 'Keep one entry for it.' }));
        continue;
      }
      const { file, ...rest } = d;
      out.set(uniqueId, { ...rest, uniqueId, resourceType: 'macro', packageName: pkg, patchPath: file, originalFilePath: file, columns: {} });
    }
  }
  return [...out.values()];
}
