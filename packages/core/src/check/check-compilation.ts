import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogArtifact } from '../artifacts/artifact-types.ts';
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
  readonly catalog: CatalogArtifact | undefined;
  /** Digest of the file, '' when there is none: check results depend on it. */
  readonly digest: string;
}

/** target/catalog.json as the last `sm docs generate` (or run) saved it; absent or unreadable is no catalog. */
export function readSavedCatalog(targetDir: string): SavedCatalog {
  const path = join(targetDir, 'catalog.json');
  if (!existsSync(path)) return { catalog: undefined, digest: '' };
  try {
    const text = readFileSync(path, 'utf8');
    return { catalog: JSON.parse(text) as CatalogArtifact, digest: createHash('sha1').update(text).digest('hex') };
  } catch {
    return { catalog: undefined, digest: '' };
  }
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
  const only = opts.only && opts.only.size < compiled.nodes.size ? opts.only : undefined;
  const result = checkProject(compiled, graph, { dialect, catalog: saved.catalog, cache, only, runKey });
  cache?.save(compiled.nodes.keys(), only ? undefined : runKey);
  return result;
}
