import { hookNodes } from '../project/hook-nodes.ts';
import { createHash } from 'node:crypto';
import { freshnessShape, sourceConfigShape } from '../project/freshness-shape.ts';
import { pythonSourceOf } from '../project/python-model.ts';
import { withRenderedForeignKeys } from '../project/constraints.ts';
import { checksumOf, columnShape, contractOf, dbtConfigShape, rawCodeOf, versionValue } from '../project/node-config-shape.ts';
import { manifestPathOf, testMetadataShape, testRelation } from '../project/test-nodes.ts';
import { packageRelativePaths } from '../project/package-paths.ts';
import { quotePolicy } from '../project/project-file.ts';
import { manifestSelectors } from '../select/selectors-file.ts';
import type { Dialect } from '../adapter.ts';
import { defaultDatabaseOf } from '../render/relation.ts';
import type { Dag } from '../graph/build-graph.ts';
import type { CompiledProject } from '../render/render-project.ts';
import { dbtAttachedNode, type GraphNode, type ModelNode, type SeedNode, type SourceNode, type TestNode, type UnitTestNode } from '../types.ts';
import { dbtUnitTestChecksum } from './unit-test-checksum.ts';
import { primaryKey, sourceQuoting, sourceUnrenderedConfig, testsByModel, unrenderedConfigOf } from '../project/node-entry-parts.ts';
import { testMacrosAfterCompile } from './test-macros.ts';
import { jsonText, JsonText } from '../util/json-text.ts';
import { redact } from '../util/redact.ts';
import type { ArtifactMetadata } from './artifact-types.ts';
import { invocationStart, pythonIsoTime } from './invocation.ts';
import { exposureEntry } from '../project/exposure-entry.ts';
import { isSemantic, semanticEntry } from './semantic-entries.ts';

export const SM_VERSION = '0.1.0';

/** The `metadata` every artifact starts with; `schema` is dbt's name for it, e.g. `manifest/v12`. */
export function artifactMetadata(schema: string, invocationId: string): ArtifactMetadata {
  return {
    dbt_schema_version: `https://schemas.getdbt.com/dbt/${schema}.json`,
    dbt_version: `sm-${SM_VERSION}`,
    generated_at: pythonIsoTime(new Date(), 'Z'),
    invocation_id: invocationId,
    invocation_started_at: pythonIsoTime(invocationStart(invocationId), 'Z'),
    env: {},
  };
}

/** A node's columns as `sm check` inferred them, each with what goes under its `sm` key; undefined for a node not checked. */
export type SmColumns = (uniqueId: string) => readonly { readonly name: string; readonly sm: unknown }[] | undefined;

/** A node entry as dbt writes one it did not compile: without the keys of its compiled form. */
function withoutCompiled(e: Record<string, unknown>): Record<string, unknown> {
  for (const k of ['compiled_code', 'compiled', 'extra_ctes_injected', 'extra_ctes']) delete e[k];
  return e;
}

/**
 * A dbt-shaped manifest (schema v12) so tools that read dbt artifacts read ours. With `smColumns`
 * (after `sm check`), every column the checker inferred is listed with an `sm` key holding its
 * type and lineage (dbt's column entries allow extra keys), undocumented columns included.
 * `nodes` comes as JSON already written ({@link JsonText}); util/json-text.ts `objectText` writes the whole.
 */
