import { hash as oneShotHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { ColumnInfo, GraphNode, Macro, ModelNode, NodeConfig, SeedNode, SourceNode, TestNode, UnitTestNode } from '../types.ts';
import { renderColumns, renderMeta } from './config-renderer.ts';
import { readSourceText, sourceText } from './source-text.ts';
import { discover, pathInResourceFolder, type FoundFile } from './discover.ts';
import { dbtFileText } from './file-text.ts';
import { dropRootAppends, mergeConfigInto, metaOf, nodeTags, sourceUnrenderedConfig, unrenderedFolderConfig } from './folder-config.ts';
import { quotingOf, sourceQuoted, sourceTags } from './source-parts.ts';
import type { NodePatch, SchemaDecls, TestDecl, VersionDecl } from './schema-yaml.ts';
import { genericTestNode, orphanTarget, renderedTestConfig, testTargetWarning } from './test-nodes.ts';
import { isDisabled, leftOutUnrendered, listed, nodeConfig, type ConfigLayers, type Scope } from './config-layers.ts';

export { isDisabled, leftOutUnrendered, listed, nodeConfig, type ConfigLayers, type Scope } from './config-layers.ts';

/** One-shot hashing: a Hash object per file (10,000 model files) cost more than hashing the text. */
export const sha256 = (s: string | Buffer) => oneShotHash('sha256', s);

/** dbt's checksum of a file: sha256 of its stripped text. */
export const fileChecksum = (s: string) => sha256(dbtFileText(s));

export function folderParts(f: FoundFile): string[] {
  return f.inFolder.split('/').slice(0, -1);
}

export function loadMacros(s: Scope): Macro[] {
  const files = discover(s.dir, s.config.macroPaths, ['.sql']);
  const generic = discover(s.dir, s.config.testPaths.map((t) => `${t}/generic`), ['.sql']);
  return [...files, ...generic].map((f) => ({
    uniqueId: `macro.${s.config.name}.${basename(f.rel, '.sql')}`,
    name: basename(f.rel, '.sql'),
    packageName: s.config.name,
    originalFilePath: s.prefix + f.rel,
    macroSql: readSourceText(f.abs, s.prefix + f.rel),
  }));
}

export function loadModels(s: Scope, decls: SchemaDecls, diagnostics: Diagnostic[], disabled: GraphNode[]): ModelNode[] {
  const patches = byName(decls.models);
  const versionFiles = versionFilesOf(decls.models);
  const seen = new Map<string, string>();
  const out: ModelNode[] = [];
  const name0 = s.config.name;
  for (const f of discover(s.dir, s.config.modelPaths, ['.sql'])) {
    const base = basename(f.rel, '.sql');
    const ver = versionFiles.get(base);
    const name = ver ? ver.patch.name : base;
    const id = ver ? `model.${name0}.${name}.v${ver.v.v}` : `model.${name0}.${name}`;
    const rel = s.prefix + f.rel;
    const prev = seen.get(id);
    if (prev) {
      diagnostics.push(
        diag('SM_DUPLICATE_NODE', `Two models are named "${name}"${ver ? ` (version ${ver.v.v})` : ''}: ${prev} and ${rel}`, { file: rel }, { hint: 'Model names are unique within a project; rename one file.' }),
      );
      continue;
    }
    seen.set(id, rel);
    const raw = readSourceText(f.abs, rel);
    const patch = ver ? ver.patch : patches.get(name);
    const patchConfig = ver ? mergeConfigInto({ ...ver.patch.config }, ver.v.config) : patch?.config;
    // dbt matches the whole fqn: the last levels may name the model itself (and its version).
    const fqnTail = ver ? [name, `v${ver.v.v}`] : [name];
    const { config: cfg, rootConfig, layers } = nodeConfig(s, 'models', [...folderParts(f), ...fqnTail], patchConfig, patch?.file ?? rel);
    const leftOut = leftOutUnrendered(cfg, rootConfig, raw);
    if (cfg.materialized === undefined) cfg.materialized = 'view';
    (leftOut ? disabled : out).push({
      uniqueId: id,
      resourceType: 'model',
      name,
      ...(ver ? { version: ver.v.v, latestVersion: ver.latest } : {}),
      ...((ver?.v.deprecationDate ?? patch?.deprecationDate) ? { deprecationDate: ver?.v.deprecationDate ?? patch?.deprecationDate } : {}),
      ...(patch?.timeSpine ? { timeSpine: patch.timeSpine } : {}),
      ...((ver?.v.constraints ?? patch?.constraints)?.length ? { constraints: ver?.v.constraints ?? patch?.constraints } : {}),
      packageName: name0,
      originalFilePath: rel,
      path: f.inFolder,
      fqn: [name0, ...folderParts(f), ...fqnTail],
      description: (ver?.v.description ?? patch?.description) || '',
      tags: [],
      meta: metaOf(cfg),
      config: cfg,
      ...layers,
      columns: renderColumns(s.render, ver ? versionColumns(ver.patch, ver.v) : (patch?.columns ?? {}), patch?.file ?? rel),
      dependsOn: { nodes: [], macros: [] },
      patchPath: patch?.file,
      rawCode: raw,
      // dbt's default alias for a version is <name>_v<version> (dots as underscores).
      relation: { schema: '', identifier: ver ? `${name}_v${ver.v.v.replace(/\./g, '_')}` : name },
      refs: [],
      sources: [],
      checksum: fileChecksum(raw),
    });
  }
  return out;
}

/** The files that define model versions: `defined_in`, else `<model>_v<v>`. */
function versionFilesOf(patches: NodePatch[]): Map<string, { patch: NodePatch; v: VersionDecl; latest: string }> {
  const out = new Map<string, { patch: NodePatch; v: VersionDecl; latest: string }>();
  for (const p of patches) {
    if (!p.versions?.length) continue;
    const latest = p.latestVersion ?? p.versions.map((v) => v.v).sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : 1)).at(-1)!;
    for (const v of p.versions) out.set(v.definedIn ?? `${p.name}_v${v.v}`, { patch: p, v, latest });
  }
  return out;
}

