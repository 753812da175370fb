import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { TargetConfig } from '../adapter.ts';
import { diag, SmProjectError, type Diagnostic } from '../diagnostics.ts';
import type { Macro, ModelNode, PackageInfo, ProjectConfig, SeedNode, SourceNode, TestNode, UnitTestNode } from '../types.ts';
import { discover, type FoundFile } from './discover.ts';
import { folderConfig, mergeConfigInto } from './folder-config.ts';
import { resolveTarget } from './profiles.ts';
import { readProjectFile } from './project-file.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import { SchemaCache } from './schema-cache.ts';
import { emptyDecls, type NodePatch, type SchemaDecls } from './schema-yaml.ts';
import { genericTestNode } from './test-nodes.ts';
import type { YamlFile } from './yaml-file.ts';
import { loadSnapshots } from '../snapshot/load-snapshots.ts';

export interface LoadOptions {
  projectDir: string;
  profilesDir?: string | undefined;
  target?: string | undefined;
  /** `--vars`, already parsed; override the project's vars. */
  vars?: Record<string, unknown> | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Compute everything afresh: neither read nor write the caches in target/.sm. Default false. */
  noCache?: boolean | undefined;
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
  macros: Macro[];
  /** Installed packages, in dependency order (empty until `sm deps` installed some). */
  packages: PackageInfo[];
  diagnostics: Diagnostic[];
  /**
   * Digest of every input that shapes what compiling the project produces: sm's own code, the
   * project file, target, secrets, vars, and each file read (path and content hash). Equal
   * digests mean equal compiled output, unless a render read the environment or the clock.
   */
  inputDigest: string;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

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
  const config = pf.config;
  const resolved = resolveTarget(
    { projectDir: dir, profileName: config.profile, projectName: config.name, profilesDir: opts.profilesDir, targetName: opts.target, env: opts.env },
    diagnostics,
  );
  if (!resolved) throw new SmProjectError(diagnostics);
  const vars = { ...config.vars, ...(opts.vars ?? {}) };

