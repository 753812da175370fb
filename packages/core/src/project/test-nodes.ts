import { createHash, hash as oneShotHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { diag, type Diagnostic } from '../diagnostics.ts';
import type { Relation } from '../adapter.ts';
import type { GraphNode, ModelNode, ProjectConfig, SeedNode, SourceNode, TestNode } from '../types.ts';
import { addConfigCall, metaOf, tagList } from './folder-config.ts';
import type { TestDecl } from './schema-yaml.ts';
import type { RenderConfig } from './config-renderer.ts';
import { pythonRepr } from '../util/py-repr.ts';

/**
 * dbt's name for a generic test, so selection by name and artifacts match dbt's: the test
 * (prefixed `source_` on sources, after its package namespace), the node, then every argument (column_name included)
 * in sorted key order, flattened, each non-word run replaced by `_`, joined by `__`.
 * Names are never shortened; past 63 characters `alias` is a hashed short form, as in dbt (the
 * relation stored failures land in, and the compiled file's name).
 */
export function genericTestName(decl: TestDecl, node: ModelNode | SeedNode | SourceNode): { name: string; alias?: string } {
  const ns = decl.namespace ? `${decl.namespace.replace(/\./g, '_')}_` : '';
  // The namespace comes first: dbt_utils_source_unique_combination_of_columns_<source>_<table>_...
  const type = node.resourceType === 'source' ? `${ns}source_${decl.testName}` : `${ns}${decl.testName}`;
  const version = node.resourceType === 'model' ? node.version : undefined;
  const target = node.resourceType === 'source' ? `${node.sourceName}_${node.name}` : version !== undefined ? `${node.name}_v${version}` : node.name;
  const args: Record<string, unknown> = { ...decl.kwargs };
  if (decl.columnName !== undefined) args.column_name = decl.columnName;
  const flat: string[] = [];
  for (const k of Object.keys(args).sort()) {
    if (k === 'model') continue;
    const v = args[k];
    const parts = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [v];
    flat.push(...parts.map(pyStr));
  }
  const unique = flat.map((a) => a.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const name = `${type}_${target}_${unique}`;
  if (name.length <= 63) return { name };
  // dbt 1.11: the first 30 characters of the test and its node, then md5 of the whole name.
  return { name, alias: `${`${type}_${target}`.slice(0, 30)}_${createHash('md5').update(name).digest('hex')}` };
}

/**
 * A node's `path` as dbt's manifest (and its log's node_info) gives it: a generic test has no
 * file of its own and is named after its alias or name; every other node keeps its own.
 */
export function manifestPathOf(n: GraphNode): string {
  if (n.resourceType === 'test' && n.testMetadata) return testFileName(n.name, n.config.alias);
  return n.path;
}

/** A generic test's file name: its alias (dbt's short name past 63 characters), else its name. */
export function testFileName(name: string, alias: unknown): string {
  return `${typeof alias === 'string' && alias ? alias : name}.sql`;
}

/**
 * Where a test's failing rows are stored, and what the manifest and `graph` give as its
 * database, schema and alias as dbt does: `<target schema>_dbt_test__audit` (or `_<schema>`
 * of the test's config), named by its alias or its name; where the project's own
 * generate_schema_name put it, when it has one (set at render).
 */
export function testRelation(t: TestNode, target: { schema: string; database?: string | undefined }): Relation & { database: string | undefined } {
  if (t.relation) {
    const rel = { database: t.relation.database ?? target.database, schema: t.relation.schema ?? target.schema, identifier: t.relation.identifier };
    return t.relation.quoted ? { ...rel, quoted: t.relation.quoted } : rel;
  }
  const schema = typeof t.config.schema === 'string' && t.config.schema ? t.config.schema : 'dbt_test__audit';
  const identifier = typeof t.config.alias === 'string' && t.config.alias ? t.config.alias : t.name;
  return { database: target.database, schema: `${target.schema}_${schema}`, identifier };
}

/**
 * Whether and how a test keeps its failing rows, in dbt's precedence: `store_failures_as`
 * (table, view; ephemeral means no), then `store_failures`, then the `--store-failures` flag.
 * A `store_failures_as` that is none of those is `invalid` (running the test fails on it).
 */
export function storeFailuresAs(t: TestNode, flag: boolean | undefined): 'table' | 'view' | 'invalid' | undefined {
  const as = t.config.store_failures_as;
  if (as === 'table' || as === 'view') return as;
  if (as === 'ephemeral') return undefined;
  if (as !== undefined) return 'invalid';
  const cfg = t.config.store_failures;
  if (cfg === true || cfg === false) return cfg ? 'table' : undefined;
  return flag ? 'table' : undefined;
}

/** The `{{ config(...) }}` dbt appends to a generic test's raw_code: its YAML config and its alias, strings quoted, the rest as Python writes them. */
function dbtConfigCall(config: Record<string, unknown>): string {
  const items = Object.entries(config)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? `"${v.replace(/"/g, '\\"')}"` : pyStr(v)}`);
  return items.length ? `{{ config(${items.join(',')}) }}` : '';
}

/** dbt puts a generic test in the folders of the YAML file that declares it, below its resource path. */
function yamlFolders(config: ProjectConfig, file: string): string[] {
  let memo = FOLDERS.get(config);
  if (!memo) FOLDERS.set(config, (memo = new Map()));
  let out = memo.get(file);
  if (!out) memo.set(file, (out = yamlFoldersOf(config, file)));
  return out;
}

/** yamlFolders per project config and file: every test of a YAML file has the same. */
const FOLDERS = new WeakMap<ProjectConfig, Map<string, string[]>>();

function yamlFoldersOf(config: ProjectConfig, file: string): string[] {
  const parts = file.split('/').slice(0, -1);
  const roots = [...config.modelPaths, ...config.seedPaths, ...config.snapshotPaths, ...config.testPaths].map((r) => r.replace(/\/+$/, '').split('/'));
  const root = roots.filter((r) => r.every((p, i) => parts[i] === p)).sort((a, b) => b.length - a.length)[0];
  return parts.slice(root ? root.length : 0);
}

/** Python's str() of a YAML value, since dbt builds the name in Python (exported for a test). */
export function pyStr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(', ')}}`;
  return String(v);
}

function pyRepr(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : pyStr(v);
}

/**
 * A test's YAML config rendered as dbt's test builder renders it when it parses it: `where: "id < {{ var('lim') }}"`
 * is "id < 5" in its config, raw_code and unrendered_config (dbt 1.11.16, recorded in cli/test/yaml-test-nodes.test.ts).
 */
export function renderedTestConfig(t: TestDecl, render: RenderConfig | undefined): TestDecl {
  const jinja = render ? Object.entries(t.config).filter(([, v]) => typeof v === 'string' && /\{[{%]/.test(v)) : [];
  return jinja.length ? { ...t, config: { ...t.config, ...Object.fromEntries(jinja.map(([k, v]) => [k, render!(v, t.location.file)])) } } : t;
}

/** The node a YAML entry names where no file defines it: enough to name and hash its tests as dbt does. */
export function orphanTarget(project: string, name: string, kind: string): ModelNode {
  return { uniqueId: `${kind}.${project}.${name}`, resourceType: kind === 'seed' ? 'seed' : kind === 'snapshot' ? 'snapshot' : 'model', name, packageName: project } as ModelNode;
}

/**
 * dbt's warning for a data test that refs or reads what does not exist (NodeNotFoundOrDisabled)
 * or a source that is disabled (InvalidDisabledTargetInTestNode): either way the test is disabled.
 * (A test on a disabled model is disabled with no warning: dbt logs that at debug level only.)
 */
export function testTargetWarning(t: Pick<TestNode, 'uniqueId' | 'originalFilePath'>, target: { kind: 'node' | 'source'; name: string; pkg?: string | undefined; disabled: boolean }, line: number | undefined, hint: string): Diagnostic {
  const { kind, name, disabled } = target;
  const file = t.originalFilePath;
  const pkg = target.pkg ?? '';
  const message = `Test '${t.uniqueId}' (${file}) depends on a ${kind} named '${name}' ${disabled ? 'which is disabled' : `in package '${pkg}' which was not found`}`;
  const data = { original_file_path: file, resource_type_title: 'Test', target_kind: kind, target_name: name, target_package: pkg, unique_id: t.uniqueId };
  return diag('SM_REF_NOT_FOUND', message, { file, line }, {
    severity: 'warning',
    nodeId: t.uniqueId,
    event: disabled ? 'InvalidDisabledTargetInTestNode' : 'NodeNotFoundOrDisabled',
    eventData: disabled ? data : { disabled: 'False', ...data },
    hint,
  });
}

export function genericTestNode(
  config: ProjectConfig,
  decl: TestDecl,
  node: ModelNode | SeedNode | SourceNode,
  used: Set<string>,
  _diagnostics: Diagnostic[],
  _kind: string,
  /** The project's folder config (`data_tests:` in the project file) for the test's fqn: below the test's own `config:`. */
  folderConfigOf?: (fqn: string[]) => Record<string, unknown>,
): TestNode {
  const synth = genericTestName(decl, node);
  const name = decl.customName ?? synth.name;
  // dbt's id: the name, then the last 10 hex digits of md5(name + repr of the test's metadata).
  const version = node.resourceType === 'model' ? node.version : undefined;
  const target = node.resourceType === 'source' ? `source('${node.sourceName}', '${node.name}')` : version !== undefined ? `ref('${node.name}', version='${version}')` : `ref('${node.name}')`;
  const metaKwargs: Record<string, unknown> = { ...decl.kwargs, ...(decl.columnName !== undefined ? { column_name: decl.columnName } : {}), model: `{{ get_where_subquery(${target}) }}` };
  let uniqueId = `test.${config.name}.${name}.${dbtTestHash(name, { name: decl.testName, kwargs: metaKwargs, namespace: decl.namespace ?? null })}`;
  if (used.has(uniqueId)) uniqueId = `${uniqueId}_${createHash('md5').update(JSON.stringify([decl.location, decl.kwargs])).digest('hex').slice(0, 10)}`;
  used.add(uniqueId);
  const alias = decl.customName ? undefined : synth.alias;
  const kwargs: Record<string, unknown> = { ...decl.kwargs };
  if (decl.columnName !== undefined) kwargs.column_name = decl.columnName;
  const fqn = [config.name, ...yamlFolders(config, decl.location.file), name];
  const folder = folderConfigOf?.(fqn) ?? {};
  // dbt's: the test's own config tags, in its config (repeats kept); on the node those and its column's tags, and
  // for a source's test the source's and table's `tags:` (a model's or seed's config tags are not a test's).
  const configTags = [...tagList(folder.tags), ...tagList(decl.config.tags)];
  const tags =
    node.resourceType === 'source' ? [...new Set([...(node.yamlTags ?? node.tags), ...(decl.columnTags ?? []), ...configTags])] : [...new Set([...configTags, ...(decl.columnTags ?? [])])].sort();
  const rawCode = `{{ test_${decl.testName}(**_sm_generic_test_kwargs) }}`;
  return {
    uniqueId,
    resourceType: 'test',
    name,
    packageName: config.name,
    originalFilePath: decl.location.file,
    path: decl.location.file,
    fqn,
    description: decl.description ?? '',
    tags,
    meta: metaOf({ ...folder, ...decl.config }),
    config: { materialized: 'test', severity: 'ERROR', ...(alias ? { alias } : {}), ...folder, ...decl.config, tags: configTags },
    rawCodeConfig: dbtConfigCall({ ...decl.config, ...(alias ? { alias } : {}) }),
    // dbt gives a generic test its YAML config as a config() call (its raw_code's).
    configCall: configCallOf({ ...decl.config, ...(alias ? { alias } : {}) }),
    modelArg: metaKwargs.model as string,
    fileKeyName: node.resourceType === 'source' ? `sources.${node.sourceName}` : `${node.resourceType}s.${node.name}`,
    columns: {},
    dependsOn: { nodes: [node.uniqueId], macros: [] },
    patchPath: decl.location.file,
    rawCode,
    refs: [],
    sources: [],
    testMetadata: { name: decl.testName, kwargs, namespace: decl.namespace },
    attachedNode: node.uniqueId,
    columnName: decl.columnName,
    checksum: oneShotHash('sha256', rawCode + JSON.stringify(kwargs)),
    declaredAt: decl.location,
  };
}

/**
 * The output column names of a query when they can be known without a warehouse: its main
 * (first top-level) select lists only named columns. Undefined when any item is `*` or an
 * unnamed expression, so callers never report a column missing on a guess.
 */
export function selectedColumns(sql: string): string[] | undefined {
  const masked = maskSql(sql);
  let depth = 0;
  let start = -1;
  for (let i = 0; i < masked.length; i++) {
    const ch = masked[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && (ch === 's' || ch === 'S') && !isWordChar(masked.charCodeAt(i - 1)) && at(SELECT, masked, i)) {
      start = i + 6;
      break;
    }
  }
  if (start < 0) return undefined;
  const items: string[] = [];
  let cur = start;
  depth = 0;
  let end = masked.length;
  for (let i = start; i < masked.length; i++) {
    const ch = masked[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && ch === ',') {
      items.push(masked.slice(cur, i));
      cur = i + 1;
    } else if (depth === 0 && isLetter(masked.charCodeAt(i)) && !isWordChar(masked.charCodeAt(i - 1)) && at(CLAUSE, masked, i)) {
      end = i;
      break;
    }
  }
  // Items from the masked text: a comment before an item (`-- Ids\n s.id`) is blanks, not part of its expression.
  items.push(masked.slice(cur, end));
  const names: string[] = [];
  for (const [i, raw] of items.entries()) {
    let item = raw.trim();
    if (i === 0) item = item.replace(/^(distinct|all)\b\s*/i, '');
    if (!item || /(^|\.)\s*\*(\s|$)/.test(item.replace(/\([^()]*\)/g, '()'))) return undefined;
    const alias = /(?:\bas\s+|[\w)\]"'\s])("([^"]+)"|([A-Za-z_]\w*))$/i.exec(item);
    const plain = /^(?:(?:"[^"]+"|\w+)\.)*(?:"([^"]+)"|([A-Za-z_]\w*))$/.exec(item);
    if (plain) names.push(plain[1] ?? plain[2]!);
    else if (alias && !/^(end|null|true|false)$/i.test(alias[3] ?? '')) names.push(alias[2] ?? alias[3]!);
    else return undefined;
  }
  return names;
}

const SELECT = /select\b/iy;
const CLAUSE = /(from|union|where|group|order|limit|having|qualify|window|intersect|except)\b/iy;

/** An ASCII letter (`/[a-z]/i`): a clause keyword's first character. */
const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** `/\w/` of one character (NaN, before the start, is none): a keyword must not continue a word. */
const isWordChar = (c: number): boolean => isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x5f;

/** Whether sticky `re` matches `s` at `i` (no copy of the rest of the string, which made long queries quadratic). */
function at(re: RegExp, s: string, i: number): boolean {
  re.lastIndex = i;
  return re.test(s);
}

/** Blank out comments and string literals (same length), so keywords and parentheses inside them are ignored. */
function maskSql(sql: string): string {
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'/g, (m) => ' '.repeat(m.length));
}

/** Columns a model, seed or snapshot is known to have before anything runs; undefined when unknowable offline. */
export function staticColumns(node: GraphNode): string[] | undefined {
  if (node.resourceType === 'seed') {
    const header = readFileSync(node.seedPath, 'utf8').split(/\r?\n/, 1)[0] ?? '';
    return header.split(',').map((h) => h.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean);
  }
  if (node.resourceType === 'model' && node.compiledCode) return selectedColumns(node.compiledCode);
  return undefined;
}

/** A column test's column that the node's known columns lack (case-insensitive), with the columns it has. */
export function missingTestColumn(column: string, node: GraphNode, columnsOf: (n: GraphNode) => string[] | undefined = staticColumns): { have: string[] } | undefined {
  // A column_name may be an expression (`lower(email)`) or quoted; only plain names are checked.
  if (!/^[A-Za-z_]\w*$/.test(column)) return undefined;
  const have = columnsOf(node);
  if (!have || have.some((c) => c.toLowerCase() === column.toLowerCase())) return undefined;
  return { have };
}

/**
 * Column tests on a column the tested node is known not to have, for the selected tests only
 * (`sm run` does not fail over a test it will not run).
 */
export function testColumnDiagnostics(nodes: ReadonlyMap<string, GraphNode>, selected: Iterable<string>, severity: 'error' | 'warning'): Diagnostic[] {
  const out: Diagnostic[] = [];
  // A node's columns once, however many tests it has.
  const known = new Map<string, string[] | undefined>();
  const columnsOf = (n: GraphNode) => {
    if (!known.has(n.uniqueId)) known.set(n.uniqueId, staticColumns(n));
    return known.get(n.uniqueId);
  };
  for (const id of selected) {
    const t = nodes.get(id);
    if (t?.resourceType !== 'test' || !t.columnName || !t.attachedNode) continue;
    const attached = nodes.get(t.attachedNode);
    if (!attached || attached.resourceType === 'source') continue;
    const lack = missingTestColumn(t.columnName, attached, columnsOf);
    if (!lack) continue;
    out.push(
      diag('SM_TEST_INVALID', `Test "${t.testMetadata?.name ?? t.name}" is declared on column "${t.columnName}" of ${attached.name}, which has no such column (it has: ${lack.have.join(', ')})`, t.declaredAt ?? { file: t.originalFilePath }, {
        nodeId: t.uniqueId,
        hint: `Rename the column in the YAML to one ${attached.name} selects, or add it to ${attached.originalFilePath}.`,
        severity,
      }),
    );
  }
  return out;
}

/** The hash dbt appends to a generic test's unique id: md5 of the name and the repr of its metadata, leaves as strings, keys sorted. */
export function dbtTestHash(name: string, metadata: Record<string, unknown>): string {
  return oneShotHash('md5', name + sortedRepr(metadata)).slice(-10);
}

/** `pythonRepr` of the value with every leaf made a string (`pyStr`) and every object's keys sorted, written in one pass (every generic test's id hashes one). */
function sortedRepr(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedRepr).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    let out = '';
    for (const k of keysInOrder(Object.keys(v).sort())) out += `${out ? ', ' : ''}${pythonRepr(k)}: ${sortedRepr((v as Record<string, unknown>)[k])}`;
    return `{${out}}`;
  }
  return pythonRepr(pyStr(v));
}

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/** Sorted keys in the order an object made from them lists them: array-index keys ("2", "10") first, by number, as JavaScript orders an object's keys. */
function keysInOrder(sorted: string[]): string[] {
  const isIndex = (k: string) => ARRAY_INDEX.test(k) && Number(k) < 4294967295;
  if (!sorted.some(isIndex)) return sorted;
  return [...sorted.filter(isIndex).sort((a, b) => Number(a) - Number(b)), ...sorted.filter((k) => !isIndex(k))];
}

/** A generic test's test_metadata as dbt's manifest and graph give it: its kwargs hold the `model` argument as written. */
export function testMetadataShape(n: TestNode): { name: string; kwargs: Record<string, unknown>; namespace: string | null } {
  const t = n.testMetadata!;
  return { name: t.name, kwargs: n.modelArg === undefined ? t.kwargs : { ...t.kwargs, model: n.modelArg }, namespace: t.namespace ?? null };
}

function configCallOf(given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  addConfigCall(out, given);
  return out;
}