/** A version's columns: the model's (all, or those it includes, less those it excludes), then its own. */
function versionColumns(p: NodePatch, v: VersionDecl): Record<string, ColumnInfo> {
  const out: Record<string, ColumnInfo> = {};
  for (const [k, c] of Object.entries(p.columns)) if ((v.include === 'all' || v.include.includes(k)) && !v.exclude.includes(k)) out[k] = c;
  return { ...out, ...v.columns };
}

/** A version's tests: the model's own, those of the model's columns it keeps, and its own. */
export function versionTests(p: NodePatch, v: VersionDecl): TestDecl[] {
  const keep = versionColumns(p, v);
  return [...p.tests.filter((t) => t.columnName === undefined || (t.columnName in keep && !(t.columnName in v.columns))), ...v.tests];
}

/** What a seed's, a Python model's and an analysis's node take from their file, folder and YAML entry alike. */
export function fileNodeBase(s: Scope, f: FoundFile, name: string, patch: NodePatch | undefined, cfg: NodeConfig, layers: ConfigLayers) {
  const rel = s.prefix + f.rel;
  return {
    name,
    packageName: s.config.name,
    originalFilePath: rel,
    path: f.inFolder,
    fqn: [s.config.name, ...folderParts(f), name],
    description: patch?.description ?? '',
    meta: metaOf(cfg),
    config: cfg,
    ...layers,
    columns: renderColumns(s.render, patch?.columns ?? {}, patch?.file ?? rel),
    dependsOn: { nodes: [], macros: [] as string[] },
    patchPath: patch?.file,
  };
}