export function buildManifest(
  c: CompiledProject,
  graph: Dag,
  invocationId: string,
  dialect: Pick<Dialect, 'dbtQuotesByDefault' | 'defaultDatabase'>,
  relationName: (n: GraphNode) => string | undefined,
  check?: SmColumns,
  hooksRun = false,
  /** Each node's `compiled_path`: where this invocation wrote its compiled SQL (null: none; the default). */
  compiledPath: (n: GraphNode) => string | null = () => null,
  /**
   * As after dbt's parse and ls, which compile nothing: no node says what it compiled to (true);
   * or the nodes this command did not compile (`compile -s`: a function true of those).
   */
  uncompiled: boolean | ((n: GraphNode) => boolean) = false,
  /** `parse` and `ls`: each model's depends_on.macros as dbt's parse records them (ModelNode `parseMacros`). */
  asParsed = false,
): Record<string, unknown> {
  const p = c.project;
  // A relation in the target's own database leaves it out of its name, but its entry names it, as dbt's does (dbt-duckdb: the file's name).
  const database = defaultDatabaseOf(dialect, p.target);
  // dbt names a package's files relative to the package.
  const inPackage = packageRelativePaths(p.dir, p.packages);
  const relocated = (e: Record<string, unknown>): Record<string, unknown> => {
    const pkg = e.package_name as string;
    if (pkg === p.config.name) return e;
    for (const k of ['original_file_path', 'path'] as const) if (typeof e[k] === 'string') e[k] = inPackage(pkg, e[k] as string);
    if (typeof e.patch_path === 'string') e.patch_path = (e.patch_path as string).replace(/^([^:]+):\/\/(.*)$/, (_m, a: string, b: string) => `${a}://${inPackage(a, b)}`);
    return e;
  };
  // Each node's entry is written to JSON as soon as it is made, so the ~40 objects of each die
  // young instead of the whole manifest's being carried through the collections until written.
  let nodes = '';
  const nodeText = (id: string, e: Record<string, unknown>) => {
    nodes += `${nodes ? ',' : ''}${JSON.stringify(id)}:${jsonText(relocated(e))}`;
  };
  const sources: Record<string, unknown> = {};
  const unitTests: Record<string, unknown> = {};
  const exposures: Record<string, unknown> = {};
  const semantic: Record<'semantic_model' | 'metric' | 'saved_query', Record<string, unknown>> = { semantic_model: {}, metric: {}, saved_query: {} };
  const semanticCtx = { nodes: c.nodes, database: database ?? null, relationName };
  // Each model's generic tests, for the primary key dbt infers from them.
  const testsOf = testsByModel(c.nodes.values());
  const macroIds = new Set(c.macros.map((m) => m.uniqueId));
  // A test this command compiled lists the macros compiling it called, as dbt's (artifacts/test-macros.ts).
  const compiledNode = (n: GraphNode, path: string | null): GraphNode => {
    if (asParsed && 'parseMacros' in n && n.parseMacros) return { ...n, dependsOn: { ...n.dependsOn, macros: n.parseMacros } };
    const macros = path === null ? undefined : testMacrosAfterCompile(n, p.config.name, (id) => macroIds.has(id));
    return macros ? ({ ...n, dependsOn: { ...n.dependsOn, macros } } as GraphNode) : n;
  };
  // A seed's root_path: its package's folder, as dbt writes it (absolute).
  const rootPath = (pkg: string) => p.packages.find((x) => x.name === pkg)?.dir ?? p.dir;
  for (const n of c.nodes.values()) {
    if (n.resourceType === 'exposure') exposures[n.uniqueId] = exposureEntry(n);
    else if (isSemantic(n)) semantic[n.resourceType][n.uniqueId] = relocated(semanticEntry(n, semanticCtx));
    else if (n.resourceType === 'source') sources[n.uniqueId] = relocated(sourceEntry(n, relationName(n), check, database ?? null));
    else if (n.resourceType === 'unit_test') unitTests[n.uniqueId] = relocated(unitTestEntry(n, p.target.schema));
    else {
      const path = compiledPath(n);
      const e = nodeEntry(compiledNode(n, path) as ModelNode | SeedNode | TestNode, relationName(n), p.secrets, { ...p.target, database }, check, testsOf, path, rootPath);
      if (uncompiled === true || (uncompiled && uncompiled(n))) withoutCompiled(e);
      else if (n.resourceType === 'model' && n.foreignKeys) withRenderedForeignKeys(e, n.foreignKeys);
      nodeText(n.uniqueId, e);
    }
  }
  // What config disabled goes under `disabled`, each id with its entries (dbt's list allows several
  // of one id), depending on nothing; a test disabled for want of what it tests stays among the
  // nodes, enabled false, depending on what it found enabled. Neither is compiled, as in dbt.
  const offEntry = (n: GraphNode, keepDeps = false): Record<string, unknown> => {
    const e =
      n.resourceType === 'exposure' ? exposureEntry(n)
      : isSemantic(n) ? semanticEntry(n, semanticCtx)
      : n.resourceType === 'source' ? sourceEntry(n, relationName(n), undefined, database ?? null)
      // dbt gives a disabled unit test no schema (null).
      : n.resourceType === 'unit_test' ? unitTestEntry(n, null)
      : nodeEntry(n, relationName(n), p.secrets, { ...p.target, database }, undefined, testsOf, null, rootPath);
    const deps = e.depends_on as { nodes?: unknown } | null | undefined;
    if (deps && 'nodes' in deps && !keepDeps) e.depends_on = { ...deps, nodes: [] };
    return withoutCompiled(e);
  };
  const disabled: Record<string, unknown[]> = {};
  for (const n of c.disabled ?? []) (disabled[n.uniqueId] ??= []).push(relocated(offEntry(n)));
  for (const t of c.disabledTests ?? []) nodeText(t.uniqueId, offEntry(t, true));
  // dbt's groups and group_map: every declared group, with the nodes whose group it is.
  const groups: Record<string, unknown> = {};
  const groupMap: Record<string, string[]> = {};
  for (const g of p.groups) {
    const { email, name, ...owner } = g.owner;
    const id = `group.${g.packageName}.${g.name}`;
    groups[id] = relocated({ name: g.name, resource_type: 'group', package_name: g.packageName, path: g.path, original_file_path: g.location.file, unique_id: id, owner: { email: email ?? null, name: name ?? null, ...owner }, description: g.description || null, config: { meta: {} } });
    groupMap[g.name] = [];
  }
  for (const n of c.nodes.values()) if (typeof n.config.group === 'string') (groupMap[n.config.group] ??= []).push(n.uniqueId);
  const operations = hookNodes(p, database, (id) => c.hookMacros?.[id] ?? [], hooksRun);
  for (const [id, e] of Object.entries(operations)) nodeText(id, e as Record<string, unknown>);
  const parentMap: Record<string, string[]> = {};
  const childMap: Record<string, string[]> = {};
  for (const id of Object.keys(operations)) parentMap[id] = childMap[id] = [];
  for (const id of c.nodes.keys()) {
    parentMap[id] = [...(graph.predecessors(id) ?? [])].sort();
    childMap[id] = [...(graph.successors(id) ?? [])].sort();
  }
  const withOffTests = new Set<string>();
  for (const t of c.disabledTests ?? []) {
    parentMap[t.uniqueId] = [...t.dependsOn.nodes].sort();
    childMap[t.uniqueId] = [];
    for (const d of t.dependsOn.nodes) if (childMap[d]?.push(t.uniqueId)) withOffTests.add(d);
  }
  for (const d of withOffTests) childMap[d]!.sort();
  const macros: Record<string, unknown> = {};
  // One entry per macro, as dbt lists them (a file of three macros is three entries), with what its `macros:` YAML entry says.
  const patches = new Map((p.macroPatches ?? []).map((x) => [x.uniqueId, x]));
  for (const m of c.macros) {
    const patch = patches.get(m.uniqueId);
    const meta = patch?.meta ?? {};
    const docs = patch?.docs ?? { show: true, node_color: null };
    macros[m.uniqueId] = relocated({
      name: m.name, resource_type: 'macro', package_name: m.packageName, path: m.originalFilePath, original_file_path: m.originalFilePath, unique_id: m.uniqueId,
      macro_sql: m.macroSql, depends_on: { macros: m.dependsOn ?? [] }, description: patch?.description ?? '', meta, docs, config: { meta, docs },
      patch_path: patch ? `${m.packageName}://${patch.patchPath}` : null, arguments: patch?.arguments ?? [], created_at: 0, supported_languages: m.kind === 'materialization' ? ['sql'] : null,
    });
  }
  const quotes = dialect.dbtQuotesByDefault ?? true;
  return {
    metadata: {
      ...artifactMetadata('manifest/v12', invocationId),
      project_name: p.config.name,
      project_id: createHash('md5').update(p.config.name).digest('hex'),
      user_id: null,
      send_anonymous_usage_stats: false,
      adapter_type: p.target.type,
      // The project's quote policy over the adapter's default, as dbt lists it.
      quoting: { ...quotePolicy(p.config, quotes), column: null },
      run_started_at: pythonIsoTime(invocationStart(invocationId), '+00:00'),
    },
    nodes: new JsonText(`{${nodes}}`),
    sources,
    macros,
    docs: Object.fromEntries(p.docs.map((d) => [d.uniqueId, relocated({ name: d.name, resource_type: 'doc', package_name: d.packageName, path: d.path, original_file_path: d.originalFilePath, unique_id: d.uniqueId, block_contents: d.blockContents })])),
    exposures,
    metrics: semantic.metric,
    groups,
    selectors: manifestSelectors(p.dir),
    disabled,
    parent_map: parentMap,
    child_map: childMap,
    group_map: groupMap,
    saved_queries: semantic.saved_query,
    semantic_models: semantic.semantic_model,
    unit_tests: unitTests,
    functions: {},
  };
}

