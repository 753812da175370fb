/**
 * Plain, serialisable data handed from phase to phase. Nodes are a tagged union on
 * `resourceType`; ids follow dbt (`model.<project>.<name>`, `source.<project>.<source>.<table>`).
 */
import type { QuotedParts, Relation } from './adapter.ts';
import type { WarnErrorSetting } from './warn-error.ts';

export type ResourceType = 'model' | 'seed' | 'source' | 'test' | 'snapshot' | 'analysis' | 'unit_test' | 'exposure' | SemanticResourceType;

/** MetricFlow's resources, declared in schema YAML: in the lineage and the artifacts, never executed. */
export type SemanticResourceType = 'semantic_model' | 'metric' | 'saved_query';

export type Materialization = 'view' | 'table' | 'incremental' | 'ephemeral' | 'external' | 'seed' | 'test' | 'snapshot';

/** Node config after folder defaults, YAML `config:` and in-file `config()` are merged (later wins). */
export interface NodeConfig {
  materialized?: Materialization | string;
  schema?: string;
  database?: string;
  alias?: string;
  tags?: string[];
  enabled?: boolean;
  /** Any further key, including adapter-namespaced ones (`snowflake_warehouse`, `transient`, ...). */
  [key: string]: unknown;
}

export interface ColumnInfo {
  name: string;
  description: string;
  dataType?: string | undefined;
  tags: string[];
  meta: Record<string, unknown>;
  /** `granularity:` (MetricFlow's time spine column grain). */
  granularity?: string | undefined;
  /** `constraints:` as dbt writes them (type, name, expression, ...); created with a table whose model enforces a contract (plan/constraint-ddl.ts). */
  constraints?: Record<string, unknown>[] | undefined;
  /** `quote: true`: the column is quoted where sm writes its name (a contract's DDL), as dbt does. */
  quote?: boolean | undefined;
  /** The YAML entry that declared the column, for messages about it. */
  declaredAt?: SourceLocation | undefined;
  /** The docs blocks its description names (`{{ doc('x') }}`), as unique ids. */
  docBlocks?: string[] | undefined;
  /** Keys of its YAML entry dbt does not read, kept as written (dbt lists them with the column). */
  extra?: Record<string, unknown> | undefined;
}

/** Where in a file something was declared: 1-based line and column. */
export interface SourceLocation {
  file: string;
  line?: number | undefined;
  column?: number | undefined;
}

interface NodeCommon {
  uniqueId: string;
  name: string;
  packageName: string;
  /**
   * Path relative to the (root) project directory, POSIX separators; a package's files are
   * under its install folder (`dbt_packages/dbt_utils/models/x.sql`), so errors point at them.
   */
  originalFilePath: string;
  /** Path relative to its resource folder (e.g. `staging/stg_x.sql` under models/). */
  path: string;
  fqn: string[];
  description: string;
  /** The docs blocks its description names (`{{ doc('x') }}`), as unique ids; set once descriptions are rendered. */
  docBlocks?: string[] | undefined;
  tags: string[];
  meta: Record<string, unknown>;
  config: NodeConfig;
  columns: Record<string, ColumnInfo>;
  dependsOn: { nodes: string[]; macros: string[] };
  /** YAML file that documents this node, when one does. */
  patchPath?: string | undefined;
  /**
   * Package nodes only: the root project's config for this node (`models: {<package>: ...}` in
   * its project file). Already merged into `config`; it also wins over the node's in-file
   * `config()` calls, so render applies it again after them, as dbt does.
   */
  rootConfig?: Record<string, unknown> | undefined;
  /** Where the YAML patch's `config: tags` sit in `config.tags`: dbt lists them last on the node. */
  yamlTagSpan?: [at: number, count: number] | undefined;
  /**
   * dbt's `unrendered_config` as loaded: the project file's levels for the node as written (Jinja
   * kept), then its YAML `config:`, each a dict update. The node's `config()` calls ({@link configCall})
   * go over it, and for a package's node {@link unrenderedRootConfig} over those.
   */
  unrenderedConfig?: Record<string, unknown> | undefined;
  /** Package nodes only: the root project's levels for the node as written, over everything else. */
  unrenderedRootConfig?: Record<string, unknown> | undefined;
  /** Set by compile: the node's `config()` calls, as dbt gathers them (see folder-config.ts addConfigCall). */
  configCall?: Record<string, unknown> | undefined;
  /**
   * Set by compile when the node's template asked the warehouse (run_query, statement,
   * adapter.get_columns_in_relation, ...): compile had none, so its SQL is what dbt's parse
   * phase renders (`execute` false). Execution must render it again with a connection:
   * `ProjectRenderer.renderForExecution({ node }, connection)`.
   */
  needsWarehouse?: true | undefined;
  /**
   * Set by compile when the node could not be compiled for a reason dbt reports only when the
   * node is compiled or run, not at parse (a `var()` with no value): the node fails with this
   * message when it runs, and its dependents are skipped, as in dbt.
   */
  compileError?: string | undefined;
  /**
   * Set by compile when the node's `pre-hook`/`post-hook` hold templates that compile could render
   * as they will render when they run (no warehouse question, nothing that changes from run to
   * run: see render/compile-hooks.ts): the hooks as plain SQL, so running them needs no renderer.
   * Absent when the hooks are plain SQL already, or must be rendered at execution.
   */
  renderedHooks?: RenderedHooks | undefined;
  /**
   * What the node's template showed when compile rendered it (`log(msg, info=True)`, `print(msg)`),
   * in order: shown again whenever the node is compiled or run, as dbt shows it on each render,
   * though the render itself is reused. Absent when it said nothing, and on a node marked
   * `needsWarehouse` (its render at execution speaks for itself).
   */
  said?: TemplateMessage[] | undefined;
}