export function loadSeeds(s: Scope, decls: SchemaDecls, disabled: GraphNode[]): SeedNode[] {
  const patches = byName(decls.seeds);
  const name0 = s.config.name;
  return discover(s.dir, s.config.seedPaths, ['.csv']).flatMap((f) => {
    const name = basename(f.rel, '.csv');
    const rel = s.prefix + f.rel;
    const patch = patches.get(name);
    const { config: cfg, layers } = nodeConfig(s, 'seeds', [...folderParts(f), name], patch?.config, patch?.file ?? rel);
    cfg.materialized = 'seed';
    const content = readFileSync(f.abs);
    const seed: SeedNode = {
      uniqueId: `seed.${name0}.${name}`,
      resourceType: 'seed' as const,
      ...fileNodeBase(s, f, name, patch, cfg, layers),
      tags: nodeTags(cfg.tags),
      relation: { schema: '', identifier: typeof cfg.alias === 'string' ? cfg.alias : name },
      seedPath: f.abs,
      // dbt hashes a seed of up to 1 MiB as text, stripped (so one that is not UTF-8 stops its parse, exit 2); a larger one by its path, which sm does not (a change would go unseen).
      checksum: content.length <= 1 << 20 ? fileChecksum(sourceText(content, rel)) : sha256(content),
    };
    return listed(seed, disabled);
  });
}

