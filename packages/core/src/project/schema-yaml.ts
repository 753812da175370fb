import { readSemantic, type SemanticDecl } from './semantic-yaml.ts';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { ColumnInfo, SourceLocation } from '../types.ts';
import { tagList } from './folder-config.ts';
import { mergeSourceFreshness } from './freshness-shape.ts';
import { dbtConstraint, dbtModelConstraint } from './constraints.ts';
import { checkEntryShapes, checkSourceShapes, checkUnitTestShapes, testsKey } from './entry-shapes.ts';
import type { YamlFile } from './yaml-file.ts';
import { readExposures, type ExposureDecl } from './exposure-yaml.ts';
import { readMacroPatches, type MacroPatchDecl } from './macro-yaml.ts';

/** A data test as declared in YAML, before it becomes a node. */
export interface TestDecl {
  testName: string;
  namespace?: string | undefined;
  kwargs: Record<string, unknown>;
  config: Record<string, unknown>;
  columnName?: string | undefined;
  /** The column's `tags:` and `config: {tags:}`, which dbt gives its tests. */
  columnTags?: string[] | undefined;
  customName?: string | undefined;
  description?: string | undefined;
  location: SourceLocation;
}

/** Documentation and tests that YAML adds to a model, seed or snapshot. */
/** One entry of a model's `versions:` (dbt model versions). */
export interface VersionDecl {
  /** `v:` as text (`1`, `2`, `1.1`). */
  v: string;
  /** The file (without .sql) that defines it; default `<model>_v<v>`. */
  definedIn?: string | undefined;
  config: Record<string, unknown>;
  /** Which of the model's columns it has: `all` or a list, less `exclude`. */
  include: 'all' | string[];
  exclude: string[];
  /** Columns it declares itself (they replace the model's of the same name). */
  columns: Record<string, ColumnInfo>;
  tests: TestDecl[];
  description?: string | undefined;
  deprecationDate?: string | undefined;
  /** Its own `constraints:`, which replace the model's. */
  constraints?: Record<string, unknown>[] | undefined;
}

export interface NodePatch {
  name: string;
  /** `latest_version:`; default the highest version. */
  latestVersion?: string | undefined;
  versions?: VersionDecl[] | undefined;
  /** `deprecation_date:` as dbt writes it (ISO, with the offset), for the model or every version without its own. */
  deprecationDate?: string | undefined;
  /** `time_spine:` (MetricFlow's), as dbt writes it: `standard_granularity_column` and `custom_granularities`. */
  timeSpine?: Record<string, unknown> | undefined;
  /** The model's own `constraints:` (model level), as dbt writes them. */
  constraints?: Record<string, unknown>[] | undefined;
  description: string;
  config: Record<string, unknown>;
  columns: Record<string, ColumnInfo>;
  tests: TestDecl[];
  meta: Record<string, unknown>;
  file: string;
  location: SourceLocation;
}

export interface SourceTableDecl {
  /**
   * `overrides: <package>`: this entry patches that package's source of the same name instead of
   * declaring one; `explicit` lists the properties written here (`schema`, `table.identifier`, ...).
   */
  overrides?: { package: string; explicit: string[] } | undefined;
  sourceName: string;
  name: string;
  identifier: string;
  schema: string;
  database?: string | undefined;
  description: string;
  sourceDescription: string;
  loader: string;
  columns: Record<string, ColumnInfo>;
  tests: TestDecl[];
  config: Record<string, unknown>;
  meta: Record<string, unknown>;
  /** `schema:` when the YAML gives one (`schema` falls back to the source's name). */
  schemaAsWritten?: string | undefined;
  /** The source's own `meta:` (dbt's `source_meta`). */
  sourceMeta?: Record<string, unknown> | undefined;
  /** `quoting:` of the source and the table (the table's wins), as written: booleans, or Jinja that renders to one. */
  quoting?: Record<string, boolean | string> | undefined;
  tags: string[];
  /** `freshness:` as dbt merges it from the source, its config, the table and its config (project/freshness-shape.ts); `null` turns it off. */
  freshness?: unknown;
  loadedAtField?: string | undefined;
  file: string;
  location: SourceLocation;
}

