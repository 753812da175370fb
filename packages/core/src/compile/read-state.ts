import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { diag, SmProjectError } from '../diagnostics.ts';
import type { FreshnessComparison, SelectionState } from '../select/select.ts';
import { fingerprintsProblem, manifestProblem, readArtifact, runResultsProblem, sourcesProblem, type RunResultsShape, type SourcesShape } from '../artifacts/read-artifact.ts';
import { descriptionPrints, exposureChecksum, fingerprintNow, fingerprintOfConfig, semanticChecksum, STATE_FILE, unitTestChecksum, type StateFingerprint } from '../select/state-fingerprint.ts';
import type { GraphNode } from '../types.ts';
import { macrosModifiedCheck, type MacroNow } from '../select/modified-macros.ts';
import { unrenderedConfigOf } from '../project/node-entry-parts.ts';

/**
 * What `state:`, `result:` and `source_status:` selectors compare against: an earlier run's
 * manifest, run results, freshness results and sm's own fingerprints under `--state`, and the
 * freshness results in the target (`targetDir`). Each file is read when a selector first asks for
 * it, as dbt needs only what the selection uses: `--state` without a manifest is no error until
 * `state:` asks for one.
 */
export function readState(
  dir: string,
  targetDir: string,
  now: () => ReadonlyMap<string, StateFingerprint>,
  /** The whole node for one selection passes (a warm start's selection nodes hold only the index's fields, not a checksum or a unit test's fixtures). */
  whole: (n: GraphNode) => GraphNode = (n) => n,
  /** The macros compiled now, and the packages (the project's and those installed) whose macros are compared. */
  macrosNow: () => { macros: readonly MacroNow[]; packages: ReadonlySet<string> } = () => ({ macros: [], packages: new Set() }),
): SelectionState {
  let previous: { fingerprints: Map<string, StateFingerprint>; own: boolean; dbt: boolean; macros: Map<string, string> } | undefined;
  let macrosChanged: ((calls: readonly string[]) => boolean) | undefined;
  const earlier = () => (previous ??= readManifest(dir));
  let results: { map: Map<string, string> | undefined } | undefined;
  let sources: FreshnessComparison | undefined;
  let nowPrints: ReadonlyMap<string, StateFingerprint> | undefined;
  return {
    get previous() {
      return earlier().fingerprints;
    },
    get results() {
      results ??= { map: readResults(join(dir, 'run_results.json')) };
      return results.map;
    },
    get sources() {
      return (sources ??= { previous: readFreshness(join(dir, 'sources.json')), current: readFreshness(join(targetDir, 'sources.json')) });
    },
    macrosModified: (n: GraphNode) => (macrosChanged ??= macrosModifiedCheck(earlier().macros, macrosNow))(whole(n).dependsOn?.macros ?? []),
    fingerprint: (n: GraphNode) => {
      const e = earlier();
      if (e.own) return (nowPrints ??= now()).get(n.uniqueId) || fingerprintNow(whole(n));
      // Against dbt's manifest, whose unrendered_config is compared where it has one: the node's, as dbt would write it.
      return e.dbt ? fingerprintAsDbt(whole(n)) : fingerprintNow(whole(n));
    },
  };
}

/** A node's fingerprint with the config dbt 1.11 would write as its unrendered_config (Jinja kept, keys replaced layer by layer), where that holds anything. */
function fingerprintAsDbt(n: GraphNode): StateFingerprint {
  if (!UNRENDERED.has(n.resourceType)) return fingerprintNow(n);
  const unrendered = unrenderedConfigOf(n);
  return Object.keys(unrendered).length ? fingerprintNow({ ...n, config: unrendered } as GraphNode) : fingerprintNow(n);
}

/** The nodes a dbt manifest lists under `nodes` (whose unrendered_config the earlier fingerprints read). */
const UNRENDERED = new Set<string>(['model', 'seed', 'snapshot', 'test', 'analysis']);

