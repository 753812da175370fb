import { readFileSync } from 'node:fs';
import { SmProjectError } from '../diagnostics.ts';

/** The parts of run_results.json that sm reads back (retry, `result:` selectors, docs). */
export interface RunResultsShape {
  results: { unique_id: string; status: string; batch_results?: { successful?: [string, string][]; failed?: [string, string][] } | null }[];
  args?: { which?: string; full_refresh?: boolean; warn_error?: boolean; warn_error_options?: unknown; vars?: unknown; target?: unknown; profile?: unknown; threads?: unknown; empty?: unknown; store_failures?: unknown; fail_fast?: unknown; select?: unknown; exclude?: unknown };
}

/** The part of sources.json that `source_status:` reads: each result's source and newest load time (none for a runtime error). */
export interface SourcesShape {
  results: { unique_id: string; max_loaded_at?: string | null }[];
}

/**
 * Read a JSON artifact of an earlier run (manifest.json, run_results.json, ...) given by the user
 * through --state or found in target/. An unreadable, truncated or wrongly shaped file is a project
 * error naming the file and what to do, never a JSON parser's stack trace. `check` says what is
 * wrong with the parsed value, or undefined when it is fine.
 */
export function readArtifact<T>(path: string, what: string, check: (v: unknown) => string | undefined): T {
  const fail = (problem: string, cause?: unknown): never => {
    throw new SmProjectError([
      {
        code: 'SM_ARTIFACT_INVALID',
        severity: 'error',
        message: `${path} ${problem}`,
        location: { file: path },
        hint: `It should be the ${what} of an earlier sm or dbt run: point --state at an intact target/ directory, or delete the file and run again.`,
        cause,
      },
    ]);
  };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail(`cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, e);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail(`is not valid JSON (${(e as Error).message})`, e);
  }
  const problem = check(value);
  if (problem) fail(problem);
  return value as T;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The manifest's collections sm reads entries of (state:, --defer, clone, docs). */
const MANIFEST_COLLECTIONS = ['nodes', 'sources', 'macros', 'exposures', 'metrics', 'semantic_models', 'saved_queries', 'unit_tests'] as const;

/** Shape check of a manifest: an object whose collections (`nodes`, `sources`, ... when present) are objects of objects. */
export function manifestProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'is not a manifest: it is not a JSON object';
  for (const k of MANIFEST_COLLECTIONS) {
    const c = v[k];
    if (c === undefined) continue;
    if (!isObject(c)) return `is not a manifest: \`${k}\` is not an object`;
    const bad = Object.keys(c).find((id) => !isObject(c[id]));
    if (bad !== undefined) return `is not a manifest: \`${k}\`.${JSON.stringify(bad)} is not an object`;
  }
  return undefined;
}

/** Shape check of run_results.json: `results` is a list of objects with `unique_id` and `status` strings. */
export function runResultsProblem(v: unknown): string | undefined {
  return resultsProblem(v, 'run_results.json', ['unique_id', 'status']);
}

/** Shape check of sources.json: `results` is a list of objects with a `unique_id` string. */
export function sourcesProblem(v: unknown): string | undefined {
  return resultsProblem(v, 'sources.json', ['unique_id']);
}

function resultsProblem(v: unknown, file: string, keys: readonly string[]): string | undefined {
  if (!isObject(v) || !Array.isArray(v.results)) return `is not a ${file}: it has no \`results\` list`;
  const bad = v.results.findIndex((r) => !isObject(r) || keys.some((k) => typeof r[k] !== 'string'));
  return bad >= 0 ? `is not a ${file}: results[${bad}] lacks a ${keys.map((k) => `\`${k}\``).join(' or ')} string` : undefined;
}

/** Shape check of sm's own state fingerprints: an object of objects. */
export function fingerprintsProblem(v: unknown): string | undefined {
  return isObject(v) && Object.values(v).every(isObject) ? undefined : 'is not an sm state file: expected an object of fingerprints';
}