export interface UnitTestDecl {
  name: string;
  model: string;
  description: string;
  /** `fixture`: a file under <test-path>/fixtures/ holding the rows (csv or sql format), as in dbt. */
  given: { input: string; rows: Record<string, unknown>[] | string; format?: string; fixture?: string | undefined }[];
  expect: { rows: Record<string, unknown>[] | string; format?: string; fixture?: string | undefined };
  overrides?: Record<string, unknown>;
  config: Record<string, unknown>;
  file: string;
  location: SourceLocation;
}

export interface SchemaDecls {
  models: NodePatch[];
  seeds: NodePatch[];
  snapshots: NodePatch[];
  /** `analyses:` entries (description, columns, config). */
  analyses: NodePatch[];
  sources: SourceTableDecl[];
  unitTests: UnitTestDecl[];
  exposures: ExposureDecl[];
  groups: GroupDecl[];
  /** `semantic_models:`, `metrics:` and `saved_queries:` entries. */
  semantic: SemanticDecl[];
  /** `macros:` entries (descriptions and arguments of macros). */
  macroPatches: MacroPatchDecl[];
}

/** A `groups:` entry (dbt's model governance): models name it in `group`, and a private model is ref'd only from its group. */
export interface GroupDecl {
  name: string;
  owner: Record<string, unknown>;
  description: string;
  file: string;
  location: SourceLocation;
}

/** Keys that configure a test rather than pass it an argument. */
const TEST_CONFIG_KEYS = new Set(['severity', 'where', 'limit', 'warn_if', 'error_if', 'store_failures', 'store_failures_as', 'tags', 'enabled', 'meta', 'alias', 'schema', 'database', 'fail_calc']);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function emptyDecls(): SchemaDecls {
  return { models: [], seeds: [], snapshots: [], analyses: [], sources: [], unitTests: [], exposures: [], groups: [], semantic: [], macroPatches: [] };
}

/** Read one schema YAML file into `into`; problems become diagnostics with the file and line. */
export function readSchemaYaml(y: YamlFile, into: SchemaDecls, diagnostics: Diagnostic[]): void {
  if (y.data === null || y.data === undefined) return;
  if (!isObj(y.data)) {
    diagnostics.push(diag('SM_SCHEMA_YAML', 'A schema YAML file must be a mapping (version, models, sources, ...)', y.locate([])));
    return;
  }
  const d = y.data;
  for (const kind of ['models', 'seeds', 'snapshots', 'analyses'] as const) {
    const list = d[kind];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      diagnostics.push(diag('SM_SCHEMA_YAML', `\`${kind}:\` must be a list of entries with \`name:\``, y.locate([kind])));
      continue;
    }
    list.forEach((entry, i) => {
      if (isObj(entry)) checkEntryShapes(y, entry, [kind, i], `${kind.slice(0, -1).replace(/^analyse$/, 'analysis')} "${String(entry.name)}"`, diagnostics);
      const p = readPatch(y, entry, [kind, i], diagnostics);
      if (p) into[kind].push(p);
    });
  }
  const sources = d.sources;
  if (Array.isArray(sources)) sources.forEach((s, i) => readSource(y, s, ['sources', i], into, diagnostics));
  else if (sources !== undefined && sources !== null) diagnostics.push(diag('SM_SCHEMA_YAML', '`sources:` must be a list', y.locate(['sources'])));
  const unit = d.unit_tests;
  if (Array.isArray(unit)) unit.forEach((u, i) => readUnitTest(y, u, ['unit_tests', i], into, diagnostics));
  else if (unit !== undefined && unit !== null) diagnostics.push(diag('SM_SCHEMA_YAML', '`unit_tests:` must be a list', y.locate(['unit_tests'])));
  into.exposures.push(...readExposures(y, d.exposures, diagnostics));
  into.groups.push(...readGroups(y, d.groups, diagnostics));
  into.semantic.push(...readSemantic(y, d, diagnostics));
  into.macroPatches.push(...readMacroPatches(y, d.macros, diagnostics));
}

