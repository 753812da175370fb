import { hash } from 'node:crypto';
import { DEFAULT_CONFIG_TEXTS, settledStoreFailures } from '../project/node-config-shape.ts';
import type { GraphNode } from '../types.ts';

/**
 * Config keys that do not make a node `state:modified.configs`, as in dbt: where a relation
 * lives (compared by `modified.relation`) and labels that change nothing built.
 */
const NOT_COMPARED = new Set(['tags', 'alias', 'schema', 'database', 'group', 'meta', 'docs', 'description']);
/** In sorted order. */
const RELATION_KEYS = ['alias', 'database', 'schema'] as const;

/** What `state:` compares for one node: raw template checksum, config and relation config. */
export interface StateFingerprint {
  checksum: string;
  configHash: string;
  relationHash: string;
}

/**
 * JSON with every object's keys sorted, written directly: equal to `JSON.stringify` of a copy
 * made with sorted keys (which lists array-index keys first; undefined, functions and symbols
 * left out of objects and null in arrays), without making that copy: fingerprints are taken of
 * every node of every compile, and must equal those earlier sm-state.json files hold.
 */
function sortedJson(x: unknown): string | undefined {
  if (Array.isArray(x)) {
    let out = '[';
    for (let i = 0; i < x.length; i++) out += `${i ? ',' : ''}${sortedJson(x[i]) ?? 'null'}`;
    return `${out}]`;
  }
  if (x && typeof x === 'object') {
    let out = '{';
    for (const k of sortedKeys(x)) {
      const v = sortedJson((x as Record<string, unknown>)[k]);
      if (v !== undefined) out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${v}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(x);
}

/** Keys in the order an object made from them sorted would list them: array-index keys first, by number. */
function sortedKeys(x: object): string[] {
  const keys = Object.keys(x).sort();
  if (!keys.some(isIndex)) return keys;
  return [...keys.filter(isIndex).sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isIndex(k))];
}

const isIndex = (k: string) => /^(?:0|[1-9]\d*)$/.test(k) && Number(k) < 4294967295;

function stableHash(v: unknown): string {
  return hash('sha256', sortedJson(v ?? {})!);
}

/** The texts already hashed in one pass over a project: most nodes share one of a few configs. */
type Hashed = Map<string, string>;

function hashOnce(text: string, hashed: Hashed | undefined): string {
  let h = hashed?.get(text);
  if (h === undefined) {
    h = hash('sha256', text);
    hashed?.set(text, h);
  }
  return h;
}

/**
 * {@link sortedJson} of the config without what `state:modified.configs` ignores, written without
 * making that copy. A value equal to dbt's default counts as unset (a manifest writes every
 * default, a node as loaded only what the project sets), and a severity in any case as upper.
 */
function comparedJson(cfg: Record<string, unknown>): string {
  let out = '{';
  for (const k of sortedKeys(cfg)) {
    const v = cfg[k];
    // A seed's, snapshot's or test's own materialization is no config a manifest's unrendered_config holds.
    if (v === null || v === undefined || NOT_COMPARED.has(k) || (k === 'enabled' && v === true) || (k === 'materialized' && (v === 'seed' || v === 'snapshot' || v === 'test'))) continue;
    const text = k === 'severity' && typeof v === 'string' ? JSON.stringify(v.toUpperCase()) : sortedJson(v);
    if (text !== undefined && !DEFAULT_CONFIG_TEXTS.get(k)?.has(text)) out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${text}`;
  }
  return `${out}}`;
}

/**
 * {@link sortedJson} of the relation keys, absent ones null: `{"alias":…,"database":…,"schema":…}`.
 * A default (a test's schema, which a manifest writes and a test as loaded leaves unset) is unset.
 */
function relationJson(cfg: Record<string, unknown>): string {
  let out = '{';
  for (const k of RELATION_KEYS) {
    const v = sortedJson(cfg[k] ?? null);
    const text = v !== undefined && DEFAULT_CONFIG_TEXTS.get(k)?.has(v) ? 'null' : v;
    if (text !== undefined) out += `${out.length > 1 ? ',' : ''}"${k}":${text}`;
  }
  return `${out}}`;
}

/**
 * Fingerprint of a manifest entry's `config` (or non-empty `unrendered_config`, which dbt writes).
 * A test's store_failures settings count as settled, as a manifest's config writes them.
 */
export function fingerprintOfConfig(checksum: string, config: Record<string, unknown> | undefined, hashed?: Hashed): StateFingerprint {
  const given = config ?? {};
  const cfg = (given.store_failures ?? given.store_failures_as ?? null) === null ? given : { ...given, ...settledStoreFailures(given) };
  return { checksum, configHash: hashOnce(comparedJson(cfg), hashed), relationHash: hashOnce(relationJson(cfg), hashed) };
}

/**
 * A unit test's checksum: its inputs, expectations and overrides, each fixture's `format` and
 * `fixture` as a manifest writes them (dbt's `dict` and null when unset), so a unit test loaded
 * now and its entry in dbt's manifest hash alike.
 */
export function unitTestChecksum(u: { given?: unknown; expect?: unknown; overrides?: unknown }): string {
  const fixture = (f: unknown) => {
    if (!f || typeof f !== 'object' || Array.isArray(f)) return f;
    const x = f as { format?: unknown; fixture?: unknown };
    return { ...x, format: x.format ?? 'dict', fixture: x.fixture ?? null };
  };
  const given = Array.isArray(u.given) ? u.given.map(fixture) : (u.given ?? []);
  return stableHash([given, u.expect === undefined ? {} : fixture(u.expect), u.overrides ?? null]);
}

/** An exposure's checksum, from what its manifest entry says of it (so a dbt manifest under --state compares too). */
export function exposureChecksum(x: { type?: unknown; owner?: unknown; label?: unknown; maturity?: unknown; url?: unknown; description?: unknown }, parents: readonly string[]): string {
  return stableHash([x.type, x.owner, x.label ?? null, x.maturity ?? null, x.url ?? null, x.description ?? '', parents]);
}

/**
 * A semantic model's, metric's or saved query's checksum: its manifest entry but for what
 * compiling or the clock decides (node_relation, created_at, an export's database), and its
 * parents; the same from a node and from its entry in a manifest, sm's or dbt's.
 */
export function semanticChecksum(entry: Readonly<Record<string, unknown>>, parents: readonly string[]): string {
  const { created_at: _c, node_relation: _r, depends_on: _d, ...rest } = entry;
  const exports = Array.isArray(rest.exports) ? rest.exports.map((x: Record<string, unknown>) => ({ ...x, config: { ...(x.config as object), database: null } })) : rest.exports;
  return stableHash([{ ...rest, ...(exports === undefined ? {} : { exports }) }, parents]);
}

/** Fingerprint of a node as compiled now. */
export function fingerprintNow(n: GraphNode, hashed?: Hashed): StateFingerprint {
  const checksum =
    n.resourceType === 'unit_test' ? unitTestChecksum(n)
    : n.resourceType === 'exposure' ? exposureChecksum({ type: n.exposureType, owner: n.owner, label: n.label, maturity: n.maturity, url: n.url, description: n.description }, n.dependsOn.nodes)
    : n.resourceType === 'semantic_model' || n.resourceType === 'metric' || n.resourceType === 'saved_query' ? semanticChecksum(n.entry, n.dependsOn.nodes)
    : 'checksum' in n ? String(n.checksum) : '';
  return fingerprintOfConfig(checksum, n.config, hashed);
}

/**
 * Fingerprints of every node from the project as loaded, before rendering: the raw template's
 * checksum plus the config written in the project file and YAML. A `config()` call is part of
 * the raw template, so nothing rendered (values that differ per target) enters the comparison.
 */
export function loadedFingerprints(project: { models: GraphNode[]; seeds: GraphNode[]; tests: GraphNode[]; unitTests: GraphNode[]; exposures?: GraphNode[]; semantic?: GraphNode[] }): Map<string, StateFingerprint> {
  const out = new Map<string, StateFingerprint>();
  const hashed: Hashed = new Map();
  for (const nodes of [project.models, project.seeds, project.tests, project.unitTests, project.exposures ?? [], project.semantic ?? []]) for (const n of nodes) out.set(n.uniqueId, fingerprintNow(n, hashed));
  return out;
}

/** File beside manifest.json that keeps {@link loadedFingerprints} for a later `--state`. */
export const STATE_FILE = 'sm-state.json';