function common(n: GraphNode, check?: SmColumns): Record<string, unknown> {
  return {
    unique_id: n.uniqueId,
    name: n.name,
    resource_type: n.resourceType,
    package_name: n.packageName,
    path: n.path,
    original_file_path: n.originalFilePath,
    fqn: n.fqn,
    description: n.description,
    tags: n.tags,
    meta: n.meta,
    config: dbtConfigShape(n.resourceType, { tags: n.tags, meta: n.meta, ...n.config }),
    columns: manifestColumns(n, check),
    depends_on: { macros: n.dependsOn.macros, nodes: n.dependsOn.nodes },
    patch_path: n.patchPath ? `${n.packageName}://${n.patchPath}` : null,
    created_at: 0,
  };
}

/** The YAML's columns as dbt lists them; with a check result, each inferred column too, with its `sm` type and lineage. */
function manifestColumns(n: GraphNode, check: SmColumns | undefined): Record<string, unknown> {
  const inferred = n.resourceType === 'test' ? undefined : check?.(n.uniqueId);
  if (!inferred) return Object.fromEntries(Object.values(n.columns).map((col) => [col.name, columnShape(col.name, col)]));
  const yaml = new Map(Object.values(n.columns).map((col) => [col.name.toLowerCase(), col]));
  const out: Record<string, unknown> = {};
  for (const { name, sm } of inferred) {
    const col = yaml.get(name.toLowerCase());
    yaml.delete(name.toLowerCase());
    out[col?.name ?? name] = { ...columnShape(col?.name ?? name, col), sm };
  }
  for (const col of yaml.values()) out[col.name] = columnShape(col.name, col);
  return out;
}