/**
 * What a template said: `log(msg, info=True)`, or `print(msg)` (`print`). dbt logs a print as its
 * own event (PrintEvent): shown under --quiet, hidden by --no-print.
 */
export interface TemplateMessage {
  readonly message: string;
  readonly print?: true | undefined;
}

/** A node's hooks rendered to SQL, in config order, with where each runs (`transaction`). */
export interface RenderedHooks {
  readonly pre: readonly { readonly sql: string; readonly transaction: boolean }[];
  readonly post: readonly { readonly sql: string; readonly transaction: boolean }[];
}

export interface ModelNode extends NodeCommon {
  /** An analysis (dbt's: a SQL file under analysis-paths) is rendered and compiled as a model is, never run, and no ref() names it. */
  resourceType: 'model' | 'snapshot' | 'analysis';
  /** A model version's `v` (dbt model versions); its relation defaults to `<name>_v<version>`. */
  version?: string | undefined;
  /**
   * When its template read `execute`: the depends_on.macros dbt's parse records (execute false), which
   * `parse` and `ls` manifests list; compile and run list dependsOn.macros (those, then what execute true called).
   */
  parseMacros?: string[] | undefined;
  /** The model's latest version, on each of its versions. */
  latestVersion?: string | undefined;
  /** `deprecation_date:` of the model or its version, as dbt writes it. */
  deprecationDate?: string | undefined;
  /** `time_spine:` of the model (MetricFlow's), as dbt writes it. */
  timeSpine?: Record<string, unknown> | undefined;
  /** The model's own `constraints:` (model level, with `columns`), as dbt writes them. */
  constraints?: Record<string, unknown>[] | undefined;
  /** Each foreign key's `to` (`ref('x')`, `source('s', 't')`) and the relation it names once rendered. */
  foreignKeys?: Record<string, string> | undefined;
  /** The template sm renders (for a Python model, one made from its calls: project/python-model.ts). */
  rawCode: string;
  /** A dbt Python model: its source as written (dbt's raw_code). */
  pythonCode?: string | undefined;
  /** A snapshot block's: where its body (dbt's raw_code) starts in rawCode, after the newlines that keep the file's line numbers. */
  bodyStart?: number | undefined;
  relation: Relation;
  refs: RefCall[];
  sources: [string, string][];
  /** Filled by render. */
  compiledCode?: string;
  /** The ephemeral models its compiled code inlines (render fills it). */
  extraCtes?: ExtraCte[] | undefined;
  /**
   * The SQL rendered with `is_incremental()` true, for models a run may build incrementally
   * (incremental, and external with insert_overwrite): compile renders both, so a run never renders.
   */
  incrementalCode?: string | undefined;
  checksum: string;
}

