import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { diag, SmProjectError } from '../diagnostics.ts';
import type { SelectionState } from '../select/select.ts';
import { fingerprintsProblem, manifestProblem, readArtifact, runResultsProblem, type RunResultsShape } from '../artifacts/read-artifact.ts';
import { exposureChecksum, fingerprintNow, fingerprintOfConfig, semanticChecksum, STATE_FILE, unitTestChecksum, type StateFingerprint } from '../select/state-fingerprint.ts';

/** What `state:` and `result:` selectors compare against: an earlier run's manifest, run results and sm's own fingerprints under `--state`. */
export function readState(dir: string, now: ReadonlyMap<string, StateFingerprint>): SelectionState {
  const mpath = join(dir, 'manifest.json');
  if (!existsSync(mpath)) {
    throw new SmProjectError([diag('SM_STATE_NOT_FOUND', `No manifest.json in --state ${dir}`, undefined, { hint: 'Point --state at the target/ directory of an earlier run (copy it before it is overwritten).' })]);
  }
  type Entry = { checksum?: { checksum?: string }; config?: Record<string, unknown>; unrendered_config?: Record<string, unknown>; given?: unknown; expect?: unknown; overrides?: unknown };
  const m = readArtifact<{ nodes?: Record<string, Entry>; unit_tests?: Record<string, Entry>; exposures?: Record<string, Entry>; semantic_models?: Record<string, Entry>; metrics?: Record<string, Entry>; saved_queries?: Record<string, Entry> }>(mpath, 'manifest.json', manifestProblem);
  const previous = new Map<string, StateFingerprint>();
  for (const [id, n] of Object.entries(m.nodes ?? {})) {
    // dbt's own manifests carry the config as written; comparing that ignores values rendered per target.
    const cfg = n.unrendered_config && Object.keys(n.unrendered_config).length ? n.unrendered_config : n.config;
    previous.set(id, fingerprintOfConfig(n.checksum?.checksum ?? '', cfg));
  }
  for (const [id, u] of Object.entries(m.unit_tests ?? {})) previous.set(id, fingerprintOfConfig(unitTestChecksum(u), u.config));
  // Exposures, semantic models, metrics and saved queries from their entries, as their fingerprints are taken now.
  const parents = (e: Entry) => (e as { depends_on?: { nodes?: string[] } }).depends_on?.nodes ?? [];
  for (const [id, x] of Object.entries(m.exposures ?? {})) previous.set(id, fingerprintOfConfig(exposureChecksum(x as Record<string, unknown>, parents(x)), x.config));
  for (const kind of ['semantic_models', 'metrics', 'saved_queries'] as const) {
    for (const [id, e] of Object.entries(m[kind] ?? {})) previous.set(id, fingerprintOfConfig(semanticChecksum(e as Record<string, unknown>, parents(e)), e.config));
  }
  // sm's own fingerprints, taken before rendering, when the earlier run was sm's.
  const spath = join(dir, STATE_FILE);
  const own = existsSync(spath) ? readArtifact<Record<string, StateFingerprint>>(spath, 'state fingerprints', fingerprintsProblem) : undefined;
  if (own) for (const [id, f] of Object.entries(own)) previous.set(id, f);
  const rpath = join(dir, 'run_results.json');
  let results: Map<string, string> | undefined;
  if (existsSync(rpath)) {
    const r = readArtifact<RunResultsShape>(rpath, 'run_results.json', runResultsProblem);
    results = new Map(r.results.map((x) => [x.unique_id, x.status]));
  }
  return { previous, results, fingerprint: (n) => (own && now.get(n.uniqueId)) || fingerprintNow(n) };
}