/**
 * One object extended in dbt's key order, not a spread of the last step's copy at each step: a
 * 10,000-model manifest made three copies of ~40 keys for every node, all garbage by the time
 * the file is written. Keys set to `undefined` are left out of the JSON, as before.
 */
function nodeEntry(
  n: ModelNode | SeedNode | TestNode,
  relationName: string | undefined,
  secrets: readonly string[],
  target: { schema: string; database?: string | undefined },
  check: SmColumns | undefined,
  testsOf: ReadonlyMap<string, TestNode[]>,
  compiledPath: string | null = null,
  rootPath: (pkg: string) => string,
): Record<string, unknown> {
  const rel = n.resourceType === 'test' ? testRelation(n, target) : n.relation;
  const e = common(n, check);
  e.database = rel?.database ?? target.database ?? null;
  e.schema = rel?.schema ?? target.schema;
  e.alias = rel?.identifier ?? n.name;
  e.relation_name = relationName ?? null;
  e.checksum = checksumOf(n);
  e.build_path = null;
  e.unrendered_config = unrenderedConfigOf(n);
  // dbt's node docs are its config's (a project's `+docs: {node_color: ...}` colours the node).
  e.docs = ((e.config as { docs?: unknown }).docs as Record<string, unknown> | undefined) ?? { show: true, node_color: null };
  e.group = typeof n.config.group === 'string' ? n.config.group : null;
  if (n.resourceType === 'seed') {
    e.raw_code = '';
    e.doc_blocks = n.docBlocks ?? [];
    e.root_path = rootPath(n.packageName);
    // dbt's seed depends on macros only: those its hooks call.
    e.depends_on = { macros: n.dependsOn.macros };
    return e;
  }
  e.contract = contractOf(n);
  e.language = 'pythonCode' in n && n.pythonCode !== undefined ? 'python' : 'sql';
  e.raw_code = rawCodeOf(n);
  e.doc_blocks = n.docBlocks ?? [];
  e.compiled_code = n.compiledCode !== undefined ? redact('pythonCode' in n && n.pythonCode !== undefined ? pythonSourceOf(n.compiledCode) : n.compiledCode, secrets) : undefined;
  e.compiled = n.compiledCode !== undefined;
  e.compiled_path = compiledPath;
  e.refs = n.refs.map((r) => ({ name: r.name, package: r.package ?? null, version: r.version ?? null }));
  e.sources = n.sources;
  e.metrics = [];
  e.functions = [];
  e.extra_ctes_injected = true;
  e.extra_ctes = n.extraCtes?.map((c) => ({ id: c.id, sql: redact(c.sql, secrets) })) ?? [];
  if (n.resourceType === 'test') {
    if (!n.testMetadata) return e;
    e.test_metadata = testMetadataShape(n);
    e.column_name = n.columnName ?? null;
    e.attached_node = dbtAttachedNode(n) ?? null;
    e.file_key_name = n.fileKeyName ?? `models.${n.attachedNode?.split('.').pop()}`;
    // dbt's generic test has no patch file and names its path after its (short) name.
    e.path = manifestPathOf(n);
    e.patch_path = null;
    return e;
  }
  if (n.resourceType === 'snapshot' || n.resourceType === 'analysis') return e;
  e.access = typeof n.config.access === 'string' ? n.config.access : 'protected';
  e.constraints = n.constraints ?? [];
  e.version = versionValue(n.version);
  e.latest_version = versionValue(n.latestVersion);
  e.deprecation_date = n.deprecationDate ?? null;
  e.primary_key = primaryKey(n, testsOf);
  e.time_spine = n.timeSpine ?? null;
  return e;
}