export interface SeedNode extends NodeCommon {
  resourceType: 'seed';
  relation: Relation;
  /** Absolute path of the CSV. */
  seedPath: string;
  checksum: string;
}

export interface SourceNode extends NodeCommon {
  resourceType: 'source';
  sourceName: string;
  identifier: string;
  relation: Relation;
  loader: string;
  /** The source's and table's `tags:` properties, which its tests get (`tags` adds the config's). */
  yamlTags?: string[] | undefined;
  /** The source's and table's meta in its YAML (`meta` adds the project file's): its unrendered_config's. */
  yamlMeta?: Record<string, unknown> | undefined;
  /** The source's own `description:` (the table's is `description`). */
  sourceDescription?: string | undefined;
  /** The source's own `meta:` (the node's `meta` adds the table's). */
  sourceMeta?: Record<string, unknown> | undefined;
  /** `quoting:` of the source and table as written (dbt's manifest lists them; unset ones are null). */
  quoting?: Record<string, boolean> | undefined;
  /** `schema:` and `database:` as written, before their Jinja is rendered. */
  unrenderedSchema?: string | undefined;
  unrenderedDatabase?: string | undefined;
  freshness?: unknown;
  /** The column or expression `sm source freshness` takes the max of. */
  loadedAtField?: string | undefined;
}

/** An ephemeral model a node inlines as a CTE, as dbt's manifest lists it: its id and the definition (` __dbt__cte__e as (\n...\n)`). */
export interface ExtraCte {
  id: string;
  sql: string;
}

export interface TestMetadata {
  /** `unique`, `not_null`, ... or a custom generic test name. */
  name: string;
  kwargs: Record<string, unknown>;
  namespace?: string | undefined;
}

export interface TestNode extends NodeCommon {
  resourceType: 'test';
  rawCode: string;
  refs: RefCall[];
  sources: [string, string][];
  compiledCode?: string;
  /** The ephemeral models its compiled code inlines (render fills it). */
  extraCtes?: ExtraCte[] | undefined;
  /** Set for generic tests. */
  testMetadata?: TestMetadata | undefined;
  /** The node a generic test is attached to. */
  attachedNode?: string | undefined;
  columnName?: string | undefined;
  /** A generic test's `{{ config(...) }}` as dbt appends it to the raw_code it writes (its YAML config and alias). */
  rawCodeConfig?: string | undefined;
  /** dbt's `model` argument of a generic test as the manifest writes it (`{{ get_where_subquery(ref('a')) }}`). */
  modelArg?: string | undefined;
  /** dbt's file_key_name: the YAML key and entry that declared a generic test (`models.a`, `sources.raw`). */
  fileKeyName?: string | undefined;
  relation?: Relation | undefined;
  checksum: string;
  /** For generic tests: the YAML file and line that declared it, for errors. */
  declaredAt?: SourceLocation | undefined;
}

export interface UnitTestNode extends NodeCommon {
  resourceType: 'unit_test';
  model: string;
  /** `fixture`: a file under <test-path>/fixtures/ holding the rows (csv or sql format), as in dbt. */
  given: { input: string; rows: Record<string, unknown>[] | string; format?: string; fixture?: string | undefined }[];
  expect: { rows: Record<string, unknown>[] | string; format?: string; fixture?: string | undefined };
  overrides?: Record<string, unknown>;
  /** The tested model's SQL rendered with `overrides` (vars, macros, env_vars), set by compile when there are any. */
  modelCode?: string | undefined;
  /** That render asked the warehouse (run_query, or a template that fails once `execute` is true): execution renders the model again, live, with the overrides. */
  modelLive?: true | undefined;
  /** Each `given`'s `format: sql` rows rendered (dbt renders them as Jinja), set by compile where they hold Jinja. */
  givenSql?: (string | undefined)[] | undefined;
}

/**
 * A downstream use of the project (dashboard, notebook, ...) declared under `exposures:` in
 * YAML, as in dbt: in the lineage, selectable (`+exposure:name`), never executed.
 */