/** `groups:` of one file, with dbt's rules: a `name` and an `owner` with a `name` or an `email`. */
function readGroups(y: YamlFile, list: unknown, diagnostics: Diagnostic[]): GroupDecl[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    diagnostics.push(diag('SM_SCHEMA_YAML', '`groups:` must be a list of entries with `name:` and `owner:`', y.locate(['groups'])));
    return [];
  }
  const out: GroupDecl[] = [];
  list.forEach((g, i) => {
    const path = ['groups', i];
    if (!isObj(g) || typeof g.name !== 'string' || !/^[A-Za-z0-9_]+$/.test(g.name)) {
      diagnostics.push(diag('SM_SCHEMA_YAML', 'Each group needs a `name:` of letters, digits and underscores', y.locate(path)));
      return;
    }
    if (!isObj(g.owner) || (g.owner.name == null && g.owner.email == null)) {
      diagnostics.push(diag('SM_SCHEMA_YAML', `Group "${g.name}": \`owner:\` needs a \`name:\` or an \`email:\``, y.locate(g.owner === undefined ? path : [...path, 'owner'])));
      return;
    }
    out.push({ name: g.name, owner: g.owner, description: typeof g.description === 'string' ? g.description : '', file: y.file, location: y.locate(path) });
  });
  return out;
}

function readPatch(y: YamlFile, entry: unknown, path: (string | number)[], diagnostics: Diagnostic[]): NodePatch | undefined {
  if (!isObj(entry) || typeof entry.name !== 'string') {
    diagnostics.push(diag('SM_SCHEMA_YAML', 'Each entry needs a `name:`', y.locate(path)));
    return undefined;
  }
  const columns: Record<string, ColumnInfo> = {};
  const tests: TestDecl[] = [];
  readColumns(y, entry.columns, [...path, 'columns'], columns, tests, diagnostics, entry.quote_columns === true);
  const entryKey = testsKey(y, entry, path, diagnostics);
  tests.push(...readTests(y, entry[entryKey], [...path, entryKey], undefined, diagnostics));
  const versions = readVersions(y, entry.versions, [...path, 'versions'], diagnostics, String(entry.name));
  const latest = entry.latest_version;
  // dbt 1.11: "latest_version: 3 is not one of model 'a' versions: [1]" (sm took it as the latest, so ref('a') found nothing).
  if (versions?.length && latest !== undefined && latest !== null && !versions.some((v) => v.v === String(latest))) {
    diagnostics.push(diag('SM_SCHEMA_YAML', `latest_version: ${String(latest)} is not one of model '${String(entry.name)}' versions: [${versions.map((v) => v.v).join(', ')}]`, y.locate([...path, 'latest_version']), { hint: 'Name one of the versions listed under `versions:`, or leave latest_version out for the highest.' }));
  }
  return {
    name: entry.name,
    ...(versions ? { versions, latestVersion: entry.latest_version === undefined || entry.latest_version === null ? undefined : String(entry.latest_version) } : {}),
    ...(entry.deprecation_date !== undefined && entry.deprecation_date !== null ? { deprecationDate: dbtDeprecationDate(entry.deprecation_date) } : {}),
    ...(Array.isArray(entry.constraints) ? { constraints: entry.constraints.filter(isObj).map(dbtModelConstraint) } : {}),
    ...(isObj(entry.time_spine) ? { timeSpine: { standard_granularity_column: entry.time_spine.standard_granularity_column ?? null, custom_granularities: Array.isArray(entry.time_spine.custom_granularities) ? entry.time_spine.custom_granularities : [] } } : {}),
    description: typeof entry.description === 'string' ? entry.description : '',
    config: withGovernance(entry, isObj(entry.config) ? entry.config : {}),
    columns,
    tests,
    meta: isObj(entry.meta) ? entry.meta : {},
    file: y.file,
    location: y.locate(path),
  };
}