  const digest = createHash('sha256');
  digest.update(JSON.stringify({ code: codeFingerprint(), config, target: resolved.target, secrets: resolved.secrets, vars }, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
  const decls: SchemaDecls = emptyDecls();
  const yamlFolders = [...config.modelPaths, ...config.seedPaths, ...config.snapshotPaths, ...config.macroPaths, ...config.testPaths];
  // Only files that declare snapshots are read again (by the snapshot loader).
  const yamls: YamlFile[] = [];
  const schemaCache = SchemaCache.open(opts.noCache ? undefined : join(dir, config.targetPath, '.sm', 'schema-cache.json'));
  for (const f of discover(dir, [...new Set(yamlFolders)], ['.yml', '.yaml'])) {
    const text = readFileSync(f.abs, 'utf8');
    digest.update(`\0yaml\0${f.rel}\0${text.length}\0`).update(text);
    const { yaml, hasSnapshots } = schemaCache.read(text, f.rel, decls, diagnostics);
    if (yaml && hasSnapshots) yamls.push(yaml);
  }
  schemaCache.save();

  const macros = loadMacros(dir, config, diagnostics);
  // Snapshots are model-like nodes: render, ref() and selection treat them as models.
  const models = [...loadModels(dir, config, decls, diagnostics), ...loadSnapshots(dir, config, decls.snapshots, yamls, sha256, diagnostics)];
  const seeds = loadSeeds(dir, config, decls, diagnostics);
  const sources = loadSources(config, decls);
  const tests = [...singularTests(dir, config, diagnostics), ...genericTests(config, decls, models, seeds, sources, diagnostics)];
  const unitTests: UnitTestNode[] = decls.unitTests.map((u) => ({
    uniqueId: `unit_test.${config.name}.${u.model}.${u.name}`,
    resourceType: 'unit_test',
    name: u.name,
    packageName: config.name,
    originalFilePath: u.file,
    path: u.file,
    // As dbt: the tested model's fqn, then the test's name.
    fqn: [...(models.find((m) => m.name === u.model)?.fqn ?? [config.name, u.model]), u.name],
    description: u.description,
    tags: Array.isArray(u.config.tags) ? u.config.tags.map(String) : [],
    meta: {},
    config: { ...u.config },
    columns: {},
    dependsOn: { nodes: [`model.${config.name}.${u.model}`], macros: [] },
    patchPath: u.file,
    model: u.model,
    given: u.given,
    expect: u.expect,
    overrides: u.overrides,
  }));
  for (const u of decls.unitTests) {
    if (!models.some((m) => m.name === u.model)) {
      diagnostics.push(diag('SM_TEST_INVALID', `Unit test "${u.name}" names model "${u.model}", which does not exist`, u.location));
    }
  }
  warnOrphanPatches(decls, models, seeds, diagnostics);
  for (const m of macros) digest.update(`\0macro\0${m.originalFilePath}\0${m.macroSql.length}\0`).update(m.macroSql);
  // Model checksums hash the whole file; a snapshot's hashes its block, so hash its text here.
  for (const m of models) digest.update(`\0${m.uniqueId}\0${m.originalFilePath}\0${m.resourceType === 'snapshot' ? sha256(m.rawCode) : m.checksum}`);
  for (const n of [...seeds, ...tests]) digest.update(`\0${n.uniqueId}\0${n.originalFilePath}\0${'checksum' in n ? n.checksum : ''}`);
  return {
    dir,
    config,
    target: resolved.target,
    targetSource: resolved.source,
    secrets: resolved.secrets,
    vars,
    models,
    seeds,
    sources,
    tests,
    unitTests,
    macros,
    packages: [],
    diagnostics,
    inputDigest: digest.digest('hex'),
  };
}

function loadMacros(dir: string, config: ProjectConfig, _d: Diagnostic[]): Macro[] {
  const files = discover(dir, config.macroPaths, ['.sql']);
  const generic = discover(dir, config.testPaths.map((t) => `${t}/generic`), ['.sql']);
  return [...files, ...generic].map((f) => ({
    uniqueId: `macro.${config.name}.${basename(f.rel, '.sql')}`,
    name: basename(f.rel, '.sql'),
    packageName: config.name,
    originalFilePath: f.rel,
    macroSql: readFileSync(f.abs, 'utf8'),
  }));
}

function folderParts(f: FoundFile): string[] {
  return f.inFolder.split('/').slice(0, -1);
}

function loadModels(dir: string, config: ProjectConfig, decls: SchemaDecls, diagnostics: Diagnostic[]): ModelNode[] {
  const patches = byName(decls.models);
  const seen = new Map<string, string>();
  const out: ModelNode[] = [];
  for (const f of discover(dir, config.modelPaths, ['.sql'])) {
    const name = basename(f.rel, '.sql');
    const prev = seen.get(name);
    if (prev) {
      diagnostics.push(
        diag('SM_DUPLICATE_NODE', `Two models are named "${name}": ${prev} and ${f.rel}`, { file: f.rel }, { hint: 'Model names are unique across the project; rename one file.' }),
      );
      continue;
    }
    seen.set(name, f.rel);
    const raw = readFileSync(f.abs, 'utf8');
    const patch = patches.get(name);
    // dbt matches the whole fqn: the last level may name the model itself.
    const cfg = folderConfig(config.resourceConfigs.models, config.name, [...folderParts(f), name]);
    if (patch) mergeConfigInto(cfg, patch.config);
    if (cfg.materialized === undefined) cfg.materialized = 'view';
    out.push({
      uniqueId: `model.${config.name}.${name}`,
      resourceType: 'model',
      name,
      packageName: config.name,
      originalFilePath: f.rel,
      path: f.inFolder,
      fqn: [config.name, ...folderParts(f), name],
      description: patch?.description ?? '',
      tags: [],
      meta: patch?.meta ?? {},
      config: cfg,
      columns: patch?.columns ?? {},
      dependsOn: { nodes: [], macros: [] },
      patchPath: patch?.file,
      rawCode: raw,
      relation: { schema: '', identifier: name },
      refs: [],
      sources: [],
      checksum: sha256(raw),
    });
  }
  return out;
}

function loadSeeds(dir: string, config: ProjectConfig, decls: SchemaDecls, _d: Diagnostic[]): SeedNode[] {
  const patches = byName(decls.seeds);
  return discover(dir, config.seedPaths, ['.csv']).map((f) => {
    const name = basename(f.rel, '.csv');
    const patch = patches.get(name);
    const cfg = folderConfig(config.resourceConfigs.seeds, config.name, [...folderParts(f), name]);
    if (patch) mergeConfigInto(cfg, patch.config);
    cfg.materialized = 'seed';
    const content = readFileSync(f.abs);
    return {
      uniqueId: `seed.${config.name}.${name}`,
      resourceType: 'seed' as const,
      name,
      packageName: config.name,
      originalFilePath: f.rel,
      path: f.inFolder,
      fqn: [config.name, ...folderParts(f), name],
      description: patch?.description ?? '',
      tags: Array.isArray(cfg.tags) ? (cfg.tags as string[]) : [],
      meta: patch?.meta ?? {},
      config: cfg,
      columns: patch?.columns ?? {},
      dependsOn: { nodes: [], macros: [] },
      patchPath: patch?.file,
      relation: { schema: '', identifier: typeof cfg.alias === 'string' ? cfg.alias : name },
      seedPath: f.abs,
      checksum: createHash('sha256').update(content).digest('hex'),
    };
  });
}

function loadSources(config: ProjectConfig, decls: SchemaDecls): SourceNode[] {
  return decls.sources.map((s) => ({
    uniqueId: `source.${config.name}.${s.sourceName}.${s.name}`,
    resourceType: 'source' as const,
    name: s.name,
    sourceName: s.sourceName,
    identifier: s.identifier,
    packageName: config.name,
    originalFilePath: s.file,
    path: s.file,
    fqn: [config.name, s.sourceName, s.name],
    description: s.description,
    tags: s.tags,
    meta: s.meta,
    config: s.config,
    columns: s.columns,
    dependsOn: { nodes: [], macros: [] },
    patchPath: s.file,
    relation: { database: s.database, schema: s.schema, identifier: s.identifier },
    loader: s.loader,
    freshness: s.freshness,
    loadedAtField: s.loadedAtField,
  }));
}

function singularTests(dir: string, config: ProjectConfig, _d: Diagnostic[]): TestNode[] {
  const files = discover(dir, config.testPaths, ['.sql']).filter((f) => !f.inFolder.startsWith('generic/') && !f.inFolder.startsWith('fixtures/'));
  return files.map((f) => {
    const name = basename(f.rel, '.sql');
    const raw = readFileSync(f.abs, 'utf8');
    const cfg = folderConfig(config.resourceConfigs.tests, config.name, folderParts(f));
    return {
      uniqueId: `test.${config.name}.${name}`,
      resourceType: 'test' as const,
      name,
      packageName: config.name,
      originalFilePath: f.rel,
      path: f.inFolder,
      fqn: [config.name, ...folderParts(f), name],
      description: '',
      tags: [],
      meta: {},
      config: { materialized: 'test', severity: 'error', ...cfg },
      columns: {},
      dependsOn: { nodes: [], macros: [] },
      rawCode: raw,
      refs: [],
      sources: [],
      checksum: sha256(raw),
    };
  });
}

function genericTests(
  config: ProjectConfig,
  decls: SchemaDecls,
  models: ModelNode[],
  seeds: SeedNode[],
  sources: SourceNode[],
  diagnostics: Diagnostic[],
): TestNode[] {
  const out: TestNode[] = [];
  const used = new Set<string>();
  const attach = (patches: NodePatch[], nodes: (ModelNode | SeedNode)[], kind: string) => {
    const byN = new Map(nodes.map((n) => [n.name, n]));
    for (const p of patches) {
      const node = byN.get(p.name);
      if (!node) continue;
      for (const t of p.tests) out.push(genericTestNode(config, t, node, used, diagnostics, kind));
    }
  };
  attach(decls.models, models, 'model');
  attach(decls.snapshots, models.filter((m) => m.resourceType === 'snapshot'), 'snapshot');
  attach(decls.seeds, seeds, 'seed');
  const srcById = new Map(sources.map((s) => [`${s.sourceName}.${s.name}`, s]));
  for (const s of decls.sources) {
    const node = srcById.get(`${s.sourceName}.${s.name}`)!;
    for (const t of s.tests) out.push(genericTestNode(config, t, node, used, diagnostics, 'source'));
  }
  return out;
}

function warnOrphanPatches(decls: SchemaDecls, models: ModelNode[], seeds: SeedNode[], diagnostics: Diagnostic[]): void {
  const mnames = new Set(models.map((m) => m.name));
  for (const p of decls.models) {
    if (!mnames.has(p.name)) {
      diagnostics.push(
        diag('SM_SCHEMA_YAML', `YAML documents model "${p.name}", but no models/**/${p.name}.sql exists`, p.location, {
          severity: 'warning',
          hint: 'Rename the entry or the file so they match.',
        }),
      );
    }
  }
  const snames = new Set(seeds.map((s) => s.name));
  for (const p of decls.seeds) {
    if (!snames.has(p.name)) diagnostics.push(diag('SM_SCHEMA_YAML', `YAML documents seed "${p.name}", but no seeds/**/${p.name}.csv exists`, p.location, { severity: 'warning' }));
  }
}

function byName(patches: NodePatch[]): Map<string, NodePatch> {
  return new Map(patches.map((p) => [p.name, p]));
}