export interface ExposureNode extends NodeCommon {
  resourceType: 'exposure';
  /** dbt's `type`: dashboard, notebook, analysis, ml or application. */
  exposureType: 'dashboard' | 'notebook' | 'analysis' | 'ml' | 'application';
  owner: { name: string | null; email: string | string[] | null; [key: string]: unknown };
  label: string | null;
  maturity: 'low' | 'medium' | 'high' | null;
  url: string | null;
  refs: RefCall[];
  sources: [string, string][];
  metrics: string[][];
}

/**
 * A semantic model, metric or saved query (MetricFlow's, under `semantic_models:`, `metrics:`,
 * `saved_queries:` in YAML): in the lineage and selectable (`metric:revenue+`), listed in
 * manifest.json and target/semantic_manifest.json as dbt lists them, never executed (a saved
 * query is a no-op in build, as in dbt).
 */
export interface SemanticNode extends NodeCommon {
  resourceType: SemanticResourceType;
  /**
   * Its manifest.json entry in dbt's key order, but for what is known only once the project is
   * compiled: `depends_on` (from `dependsOn`), a semantic model's `node_relation` and a saved
   * query export's `database` (from the target).
   */
  entry: Record<string, unknown>;
}

export type GraphNode = ModelNode | SeedNode | SourceNode | TestNode | UnitTestNode | ExposureNode | SemanticNode;

export interface RefCall {
  name: string;
  package?: string | undefined;
  /** As the call gave it (`v=2` a number, `v='2'` text), as dbt's manifest lists it. */
  version?: string | number | undefined;
}

/** A ref() call a render made, with the node it found: a node lists each (dbt's `refs`, repeats included). */
export interface FoundRef extends RefCall {
  id: string;
}

/** One macro file of the root project or of an installed package. */
export interface Macro {
  uniqueId: string;
  name: string;
  /** The project the file belongs to: the root project's name, or an installed package's. */
  packageName: string;
  originalFilePath: string;
  macroSql: string;
}

/** A macro's `macros:` entry in schema YAML, as the manifest lists it on the macro (`uniqueId`); its description rendered. */
export interface MacroPatch {
  uniqueId: string;
  resourceType: 'macro';
  name: string;
  packageName: string;
  description: string;
  docBlocks?: string[] | undefined;
  arguments: { name: string; type: string | null; description: string }[];
  meta: Record<string, unknown>;
  docs: { show: boolean; node_color: string | null };
  /** The YAML file (project-relative, with a package's prefix); `originalFilePath` is the same, for errors. */
  patchPath: string;
  originalFilePath: string;
  /** None: a macro's entry has no columns (for the description renderer). */
  columns: Record<string, ColumnInfo>;
  location: SourceLocation;
}

/** dbt's `dispatch:` entry in the project file: where `adapter.dispatch(name, macro_namespace)` looks, in order. */
export interface DispatchConfig {
  macroNamespace: string;
  searchOrder: string[];
}

/** An installed package (under `dbt_packages/`), in dependency order; its nodes and macros carry its name as `packageName`. */
export interface PackageInfo {
  name: string;
  /** Absolute directory of the package. */
  dir: string;
  version: string;
  /**
   * The vars its nodes see, flattened by dbt's precedence (`--vars`, the root project's vars
   * scoped to this package, the root's global vars, the package's own scoped and global vars).
   * String values are as written; dbt renders their Jinja when var() reads them.
   */
  vars: Record<string, unknown>;
  /** Its own project file's on-run-start and on-run-end hooks, which run after the root project's (dbt runs every package's). */
  onRunStart: string[];
  onRunEnd: string[];
  /** Its project file (as ProjectConfig's `file`) and that file's checksum. */
  file: string;
  fileChecksum: string;
  /** Its project file's `models:` config (rendered), which its hooks' operation nodes take as dbt's do. */
  modelConfigs?: Record<string, unknown> | undefined;
}