/**
 * `access:`, `group:`, `docs:` and `meta:` written as properties of the entry (dbt's usual form)
 * join its config; the config's own win (a meta in both is merged, the config's keys winning).
 */
function withGovernance(entry: Record<string, unknown>, config: Record<string, unknown>): Record<string, unknown> {
  if (entry.access === undefined && entry.group === undefined && !isObj(entry.docs) && !isObj(entry.meta)) return config;
  const meta = isObj(entry.meta) ? { meta: { ...entry.meta, ...(isObj(config.meta) ? config.meta : {}) } } : {};
  return { ...(entry.access !== undefined ? { access: entry.access } : {}), ...(entry.group !== undefined ? { group: entry.group } : {}), ...(isObj(entry.docs) ? { docs: entry.docs } : {}), ...config, ...meta };
}

function readVersions(y: YamlFile, list: unknown, path: (string | number)[], diagnostics: Diagnostic[], model: string): VersionDecl[] | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) {
    diagnostics.push(diag('SM_SCHEMA_YAML', '`versions:` must be a list of entries with `v:`', y.locate(path)));
    return undefined;
  }
  const out: VersionDecl[] = [];
  list.forEach((e, i) => {
    if (!isObj(e) || e.v === undefined || e.v === null) {
      diagnostics.push(diag('SM_SCHEMA_YAML', 'Each version needs a `v:` (a number such as 1 or 2)', y.locate([...path, i])));
      return;
    }
    // dbt 1.11: "Found duplicate version: '1' in versions list of model 'a'" (sm kept the last).
    if (out.some((o) => o.v === String(e.v))) {
      diagnostics.push(diag('SM_SCHEMA_YAML', `Found duplicate version: '${String(e.v)}' in versions list of model '${model}'`, y.locate([...path, i, 'v']), { hint: 'Give each version its own `v:`.' }));
      return;
    }
    let include: 'all' | string[] = 'all';
    let exclude: string[] = [];
    const named: unknown[] = [];
    for (const c of Array.isArray(e.columns) ? e.columns : []) {
      if (isObj(c) && 'include' in c && !('name' in c)) {
        include = c.include === 'all' || c.include === '*' ? 'all' : Array.isArray(c.include) ? c.include.map(String) : 'all';
        exclude = Array.isArray(c.exclude) ? c.exclude.map(String) : [];
      } else named.push(c);
    }
    const columns: Record<string, ColumnInfo> = {};
    const tests: TestDecl[] = [];
    readColumns(y, named, [...path, i, 'columns'], columns, tests, diagnostics);
    const versionKey = testsKey(y, e, [...path, i], diagnostics);
    tests.push(...readTests(y, e[versionKey], [...path, i, versionKey], undefined, diagnostics));
    out.push({
      v: String(e.v),
      definedIn: typeof e.defined_in === 'string' ? e.defined_in : undefined,
      config: isObj(e.config) ? e.config : {},
      include,
      exclude,
      columns,
      tests,
      description: typeof e.description === 'string' ? e.description : undefined,
      deprecationDate: e.deprecation_date === undefined || e.deprecation_date === null ? undefined : dbtDeprecationDate(e.deprecation_date),
      ...(Array.isArray(e.constraints) ? { constraints: e.constraints.filter(isObj).map(dbtModelConstraint) } : {}),
    });
  });
  return out;
}

