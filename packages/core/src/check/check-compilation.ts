import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogArtifact, CatalogColumn, CatalogTable } from '../artifacts/artifact-types.ts';
import type { Dag } from '../graph/build-graph.ts';
import type { CompiledProject } from '../render/render-project.ts';
import { CheckCache } from './check-cache.ts';
import { checkProject, type CheckResult } from './check-project.ts';
import type { SqlDialectName } from './sql/lexer.ts';

/** The dialect whose SQL the checker reads for a target type; others are read as DuckDB's (the closest to ANSI). */
export function checkDialect(targetType: string): SqlDialectName {
  return targetType === 'snowflake' ? 'snowflake' : 'duckdb';
}

export interface SavedCatalog {
  /** The catalog, read when first asked for (an unchanged project's check never asks). */
  readonly catalog: CatalogArtifact | undefined;
  /** Identifies the file as saved (size and modification time), '' when there is none: check results depend on it. */
  readonly digest: string;
}

/** target/catalog.json as the last `sm docs generate` saved it; absent or unreadable is no catalog. */
export function readSavedCatalog(targetDir: string): SavedCatalog {
  const path = join(targetDir, 'catalog.json');
  if (!existsSync(path)) return { catalog: undefined, digest: '' };
  const st = statSync(path);
  let parsed: CatalogArtifact | undefined | null = null;
  return {
    get catalog() {
      if (parsed === null) {
        try {
          parsed = usableCatalog(JSON.parse(readFileSync(path, 'utf8')));
        } catch {
          parsed = undefined;
        }
      }
      return parsed;
    },
    digest: `${st.size}:${st.mtimeMs}`,
  };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * What of a catalog file the checker can use: its tables whose columns each have a type (a file
 * edited by hand, cut short or of another tool's making is used as far as it goes, never trusted
 * to have dbt's shape).
 */
function usableCatalog(x: unknown): CatalogArtifact | undefined {
  if (!isObject(x)) return undefined;
  const tables = (group: unknown): Record<string, CatalogTable> => {
    const out: Record<string, CatalogTable> = {};
    if (!isObject(group)) return out;
    for (const [id, t] of Object.entries(group)) {
      if (!isObject(t) || !isObject(t.columns)) continue;
      // A table with a column the checker cannot read is left out whole: a partial list would make its other columns unknown names.
      const columns: Record<string, CatalogColumn> = {};
      let i = 0;
      for (const [key, c] of Object.entries(t.columns)) {
        i++;
        if (!isObject(c) || typeof c.type !== 'string') break;
        columns[key] = { type: c.type, index: typeof c.index === 'number' ? c.index : i, name: typeof c.name === 'string' ? c.name : key, comment: typeof c.comment === 'string' ? c.comment : null };
      }
      if (Object.keys(columns).length === i) out[id] = { ...(t as unknown as CatalogTable), columns };
    }
    return out;
  };
  return { ...(x as unknown as CatalogArtifact), nodes: tables(x.nodes), sources: tables(x.sources) };
}

/**
 * Check a compiled project: the selected nodes (and, for their columns, their ancestors), with
 * the per-node cache under target/.sm/ unless `noCache`.
 */
export function checkCompiled(
  compiled: CompiledProject,
  graph: Dag,
  opts: { targetDir: string; only?: ReadonlySet<string> | undefined; noCache?: boolean | undefined; catalog?: SavedCatalog | undefined; inputDigest?: string | undefined },
): CheckResult {
  const dialect = checkDialect(compiled.project.target.type);
  const saved = opts.catalog ?? readSavedCatalog(opts.targetDir);
  const cache = opts.noCache ? undefined : CheckCache.open(join(opts.targetDir, '.sm', 'check'), dialect);
  // The project's input digest (undefined when a render read the environment or the clock) with the catalog's.
  const runKey = opts.inputDigest ? `${opts.inputDigest}:${saved.digest}` : undefined;
  const only = opts.only && opts.only.size < graph.nodeCount() ? opts.only : undefined;
  const result = checkProject(compiled, graph, { dialect, catalog: saved.catalog, cache, only, runKey });
  cache?.save(graph.nodes(), only ? undefined : runKey);
  return result;
}

/**
 * What the last whole-project `sm check` found, when it checked exactly these inputs (the
 * project's input digest and the saved catalog): a compile then writes the same manifest, with
 * lineage, and reuses the one `sm check` wrote. Read lazily: nothing is loaded unless the
 * manifest has to be written afresh. Undefined when the inputs differ or there is no such check.
 */
export function freshCheck(compiled: CompiledProject, graph: Dag, targetDir: string, inputDigest: string | undefined, saved: SavedCatalog): CheckResult | undefined {
  if (!inputDigest) return undefined;
  const dir = join(targetDir, '.sm', 'check');
  if (CheckCache.lastRunKey(dir) !== `${inputDigest}:${saved.digest}`) return undefined;
  let result: CheckResult | undefined;
  const load = () => (result ??= checkCompiled(compiled, graph, { targetDir, catalog: saved, inputDigest }));
  return {
    dialect: checkDialect(compiled.project.target.type),
    get nodes() {
      return load().nodes;
    },
    get diagnostics() {
      return load().diagnostics;
    },
    get notChecked() {
      return load().notChecked;
    },
    get cached() {
      return load().cached;
    },
  };
}