function readManifest(dir: string): { fingerprints: Map<string, StateFingerprint>; own: boolean; dbt: boolean; macros: Map<string, string> } {
  const mpath = join(dir, 'manifest.json');
  if (!existsSync(mpath)) {
    throw new SmProjectError([diag('SM_STATE_NOT_FOUND', `No manifest.json in --state ${dir}`, undefined, { hint: 'Point --state at the target/ directory of an earlier run (copy it before it is overwritten).' })]);
  }
  type Entry = { description?: unknown; columns?: Record<string, { description?: unknown }>; checksum?: { checksum?: string }; config?: Record<string, unknown>; unrendered_config?: Record<string, unknown>; given?: unknown; expect?: unknown; overrides?: unknown };
  const m = readArtifact<{ metadata?: { dbt_version?: unknown }; macros?: Record<string, { macro_sql?: unknown }>; nodes?: Record<string, Entry>; unit_tests?: Record<string, Entry>; exposures?: Record<string, Entry>; semantic_models?: Record<string, Entry>; metrics?: Record<string, Entry>; saved_queries?: Record<string, Entry>; sources?: Record<string, Entry> }>(mpath, 'manifest.json', manifestProblem);
  const previous = new Map<string, StateFingerprint>();
  // sm's manifest (its dbt_version `sm-<version>`) is compared by its config, as sm's fingerprints are taken.
  const ours = String(m.metadata?.dbt_version ?? '').startsWith('sm-');
  for (const [id, n] of Object.entries(m.nodes ?? {})) {
    // dbt's own manifests carry the config as written; comparing that ignores values rendered per target.
    const cfg = !ours && n.unrendered_config && Object.keys(n.unrendered_config).length ? n.unrendered_config : n.config;
    // Descriptions as the manifest wrote them, rendered (which of them the earlier node persisted is not compared).
    previous.set(id, { ...fingerprintOfConfig(n.checksum?.checksum ?? '', cfg), ...descriptionPrints(n, undefined) });
  }
  for (const [id, u] of Object.entries(m.unit_tests ?? {})) previous.set(id, fingerprintOfConfig(unitTestChecksum(u), u.config));
  // A source only by being there (state: compares no source's definition).
  for (const id of Object.keys(m.sources ?? {})) previous.set(id, fingerprintOfConfig('', {}));
  // Exposures, semantic models, metrics and saved queries from their entries, as their fingerprints are taken now.
  const parents = (e: Entry) => (e as { depends_on?: { nodes?: string[] } }).depends_on?.nodes ?? [];
  for (const [id, x] of Object.entries(m.exposures ?? {})) previous.set(id, fingerprintOfConfig(exposureChecksum(x as Record<string, unknown>, parents(x)), x.config));
  for (const kind of ['semantic_models', 'metrics', 'saved_queries'] as const) {
    for (const [id, e] of Object.entries(m[kind] ?? {})) previous.set(id, fingerprintOfConfig(semanticChecksum(e as Record<string, unknown>, parents(e)), e.config));
  }
  // sm's own fingerprints, taken before rendering, when the earlier run was sm's.
  const spath = join(dir, STATE_FILE);
  const own = existsSync(spath) ? readArtifact<Record<string, StateFingerprint>>(spath, 'state fingerprints', fingerprintsProblem) : undefined;
  // Only for what the manifest lists: a node disabled then is in neither, so it is new now, as in dbt.
  // An earlier sm's file without descriptions leaves the manifest's.
  if (own) for (const [id, f] of Object.entries(own)) if (previous.has(id)) previous.set(id, { ...previous.get(id)!, ...f });
  const macros = new Map<string, string>();
  for (const [id, x] of Object.entries(m.macros ?? {})) if (typeof x?.macro_sql === 'string') macros.set(id, x.macro_sql);
  return { fingerprints: previous, own: !!own, dbt: !ours, macros };
}

function readResults(path: string): Map<string, string> | undefined {
  if (!existsSync(path)) return undefined;
  const r = readArtifact<RunResultsShape>(path, 'run_results.json', runResultsProblem);
  return new Map(r.results.map((x) => [x.unique_id, x.status]));
}

/**
 * A sources.json's `max_loaded_at` by source, undefined when there is no such file. A result
 * without one (a runtime error, which dbt 1.11 and sm leave out of the file but earlier versions
 * of both wrote) is not listed: dbt reads it as a SourceFreshnessRuntimeError, which has none.
 * Times may be written either way (`...+00:00` as dbt's, `....000Z` as earlier sm's): select.ts reads both.
 */
function readFreshness(path: string): ReadonlyMap<string, string> | undefined {
  if (!existsSync(path)) return undefined;
  const s = readArtifact<SourcesShape>(path, 'sources.json', sourcesProblem);
  const out = new Map<string, string>();
  for (const r of s.results) if (typeof r.max_loaded_at === 'string') out.set(r.unique_id, r.max_loaded_at);
  return out;
}