function readColumns(
  y: YamlFile,
  cols: unknown,
  path: (string | number)[],
  columns: Record<string, ColumnInfo>,
  tests: TestDecl[],
  diagnostics: Diagnostic[],
  /** The target's `quote_columns` (models) or `quoting: {column:}` (sources): quote columns whose own `quote:` is unset. */
  quoteColumns = false,
): void {
  if (cols === undefined || cols === null) return;
  if (!Array.isArray(cols)) {
    diagnostics.push(diag('SM_SCHEMA_YAML', '`columns:` must be a list of entries with `name:`', y.locate(path)));
    return;
  }
  cols.forEach((c, i) => {
    if (!isObj(c) || typeof c.name !== 'string') {
      diagnostics.push(diag('SM_SCHEMA_YAML', 'Each column needs a `name:`', y.locate([...path, i])));
      return;
    }
    // dbt merges the column's `config:` meta (over its `meta:`) and tags into both.
    const columnTags = [...new Set([...tagList(c.tags), ...tagList(isObj(c.config) ? c.config.tags : undefined)])];
    const extra = Object.entries(c).filter(([k]) => !COLUMN_KEYS.has(k));
    columns[c.name] = {
      name: c.name,
      description: typeof c.description === 'string' ? c.description : '',
      dataType: typeof c.data_type === 'string' ? c.data_type : undefined,
      tags: columnTags,
      meta: { ...(isObj(c.meta) ? c.meta : {}), ...(isObj(c.config) && isObj(c.config.meta) ? c.config.meta : {}) },
      ...(Array.isArray(c.constraints) && c.constraints.length ? { constraints: c.constraints.filter(isObj).map(dbtConstraint) } : {}),
      ...(typeof c.granularity === 'string' ? { granularity: c.granularity } : {}),
      ...(typeof c.quote === 'boolean' ? { quote: c.quote } : {}),
      ...(extra.length ? { extra: Object.fromEntries(extra) } : {}),
      declaredAt: y.locate([...path, i]),
    };
    const key = testsKey(y, c, [...path, i], diagnostics);
    // dbt hands a quoted column to its tests quoted (`"my col"`), and names the test after that.
    const quote = c.quote === true || ((c.quote === undefined || c.quote === null) && quoteColumns);
    const colTests = readTests(y, c[key], [...path, i, key], quote ? `"${c.name.replace(/"/g, '""')}"` : c.name, diagnostics);
    tests.push(...(columnTags.length ? colTests.map((t) => ({ ...t, columnTags })) : colTests));
  });
}

/** The keys dbt reads of a YAML column; it keeps any other (`mapping_instructions: ...`) and lists it with the column. */
const COLUMN_KEYS = new Set(['name', 'description', 'meta', 'data_type', 'constraints', 'docs', 'config', 'data_tests', 'tests', 'quote', 'tags', 'granularity']);

export function readTests(y: YamlFile, list: unknown, path: (string | number)[], columnName: string | undefined, diagnostics: Diagnostic[]): TestDecl[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    diagnostics.push(diag('SM_TEST_INVALID', 'Tests must be a list (`- unique`, `- accepted_values: {values: [...]}`)', y.locate(path)));
    return [];
  }
  const out: TestDecl[] = [];
  list.forEach((t, i) => {
    const loc = y.locate([...path, i]);
    let testName: string;
    let args: Record<string, unknown> = {};
    if (typeof t === 'string') testName = t;
    else if (isObj(t) && typeof t.test_name === 'string') {
      testName = t.test_name;
      args = { ...t };
      delete args.test_name;
    } else if (isObj(t) && Object.keys(t).length === 1) {
      testName = Object.keys(t)[0]!;
      const v = t[testName];
      // dbt 1.11.16 refuses `- accepted_values:` with nothing under it too (exit 2, "test arguments must be a dict, got <class 'NoneType'>").
      if (!isObj(v)) {
        diagnostics.push(
          diag('SM_TEST_INVALID', v === null || v === undefined ? `Test "${testName}" has nothing under it: its arguments must be a mapping` : `Arguments of test "${testName}" must be a mapping`, loc, {
            hint: `Write its arguments indented under it (- ${testName}: {arguments: {...}}), or, for a test that takes none, the name alone without the colon (- ${testName}).`,
          }),
        );
        return;
      }
      args = { ...v };
    } else {
      diagnostics.push(diag('SM_TEST_INVALID', 'A test is a name (`- unique`) or a mapping with one key (`- relationships: {to: ..., field: ...}`)', loc));
      return;
    }
    const config: Record<string, unknown> = isObj(args.config) ? { ...args.config } : {};
    let customName: string | undefined;
    let description: string | undefined;
    const kwargs: Record<string, unknown> = isObj(args.arguments) ? { ...args.arguments } : {};
    for (const [k, v] of Object.entries(args)) {
      if (k === 'config' || k === 'arguments') continue;
      if (k === 'name') customName = String(v);
      else if (k === 'description') description = String(v);
      else if (TEST_CONFIG_KEYS.has(k)) config[k] = v;
      else kwargs[k] = v;
    }
    let namespace: string | undefined;
    const dot = testName.lastIndexOf('.');
    if (dot > 0) {
      namespace = testName.slice(0, dot);
      testName = testName.slice(dot + 1);
    }
    out.push({ testName, namespace, kwargs, config, columnName, customName, description, location: loc });
  });
  return out;
}

