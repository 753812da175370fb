import { hash } from 'node:crypto';
import { truthy } from '../jinja/py-values.ts';
import { DEFAULT_CONFIG_TEXTS, settledStoreFailures } from '../project/node-config-shape.ts';
import type { GraphNode } from '../types.ts';

/**
 * Config keys that do not make a node `state:modified.configs`, as in dbt: where a relation
 * lives (compared by `modified.relation`) and labels that change nothing built.
 */
const NOT_COMPARED = new Set(['tags', 'alias', 'schema', 'database', 'group', 'meta', 'docs', 'description']);
/** In sorted order. */
const RELATION_KEYS = ['alias', 'database', 'schema'] as const;

/**
 * What `state:` compares for one node: raw template checksum, config and relation config, and
 * its descriptions (`modified.persisted_descriptions`): hashes of the description and of the
 * columns' descriptions (absent when there are none), and which of them its `persist_docs` writes
 * to the warehouse (`relation`, `columns`, both comma-joined, absent for neither).
 */
export interface StateFingerprint {
  checksum: string;
  configHash: string;
  relationHash: string;
  docs?: string;
  columnDocs?: string;
  persists?: string;
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

/** A node's descriptions, as a manifest entry or a node gives them. */
export interface Descriptions {
  description?: unknown;
  columns?: Readonly<Record<string, { description?: unknown }>> | undefined;
}

/**
 * The description part of a fingerprint. `persistDocs` is the node's rendered `persist_docs`,
 * read as dbt reads it (a mapping whose `relation` or `columns` is truthy).
 */
export function descriptionPrints(d: Descriptions, persistDocs: unknown): Pick<StateFingerprint, 'docs' | 'columnDocs' | 'persists'> {
  const out: Pick<StateFingerprint, 'docs' | 'columnDocs' | 'persists'> = {};
  const text = typeof d.description === 'string' ? d.description : '';
  if (text) out.docs = hash('sha256', text);
  // Every column listed, described or not, as dbt compares them.
  const cols = Object.entries(d.columns ?? {});
  if (cols.length) out.columnDocs = hash('sha256', sortedJson(Object.fromEntries(cols.map(([k, c]) => [k, typeof c?.description === 'string' ? c.description : ''])))!);
  const p = persistDocs && typeof persistDocs === 'object' && !Array.isArray(persistDocs) ? (persistDocs as Record<string, unknown>) : {};
  const persists = [truthy(p.relation) && 'relation', truthy(p.columns) && 'columns'].filter(Boolean).join(',');
  if (persists) out.persists = persists;
  return out;
}

/**
 * Whether a node's persisted descriptions differ from an earlier fingerprint's, as dbt's
 * `same_persisted_description`: only what the node persists now is compared (a change of what it
 * persists is a change of config).
 */
export function persistedDescriptionsDiffer(prev: StateFingerprint, now: StateFingerprint): boolean {
  const kinds = (now.persists ?? '').split(',');
  return (kinds.includes('relation') && prev.docs !== now.docs) || (kinds.includes('columns') && prev.columnDocs !== now.columnDocs);
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

/**
 * Fingerprint of a node as compiled now. `configCall`: what its template's config() calls set, over
 * the config as loaded, as dbt compares a node's unrendered_config (a project-file setting that a
 * config() call overrides changes nothing; dbt-core 1.11.16 recorded on fivetran dbt_jira).
 */
export function fingerprintNow(n: GraphNode, hashed?: Hashed, configCall?: Readonly<Record<string, unknown>>): StateFingerprint {
  const checksum =
    n.resourceType === 'unit_test' ? unitTestChecksum(n)
    : n.resourceType === 'exposure' ? exposureChecksum({ type: n.exposureType, owner: n.owner, label: n.label, maturity: n.maturity, url: n.url, description: n.description }, n.dependsOn.nodes)
    : n.resourceType === 'semantic_model' || n.resourceType === 'metric' || n.resourceType === 'saved_query' ? semanticChecksum(n.entry, n.dependsOn.nodes)
    : 'checksum' in n ? String(n.checksum) : '';
  const config = configCall ? { ...n.config, ...configCall } : n.config;
  const prints = fingerprintOfConfig(checksum, config, hashed);
  return PERSISTED.has(n.resourceType) ? { ...prints, ...descriptionPrints(n, config.persist_docs) } : prints;
}

/** The nodes dbt compares persisted descriptions of (its parsed nodes); others have their descriptions in their checksums. */
export const PERSISTED: ReadonlySet<string> = new Set(['model', 'seed', 'snapshot', 'analysis', 'test']);

/**
 * Fingerprints of every node from the project as loaded: the raw template's checksum plus the
 * config written in the project file and YAML, under what its config() calls set (rendered, as
 * dbt's unrendered_config holds them); nothing else rendered (values that differ per target) enters.
 */
export function loadedFingerprints(
  project: { models: GraphNode[]; seeds: GraphNode[]; tests: GraphNode[]; unitTests: GraphNode[]; exposures?: GraphNode[]; semantic?: GraphNode[] },
  /** What each node's config() calls set, once rendered. */
  configCallOf: (id: string) => Readonly<Record<string, unknown>> | undefined = () => undefined,
): Map<string, StateFingerprint> {
  const out = new Map<string, StateFingerprint>();
  const hashed: Hashed = new Map();
  for (const nodes of [project.models, project.seeds, project.tests, project.unitTests, project.exposures ?? [], project.semantic ?? []]) for (const n of nodes) out.set(n.uniqueId, fingerprintNow(n, hashed, configCallOf(n.uniqueId)));
  return out;
}

/** File beside manifest.json that keeps {@link loadedFingerprints} for a later `--state`. */
export const STATE_FILE = 'sm-state.json';