/** What the project file said, merged with CLI flags that change compilation. */
export interface ProjectConfig {
  name: string;
  profile: string;
  version: string;
  modelPaths: string[];
  seedPaths: string[];
  macroPaths: string[];
  testPaths: string[];
  snapshotPaths: string[];
  /** `analysis-paths` (default `analyses`): SQL compiled, never run. */
  analysisPaths: string[];
  /** `docs-paths:` where `.md` files hold `{% docs %}` blocks; by default every resource folder, as dbt. */
  docsPaths: string[];
  /** `asset-paths`: folders `docs generate` copies into the target folder (images the docs show), each relative to the project and inside it. */
  assetPaths: string[];
  targetPath: string;
  /** `clean-targets:` folders that `sm clean` removes; empty when the project file names none. */
  cleanTargets: string[];
  vars: Record<string, unknown>;
  /** Folder defaults keyed by resource type (`models`, `seeds`, ...), dbt's `+key` tree. */
  resourceConfigs: Record<string, Record<string, unknown>>;
  /** The same tree as written, when rendering changed it (Jinja kept): `unrendered_config`'s project levels. */
  unrenderedResourceConfigs?: Record<string, Record<string, unknown>> | undefined;
  onRunStart: string[];
  onRunEnd: string[];
  /** `dispatch:` search orders; empty when the project file has none. */
  dispatch: DispatchConfig[];
  /** `packages-install-path:` where `sm deps` installs packages and loading finds them. Default `dbt_packages`. */
  packagesInstallPath: string;
  /** `require-dbt-version:` specifiers (`>=1.3.0`, `<2.0.0`); empty when the project sets none. */
  requireDbtVersion: string[];
  /** `quoting:` as the project sets it (dbt's quote policy: a part set to true is quoted as written); none when unset. */
  quoting?: QuotedParts | undefined;
  /** `flags: {strict: true}`: compile, run and build check columns and types first and stop on an error (as `--strict`). Default false. */
  strict: boolean;
  /** `flags: {warn_error: true}` or `flags: {warn_error_options: ...}`; a command's own flag or `DBT_WARN_ERROR(_OPTIONS)` wins. */
  warnError?: WarnErrorSetting | undefined;
  /** `flags: {fail_fast: true}`: as `--fail-fast` (which, `--no-fail-fast` or `DBT_FAIL_FAST` win). */
  failFast?: boolean | undefined;
  /** `flags: {version_check: false}`: as `--no-version-check` (which, `--version-check` or `DBT_VERSION_CHECK` win). */
  versionCheck?: boolean | undefined;
  /** `flags: {require_resource_names_without_spaces: false}`: a node named with a space is a warning, not an error (dbt 1.11's default: an error). */
  resourceNamesMayHaveSpaces?: boolean | undefined;
  /** `flags: {require_ref_searches_node_package_before_root: true}`: a package node's `ref('x')` looks in its own package before the root project. */
  refsSearchNodePackageFirst?: boolean | undefined;
  /**
   * `flags: {state_modified_compare_more_unrendered_values: true}`: state: compares what config()
   * calls say as written, not as rendered (dbt 1.11's default, false: rendered, so a value that
   * differs per target is a change).
   */
  compareUnrenderedValues?: boolean | undefined;
  /** `flags: {indirect_selection: cautious}`: as `--indirect-selection` (which, or `DBT_INDIRECT_SELECTION`, wins). */
  indirectSelection?: 'eager' | 'cautious' | 'buildable' | 'empty' | undefined;
  /** The project file's path relative to the project dir. */
  file: string;
  /** sha256 of the project file's text, stripped: dbt's checksum of the project's hook nodes. */
  fileChecksum: string;
}

/** dbt's attached_node of a generic test: the model, seed or snapshot it tests; none for a source's test (dbt lists the source under its `sources`). */
export function dbtAttachedNode(t: TestNode): string | undefined {
  return t.attachedNode?.startsWith('source.') ? undefined : t.attachedNode;
}

export function isModelLike(n: GraphNode): n is ModelNode {
  return n.resourceType === 'model' || n.resourceType === 'snapshot';
}

/** dbt's `--sample` window: `[start, end)` in UTC (plan/microbatch.ts reads it). */
export interface SampleWindow {
  readonly start: Date;
  readonly end: Date;
}