function readSource(y: YamlFile, s: unknown, path: (string | number)[], into: SchemaDecls, diagnostics: Diagnostic[]): void {
  if (!isObj(s) || typeof s.name !== 'string') {
    diagnostics.push(diag('SM_SCHEMA_YAML', 'Each source needs a `name:`', y.locate(path)));
    return;
  }
  checkSourceShapes(y, s, path, diagnostics);
  // An override may change only source-level properties: it then names no table.
  // dbt 1.11.16 parses a source without `tables:` (it has none).
  const tables = s.tables ?? (typeof s.overrides === 'string' ? [{ name: '' }] : []);
  if (!Array.isArray(tables)) {
    diagnostics.push(diag('SM_SCHEMA_YAML', `Source "${s.name}" needs a list of \`tables:\``, y.locate(path)));
    return;
  }
  tables.forEach((t, i) => {
    const tpath = [...path, 'tables', i];
    if (!isObj(t) || typeof t.name !== 'string') {
      diagnostics.push(diag('SM_SCHEMA_YAML', `Each table of source "${s.name}" needs a \`name:\``, y.locate(tpath)));
      return;
    }
    const columns: Record<string, ColumnInfo> = {};
    const tests: TestDecl[] = [];
    const quoting = (x: unknown) => (isObj(x) && isObj(x.quoting) && typeof x.quoting.column === 'boolean' ? x.quoting.column : undefined);
    readColumns(y, t.columns, [...tpath, 'columns'], columns, tests, diagnostics, quoting(t) ?? quoting(s) ?? false);
    const key = testsKey(y, t, tpath, diagnostics, true);
    tests.push(...readTests(y, t[key], [...tpath, key], undefined, diagnostics));
    const overrides =
      typeof s.overrides === 'string' && s.overrides
        ? { package: s.overrides, explicit: [...Object.keys(s).filter((k) => k !== 'tables' && k !== 'name' && k !== 'overrides'), ...Object.keys(t).map((k) => `table.${k}`)] }
        : undefined;
    into.sources.push({
      ...(overrides ? { overrides } : {}),
      sourceName: s.name as string,
      name: t.name,
      identifier: typeof t.identifier === 'string' ? t.identifier : t.name,
      schema: typeof s.schema === 'string' ? s.schema : (s.name as string),
      ...(typeof s.schema === 'string' ? { schemaAsWritten: s.schema } : {}),
      database: typeof s.database === 'string' ? s.database : undefined,
      // dbt keeps the two apart: a table without a description has none, its source's is `source_description`.
      description: typeof t.description === 'string' ? t.description : '',
      sourceDescription: typeof s.description === 'string' ? s.description : '',
      loader: typeof s.loader === 'string' ? s.loader : '',
      columns,
      tests,
      config: { ...(isObj(s.config) ? s.config : {}), ...(isObj(t.config) ? t.config : {}) },
      meta: { ...(isObj(s.meta) ? s.meta : {}), ...(isObj(t.meta) ? t.meta : {}) },
      sourceMeta: isObj(s.meta) ? s.meta : {},
      quoting: Object.fromEntries([s.quoting, t.quoting].flatMap((q) => (isObj(q) ? Object.entries(q).filter((e): e is [string, boolean | string] => typeof e[1] === 'boolean' || (typeof e[1] === 'string' && /\{[{%]/.test(e[1]))) : []))),
      tags: [...(Array.isArray(s.tags) ? s.tags.map(String) : []), ...(Array.isArray(t.tags) ? t.tags.map(String) : [])],
      freshness: mergeSourceFreshness([s, s.config, t, t.config].map((o) => (isObj(o) && 'freshness' in o ? o.freshness : undefined))),
      loadedAtField: ((f) => (typeof f === 'string' && f.trim() ? f : undefined))(firstSet('loaded_at_field', t, s)),
      file: y.file,
      location: y.locate(tpath),
    });
  });
}

/** A source table's setting: the first of its config, itself, its source's config, its source that sets `key` (null included). */
function firstSet(key: string, t: Record<string, unknown>, s: Record<string, unknown>): unknown {
  for (const o of [t.config, t, s.config, s]) if (isObj(o) && key in o) return o[key];
  return undefined;
}

function readUnitTest(y: YamlFile, u: unknown, path: (string | number)[], into: SchemaDecls, diagnostics: Diagnostic[]): void {
  const loc = y.locate(path);
  if (!isObj(u) || typeof u.name !== 'string' || typeof u.model !== 'string') {
    diagnostics.push(diag('SM_TEST_INVALID', 'A unit test needs `name:` and `model:`', loc));
    return;
  }
  if (checkUnitTestShapes(y, u, path, diagnostics)) return;
  const given = Array.isArray(u.given) ? u.given : [];
  const expect = isObj(u.expect) ? u.expect : undefined;
  if (!expect) {
    diagnostics.push(diag('SM_TEST_INVALID', `Unit test "${u.name}" needs \`expect: {rows: [...]}\``, loc));
    return;
  }
  const rowsOf = (v: unknown): Record<string, unknown>[] | string => (typeof v === 'string' ? v : Array.isArray(v) ? (v as Record<string, unknown>[]) : []);
  into.unitTests.push({
    name: u.name,
    model: u.model,
    description: typeof u.description === 'string' ? u.description : '',
    given: given.filter(isObj).map((g) => ({ input: String(g.input), rows: rowsOf(g.rows), format: typeof g.format === 'string' ? g.format : undefined, fixture: fixtureOf(g) })),
    expect: { rows: rowsOf(expect.rows), format: typeof expect.format === 'string' ? expect.format : undefined, fixture: fixtureOf(expect) },
    overrides: isObj(u.overrides) ? u.overrides : undefined,
    config: isObj(u.config) ? u.config : {},
    file: y.file,
    location: loc,
  });
}

function fixtureOf(v: Record<string, unknown>): string | undefined {
  return typeof v.fixture === 'string' && v.fixture ? v.fixture : undefined;
}

/**
 * A `deprecation_date` as dbt writes it: ISO 8601 with the offset; a date or time without a zone
 * is read in the machine's time zone, as dbt does (`2024-01-01` on a UTC machine is
 * `2024-01-01T00:00:00+00:00`). Text that is not a date is kept as written.
 */
export function dbtDeprecationDate(v: unknown): string {
  const m = typeof v === 'string' ? /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(v.trim()) : null;
  const d = v instanceof Date ? v : m ? new Date(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) : new Date(String(v));
  if (Number.isNaN(d.getTime())) return String(v);
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${off < 0 ? '-' : '+'}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}
