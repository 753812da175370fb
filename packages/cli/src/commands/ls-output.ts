import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { jsonEntriesById, packageRelativePaths, type Compilation } from '@smsql/core';
import { pythonJson } from '../python-json.ts';

/** The nodes as `sm ls --output name|path|selector` prints them, as dbt ls does. */
export function lsLines(c: Compilation, ids: readonly string[], output: string): string[] {
  const inPackage = packageRelativePaths(c.project.dir, c.project.packages);
  return ids.map((id) => lsLine(c, id, output, inPackage));
}

function lsLine(c: Compilation, id: string, output: string, inPackage: (pkg: string, path: string) => string): string {
  const n = c.compiled.nodes.get(id)!;
  // As dbt prints them: a source is `source_name.table_name`, a model's version `name.v2`.
  if (output === 'name') return n.resourceType === 'source' ? `${n.sourceName}.${n.name}` : n.resourceType === 'model' && n.version != null ? `${n.name}.v${n.version}` : n.name;
  // dbt's original_file_path: a package's node's relative to the package.
  if (output === 'path') return inPackage(n.packageName, n.originalFilePath);
  // dbt's selectors: a source by package, source and table (not its fqn, which holds its folder); a unit test by package and name.
  if (n.resourceType === 'exposure' || n.resourceType === 'metric' || n.resourceType === 'semantic_model' || n.resourceType === 'saved_query') return `${n.resourceType}:${n.packageName}.${n.name}`;
  if (n.resourceType === 'source') return `source:${n.packageName}.${n.sourceName}.${n.name}`;
  if (n.resourceType === 'unit_test') return `unit_test:${n.packageName}.${n.name}`;
  return n.fqn.join('.');
}

/** The keys of a node `dbt ls --output json` prints without --output-keys (dbt's ListTask.ALLOWED_KEYS). */
const LS_KEYS = new Set(['alias', 'name', 'package_name', 'depends_on', 'tags', 'config', 'resource_type', 'source_name', 'original_file_path', 'unique_id']);
/** Their order in dbt's entry of a model, seed, snapshot or test (sm's manifest entry orders them otherwise; a source's, exposure's and unit test's are dbt's order already). */
const LS_NODE_ORDER = ['name', 'resource_type', 'package_name', 'original_file_path', 'unique_id', 'alias', 'config', 'tags', 'depends_on'];

/** An entry's LS_KEYS in dbt's order. */
function lsEntry(entry: Record<string, unknown>): [string, unknown][] {
  const keys = 'alias' in entry ? LS_NODE_ORDER.filter((k) => k in entry) : Object.keys(entry).filter((k) => LS_KEYS.has(k));
  return keys.map((k) => [k, lsValue(k, entry[k])]);
}

/** A value as dbt ls prints it: `depends_on` with `macros` first. */
function lsValue(k: string, v: unknown): unknown {
  if (k !== 'depends_on' || !v || typeof v !== 'object') return v;
  const { macros, ...rest } = v as Record<string, unknown>;
  return macros === undefined ? v : { macros, ...rest };
}

/** Up to how many nodes `ls --output json` reads entry by entry instead of parsing the manifest. */
const FEW = 64;

/**
 * `ls --output json`: each node's manifest entry (which this ls wrote) as dbt prints it, its
 * keys of LS_KEYS in the entry's order, or with `--output-keys a b.c` those keys in the order
 * asked (a key the entry lacks is left out, a dotted one when its value is null too, as dbt
 * does); Python's JSON text, as dbt's. Keys are split as dbt 1.11 splits them: at each single
 * space, nowhere else, so `name,resource_type` and an empty key name none (each node prints `{}`)
 * and `"name, resource_type"` only resource_type.
 */
export function lsJson(c: Compilation, ids: string[], asked: string[] | undefined): string[] {
  const keys = (asked ?? []).flatMap((k) => k.split(' '));
  const path = resolve(c.project.dir, c.project.config.targetPath, 'manifest.json');
  const bytes = readFileSync(path);
  // A few nodes are read from their own bytes (a 10,000-model manifest is ~60 MB of JSON to parse); many, or any not found so, from the whole file.
  const few = ids.length <= FEW ? jsonEntriesById(bytes, ids) : undefined;
  const m = few ? undefined : (JSON.parse(bytes.toString('utf8')) as Record<string, Record<string, Record<string, unknown>> | undefined>);
  const entryOf = (id: string) => few?.get(id) ?? m?.nodes?.[id] ?? m?.sources?.[id] ?? m?.exposures?.[id] ?? m?.unit_tests?.[id] ?? m?.metrics?.[id] ?? m?.semantic_models?.[id] ?? m?.saved_queries?.[id] ?? {};
  const nested = (entry: Record<string, unknown>, key: string): unknown =>
    key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' && !Array.isArray(v) && k in v ? (v as Record<string, unknown>)[k] : undefined), entry);
  return ids.map((id) => {
    const entry = entryOf(id);
    const picked = keys.length
      ? keys.flatMap((k): [string, unknown][] => {
          if (!k.includes('.')) return k in entry ? [[k, lsValue(k, entry[k])]] : [];
          const v = nested(entry, k);
          return v === undefined || v === null ? [] : [[k, v]];
        })
      : lsEntry(entry);
    return pythonJson(Object.fromEntries(picked));
  });
}