function sourceEntry(n: SourceNode, relationName: string | undefined, check: SmColumns | undefined, database: string | null): Record<string, unknown> {
  const c = common(n, check);
  const config = sourceConfigShape(c.config as Record<string, unknown>, n.freshness, n.loadedAtField);
  // In dbt 1.11's key order.
  return {
    database: n.relation.database ?? database,
    schema: n.relation.schema,
    ...identity(c),
    source_name: n.sourceName,
    source_description: n.sourceDescription ?? '',
    loader: n.loader,
    identifier: n.identifier,
    quoting: sourceQuoting(n),
    loaded_at_field: n.loadedAtField ?? null,
    loaded_at_query: config.loaded_at_query ?? null,
    freshness: freshnessShape(n.freshness),
    external: null,
    description: c.description,
    columns: c.columns,
    meta: c.meta,
    source_meta: n.sourceMeta ?? {},
    tags: c.tags,
    config,
    // dbt's sources have no patch file: the YAML that declares them is their file.
    patch_path: null,
    unrendered_config: sourceUnrenderedConfig(n, config, c.meta),
    relation_name: relationName ?? null,
    created_at: 0,
    unrendered_database: n.unrenderedDatabase ?? null,
    unrendered_schema: n.unrenderedSchema ?? null,
    doc_blocks: n.docBlocks ?? [],
  };
}

/** The keys that name an entry, in the order dbt's sources and unit tests give them. */
function identity(c: Record<string, unknown>): Record<string, unknown> {
  return { name: c.name, resource_type: c.resource_type, package_name: c.package_name, path: c.path, original_file_path: c.original_file_path, unique_id: c.unique_id, fqn: c.fqn };
}

/** dbt's unit test definition, in its key order: no tags, meta, columns or patch_path of its own; each fixture's format and file. */
function unitTestEntry(n: UnitTestNode, schema: string | null): Record<string, unknown> {
  const c = common(n);
  return {
    model: n.model,
    given: n.given.map((g) => ({ input: g.input, rows: g.rows, format: g.format ?? 'dict', fixture: g.fixture ?? null })),
    expect: { rows: n.expect.rows, format: n.expect.format ?? 'dict', fixture: n.expect.fixture ?? null },
    ...identity(c),
    description: c.description,
    overrides: n.overrides ?? null,
    depends_on: c.depends_on,
    config: c.config,
    checksum: dbtUnitTestChecksum(n),
    schema,
    created_at: 0,
    versions: null,
    version: null,
  };
}