export function loadSources(s: Scope, decls: SchemaDecls, disabled: GraphNode[]): SourceNode[] {
  const name0 = s.config.name;
  return decls.sources.filter((d) => !d.overrides).flatMap((d0) => {
    // database, schema, identifier and loaded_at_field may be Jinja (`schema: "{{ target.schema }}"`).
    const r = (v: string | undefined) => (v !== undefined && s.render && /\{[{%]/.test(v) ? String(s.render(v, d0.file)) : v);
    // So may the rest but descriptions, tests and loaded_at_query (dbt renders them later or never): meta (as text), freshness, tags.
    const deep = <T>(v: T): T => (s.render && /\{[{%]/.test(JSON.stringify(v) ?? '') ? (s.render(v, d0.file) as T) : v);
    const d = { ...d0, database: r(d0.database), schema: r(d0.schema)!, identifier: r(d0.identifier)!, loadedAtField: r(d0.loadedAtField), meta: renderMeta(s.render, d0.meta, d0.file), sourceMeta: renderMeta(s.render, d0.sourceMeta, d0.file), freshness: deep(d0.freshness), tags: deep(d0.tags), loader: deep(d0.loader), quoting: quotingOf(deep(d0.quoting)) };
    // dbt-project.yml's `sources:` paths follow the fqn: the YAML file's folders, the source, the table.
    const fqn = [name0, ...yamlFoldersOf(s, d.file), d.sourceName, d.name];
    const { config: cfg } = nodeConfig(s, 'sources', fqn.slice(1), d.config, d.file);
    // As dbt 1.11.16 gives them: tags from the YAML alone (the project file's `+tags` are not
    // applied to sources), meta the project file's under the YAML's.
    const tags = sourceTags(d.config, d.tags);
    const meta = { ...metaOf(cfg), ...d.meta, ...metaOf(d.config ?? {}) };
    const src: SourceNode = {
      uniqueId: `source.${name0}.${d.sourceName}.${d.name}`,
      resourceType: 'source' as const,
      name: d.name,
      sourceName: d.sourceName,
      identifier: d.identifier,
      packageName: name0,
      originalFilePath: d.file,
      path: d.file,
      fqn,
      description: d.description,
      // dbt's: the YAML's config tags and `tags:` properties, sorted, on the node and in its config.
      tags,
      yamlTags: d.tags,
      unrenderedConfig: sourceUnrenderedConfig(unrenderedFolderConfig((s.config.unrenderedResourceConfigs ?? s.config.resourceConfigs).sources, name0, fqn.slice(1)), deep(d.config), d.tags),
      yamlMeta: { ...d.meta, ...metaOf(d.config ?? {}) },
      meta,
      config: { ...cfg, tags, meta },
      columns: renderColumns(s.render, d.columns, d.file),
      dependsOn: { nodes: [], macros: [] },
      patchPath: d.file,
      relation: { database: d.database, schema: d.schema, identifier: d.identifier, ...sourceQuoted(d.quoting) },
      loader: d.loader,
      sourceDescription: d.sourceDescription,
      sourceMeta: d.sourceMeta,
      quoting: d.quoting,
      unrenderedSchema: d0.schemaAsWritten,
      unrenderedDatabase: d0.database,
      freshness: d.freshness,
      loadedAtField: d.loadedAtField,
    };
    return listed(src, disabled);
  });
}

/** dbt's source fqn puts the folders of the YAML file (below its model path) before the source name. */
function yamlFoldersOf(s: Scope, file: string): string[] {
  const parts = file.slice(s.prefix.length).split('/').slice(0, -1);
  const roots = s.config.modelPaths.map((r) => r.replace(/\/+$/, '').split('/'));
  const root = roots.find((r) => r.every((p, i) => parts[i] === p));
  return root ? parts.slice(root.length) : [];
}

export function singularTests(s: Scope, disabled: GraphNode[]): TestNode[] {
  const name0 = s.config.name;
  const files = discover(s.dir, s.config.testPaths, ['.sql']).filter((f) => !f.inFolder.startsWith('generic/') && !f.inFolder.startsWith('fixtures/'));
  return files.flatMap((f) => {
    const name = basename(f.rel, '.sql');
    const raw = readSourceText(f.abs, s.prefix + f.rel);
    const { config: cfg, rootConfig, layers } = nodeConfig(s, 'tests', [...folderParts(f), name], undefined, s.prefix + f.rel);
    const t: TestNode = {
      uniqueId: `test.${name0}.${name}`,
      resourceType: 'test' as const,
      name,
      packageName: name0,
      originalFilePath: s.prefix + f.rel,
      path: f.inFolder,
      fqn: [name0, ...folderParts(f), name],
      description: '',
      tags: [],
      meta: metaOf(cfg),
      config: { materialized: 'test', severity: 'ERROR', ...cfg },
      ...(rootConfig ? { rootConfig } : {}),
      unrenderedConfig: layers.unrenderedConfig,
      ...(layers.unrenderedRootConfig ? { unrenderedRootConfig: layers.unrenderedRootConfig } : {}),
      columns: {},
      dependsOn: { nodes: [], macros: [] },
      rawCode: raw,
      refs: [],
      sources: [],
      checksum: fileChecksum(raw),
    };
    return listed(t, disabled);
  });
}

/** Test settings dbt renders when it parses the YAML (`enabled: "{{ target.type != 'spark' }}"`), natively: "False" is false. */
const RENDERED_TEST_SETTINGS = ['enabled', 'severity', 'error_if', 'warn_if', 'store_failures', 'store_failures_as', 'limit'];

function renderTestSettings(s: Scope, t: TestNode): void {
  if (!s.render) return;
  for (const k of RENDERED_TEST_SETTINGS) {
    const v = t.config[k];
    if (typeof v === 'string' && /\{[{%]/.test(v)) t.config[k] = s.render(v, t.declaredAt?.file ?? t.originalFilePath);
  }
}

/**
 * The generic tests YAML declares, on the project's models, seeds, snapshots and sources. A test
 * its own config disables goes to `disabled`, and so does one on a disabled node, made as dbt
 * makes it (its config as it is: the manifest keeps it among its nodes, enabled false); one on
 * a disabled source has dbt's warning.
 */
export function genericTests(s: Scope, decls: SchemaDecls, models: ModelNode[], seeds: SeedNode[], sources: SourceNode[], diagnostics: Diagnostic[], disabled: GraphNode[], pythonModels: readonly string[] = []): TestNode[] {
  const out: TestNode[] = [];
  const used = new Set<string>();
  const config = s.prefix ? { ...s.config, modelPaths: s.config.modelPaths.map((p) => s.prefix + p), seedPaths: s.config.seedPaths.map((p) => s.prefix + p), snapshotPaths: s.config.snapshotPaths.map((p) => s.prefix + p), testPaths: s.config.testPaths.map((p) => s.prefix + p) } : s.config;
  const roots: Record<string, unknown>[] = [];
  const unrendered: ConfigLayers[] = [];
  const folderOf = (fqn: string[]) => {
    const { config: cfg, rootConfig, layers } = nodeConfig(s, 'tests', fqn.slice(1), undefined, s.config.file);
    roots.push(rootConfig ?? {});
    unrendered.push(layers);
    if (rootConfig) dropRootAppends(cfg, rootConfig);
    return cfg;
  };
  const prepare = (t: TestNode) => {
    const rootConfig = roots.pop();
    const layers = unrendered.pop();
    t.unrenderedConfig = layers?.unrenderedConfig;
    if (layers?.unrenderedRootConfig) t.unrenderedRootConfig = layers.unrenderedRootConfig;
    if (rootConfig && Object.keys(rootConfig).length) {
      mergeConfigInto(t.config, rootConfig);
      t.rootConfig = rootConfig;
    }
    renderTestSettings(s, t);
  };
  const add = (t: TestNode, on: GraphNode) => {
    prepare(t);
    if (isDisabled(t.config)) disabled.push(t);
    // A model its folder or YAML disables but whose file may enable it (leftOutUnrendered) is
    // still among the models: its render decides, and the test follows it (settleDisabled).
    else if (!isDisabled(on.config) || !offNodes.has(on)) out.push(t);
    else {
      disabled.push(t);
      // dbt's warning (InvalidDisabledTargetInTestNode); for a disabled model it says nothing.
      if (on.resourceType === 'source') diagnostics.push(testTargetWarning(t, { kind: 'source', name: `${on.sourceName}.${on.name}`, disabled: true }, undefined, 'The test does not run. Enable the source, or remove the test.'));
    }
  };
  const rendered = (t: TestDecl) => renderedTestConfig(t, s.render);
  const off = disabled.filter((n) => n.packageName === s.config.name);
  const offNodes = new Set<GraphNode>(off);
  const offOf = <T extends GraphNode>(type: GraphNode['resourceType']) => off.filter((n): n is T => n.resourceType === type);
  const attach = (patches: NodePatch[], nodes: (ModelNode | SeedNode)[], kind: string) => {
    const byN = new Map(nodes.filter((n) => !('version' in n && n.version !== undefined)).map((n) => [n.name, n]));
    for (const p of patches) {
      if (p.versions?.length) {
        // Each version gets the tests that apply to it, as dbt does.
        for (const v of p.versions) {
          const node = nodes.find((n) => n.name === p.name && 'version' in n && n.version === v.v);
          if (node) for (const t of versionTests(p, v)) add(genericTestNode(config, rendered(t), node, used, diagnostics, kind, folderOf), node);
        }
        continue;
      }
      const node = byN.get(p.name);
      if (node) for (const t of p.tests) add(genericTestNode(config, rendered(t), node, used, diagnostics, kind, folderOf), node);
      else {
        for (const d of p.tests) {
          const t = genericTestNode(config, rendered(d), orphanTarget(s.config.name, p.name, kind), used, diagnostics, kind, folderOf);
          orphanTest(t);
          // dbt 1.11.16 warns of each: "Test '<id>' (<file>) depends on a node named '<name>' in package '' which was not found".
          if (!isDisabled(t.config)) diagnostics.push(testTargetWarning(t, { kind: 'node', name: p.name, disabled: false }, d.location.line, `The test does not run. Add the ${kind}'s file, or remove the test from the YAML.`));
        }
      }
    }
  };
  // A test on a YAML entry no file defines: dbt 1.11.16 keeps it among the manifest's nodes, enabled false,
  // attached to nothing; `ls` and runs leave it out. Loading's disabled, as a test on a disabled node.
  const orphanTest = (t: TestNode) => {
    prepare(t);
    disabled.push({ ...t, attachedNode: undefined });
  };
  attach(decls.models, [...models, ...offOf<ModelNode>('model')], 'model');
  attach(decls.snapshots, [...models, ...offOf<ModelNode>('snapshot')].filter((m) => m.resourceType === 'snapshot'), 'snapshot');
  attach(decls.seeds, [...seeds, ...offOf<SeedNode>('seed')], 'seed');
  const srcById = new Map([...sources, ...offOf<SourceNode>('source')].map((x) => [`${x.sourceName}.${x.name}`, x]));
  for (const d of decls.sources) {
    const node = srcById.get(`${d.sourceName}.${d.name}`);
    if (!node) continue;
    for (const t of d.tests) add(genericTestNode(config, rendered(t), node, used, diagnostics, 'source', folderOf), node);
  }
  return out;
}

/**
 * dbt's unit test fqn: the project, the folders of the YAML file that declares it below its
 * first (`models/a/b/tests.yml`: a, b), the tested model, the test (dbt's UnitTestParser._build_fqn).
 */
function unitTestFqn(project: string, file: string, model: string, name: string): string[] {
  const folders = file.split('/').slice(1, -1);
  return [project, ...folders, model, name];
}

export function unitTests(s: Scope, decls: SchemaDecls, models: ModelNode[], diagnostics: Diagnostic[], disabled: GraphNode[]): UnitTestNode[] {
  for (const u of decls.unitTests) {
    if (!models.some((m) => m.name === u.model)) {
      diagnostics.push(diag('SM_TEST_INVALID', `Unit test "${u.name}" names model "${u.model}", which does not exist`, u.location));
    }
  }
  // One its config disables is listed among the manifest's disabled, as dbt lists it (and `ls` leaves it out).
  return decls.unitTests.flatMap((u) => listed(unitTestNode(s, u), disabled));
}

/**
 * A unit test's node. Its `config:` is rendered as dbt renders it at parse (`enabled: "{{ var('x', false) | as_bool }}"`
 * is false, natively; the Tuva project gates its unit tests so), where sm had kept the text and refused it.
 */
function unitTestNode(s: Scope, u: SchemaDecls['unitTests'][number]): UnitTestNode {
  const name0 = s.config.name;
  const config = s.render && /\{[{%]/.test(JSON.stringify(u.config)) ? (s.render(u.config, u.file) as Record<string, unknown>) : u.config;
  return {
    uniqueId: `unit_test.${name0}.${u.model}.${u.name}`,
    resourceType: 'unit_test',
    name: u.name,
    packageName: name0,
    originalFilePath: u.file,
    // As dbt: the YAML's path within its resource folder.
    path: pathInResourceFolder({ prefix: s.prefix, resourcePaths: [...s.config.modelPaths, ...s.config.testPaths, ...s.config.seedPaths, ...s.config.snapshotPaths, ...s.config.macroPaths] }, u.file),
    fqn: unitTestFqn(name0, s.prefix && u.file.startsWith(s.prefix) ? u.file.slice(s.prefix.length) : u.file, u.model, u.name),
    description: u.description,
    tags: Array.isArray(config.tags) ? config.tags.map(String) : [],
    meta: {},
    config: { ...config },
    columns: {},
    dependsOn: { nodes: [`model.${name0}.${u.model}`], macros: [] },
    patchPath: u.file,
    model: u.model,
    given: u.given,
    expect: u.expect,
    overrides: u.overrides,
  };
}

export function warnOrphanPatches(s: Scope, decls: SchemaDecls, models: ModelNode[], seeds: SeedNode[], diagnostics: Diagnostic[], disabled: ReadonlySet<string>, pythonModels: readonly string[] = []): void {
  // A package's YAML may document what the root project disabled; only the root's own orphans are worth a warning.
  if (s.prefix) return;
  // A Python model's YAML is not an orphan: the model has its own warning.
  const mnames = new Set([...models.map((m) => m.name), ...pythonModels.map((p) => basename(p, '.py'))]);
  for (const p of decls.models) {
    // A version no file defines: dbt 1.11 warns "Did not find matching node for patch with name 'a_v2'".
    for (const v of p.versions ?? []) {
      const file = v.definedIn ?? `${p.name}_v${v.v}`;
      if (models.some((m) => m.name === p.name && m.version === v.v) || disabled.has(`model.${s.config.name}.${p.name}.v${v.v}`)) continue;
      diagnostics.push(
        diag('SM_SCHEMA_YAML', `YAML declares version ${v.v} of model "${p.name}", but no models/**/${file}.sql defines it`, p.location, {
          severity: 'warning',
          hint: `Add ${file}.sql, point defined_in: at the file that defines it, or remove the version.`,
          event: 'NoNodeForYamlKey',
          eventData: { file_path: p.location.file, patch_name: file, yaml_key: 'models' },
        }),
      );
    }
    if (!mnames.has(p.name) && !disabled.has(`model.${s.config.name}.${p.name}`)) {
      diagnostics.push(
        diag('SM_SCHEMA_YAML', `YAML documents model "${p.name}", but no models/**/${p.name}.sql exists`, p.location, {
          severity: 'warning',
          hint: 'Rename the entry or the file so they match.',
          event: 'NoNodeForYamlKey',
          eventData: { file_path: p.location.file, patch_name: p.name, yaml_key: 'models' },
        }),
      );
    }
  }
  const snames = new Set(seeds.map((x) => x.name));
  for (const p of decls.seeds) {
    if (!snames.has(p.name) && !disabled.has(`seed.${s.config.name}.${p.name}`)) {
      diagnostics.push(diag('SM_SCHEMA_YAML', `YAML documents seed "${p.name}", but no seeds/**/${p.name}.csv exists`, p.location, { severity: 'warning', event: 'NoNodeForYamlKey', eventData: { file_path: p.location.file, patch_name: p.name, yaml_key: 'seeds' } }));
    }
  }
}

export function byName(patches: NodePatch[]): Map<string, NodePatch> {
  return new Map(patches.map((p) => [p.name, p]));
}

/**
 * dbt's source `overrides:`: an entry in the root project's YAML naming a package replaces the
 * properties it writes (database, schema, identifier, loader, description, freshness,
 * loaded_at_field, columns, tags) of that package's source and table of the same names, and
 * merges its meta and config. Tests written in the override are not added (sm differs there).
 */
export function applySourceOverrides(s: Scope, decls: SchemaDecls, sources: SourceNode[], diagnostics: Diagnostic[]): void {
  for (const o of decls.sources) {
    if (!o.overrides) continue;
    const pkg = o.overrides.package;
    const all = sources.filter((n) => n.packageName === pkg && n.sourceName === o.sourceName);
    if (!all.length) {
      diagnostics.push(
        diag('SM_SCHEMA_YAML', `Source "${o.sourceName}" overrides package "${pkg}", which has no such source`, o.location, {
          severity: 'warning',
          hint: 'Check the package name after overrides: and the source name.',
        }),
      );
      continue;
    }
    const has = (k: string) => o.overrides!.explicit.includes(k);
    const r = (v: string | undefined) => (v !== undefined && s.render && /\{[{%]/.test(v) ? String(s.render(v, o.file)) : v);
    // Source-level properties reach every table of the source; table-level ones the table named.
    for (const node of all) {
      if (has('database')) node.relation = { ...node.relation, database: r(o.database) };
      if (has('schema')) node.relation = { ...node.relation, schema: r(o.schema)! };
      if (has('loader')) node.loader = o.loader;
      if (has('freshness')) node.freshness = o.freshness;
      if (has('loaded_at_field')) node.loadedAtField = o.loadedAtField;
    }
    const node = all.find((n) => n.name === o.name);
    if (!node) continue;
    if (has('table.identifier')) {
      node.identifier = r(o.identifier)!;
      node.relation = { ...node.relation, identifier: node.identifier };
    }
    if (has('table.description')) node.description = o.description;
    if (has('table.freshness')) node.freshness = o.freshness;
    if (has('table.loaded_at_field')) node.loadedAtField = o.loadedAtField;
    if (has('table.columns')) node.columns = renderColumns(s.render, o.columns, o.file);
    if (has('tags') || has('table.tags')) {
      const before = new Set(node.yamlTags ?? []);
      node.tags = [...new Set([...node.tags.filter((t) => !before.has(t)), ...o.tags])].sort();
      node.yamlTags = o.tags;
      node.config = { ...node.config, tags: node.tags };
    }
    node.meta = { ...node.meta, ...o.meta };
    node.config = mergeConfigInto({ ...node.config }, o.config);
    if (o.config.tags !== undefined) node.config.tags = sourceTags(node.config, []);
  }
}
