import type { ColumnInfo, GraphNode, ModelNode } from '../types.ts';
import { contractChecksum, contractEnforced } from './constraints.ts';
import { dbtFileText } from './file-text.ts';

/**
 * A node's `raw_code` as dbt gives it: the file's text stripped, and for a generic test the call
 * dbt renders (`{{ dbt_utils.test_equality(**_dbt_generic_test_kwargs) }}`).
 */
export function rawCodeOf(n: { rawCode: string; pythonCode?: string | undefined; bodyStart?: number | undefined; resourceType: string; testMetadata?: { name: string; namespace?: string | null | undefined } | undefined; rawCodeConfig?: string | undefined }): string {
  if (n.pythonCode !== undefined) return dbtFileText(n.pythonCode);
  if (n.resourceType === 'test' && n.testMetadata) {
    const ns = n.testMetadata.namespace ? `${n.testMetadata.namespace}.` : '';
    return `{{ ${ns}test_${n.testMetadata.name}(**_dbt_generic_test_kwargs) }}${n.rawCodeConfig ?? ''}`;
  }
  // A snapshot block's body is dbt's raw_code as written.
  return n.resourceType === 'snapshot' ? n.rawCode.slice(n.bodyStart ?? 0) : dbtFileText(n.rawCode);
}

/** A node's `checksum` as dbt gives it: none for a generic test (its arguments are in its name), else sha256 of the file's stripped text. */
/** A YAML column as dbt's manifest (and `graph`) lists it, in dbt 1.11's key order. */
export function columnShape(name: string, col?: ColumnInfo): Record<string, unknown> {
  return {
    name,
    description: col?.description ?? '',
    meta: col?.meta ?? {},
    data_type: col?.dataType ?? null,
    constraints: col?.constraints ?? [],
    quote: col?.quote ?? null,
    config: { meta: col?.meta ?? {}, tags: col?.tags ?? [] },
    tags: col?.tags ?? [],
    granularity: col?.granularity ?? null,
    doc_blocks: col?.docBlocks ?? [],
    ...col?.extra,
  };
}

export function checksumOf(n: { resourceType: string; checksum: string; testMetadata?: unknown }): { name: string; checksum: string } {
  return n.resourceType === 'test' && n.testMetadata ? { name: 'none', checksum: '' } : { name: 'sha256', checksum: n.checksum };
}

/** A model's `contract` as dbt gives it, from its config (with dbt's checksum of the contract when enforced). */
export function contractOf(n: GraphNode): { enforced: boolean; alias_types: true; checksum: string | null } {
  const enforced = n.resourceType === 'model' && contractEnforced(n);
  return { enforced, alias_types: true, checksum: enforced ? contractChecksum(n as ModelNode) : null };
}

/** A model's version as dbt gives it: a number when it is one (`v: 2`), else the text. */
export function versionValue(v: string | undefined): string | number | null {
  return v === undefined ? null : /^\d+$/.test(v) ? Number(v) : v;
}

/**
 * A node's `config` as dbt 1.11 writes it in the manifest and hands it to templates in `graph`:
 * every key of the resource type's config class, in dbt's order, with dbt's default where the
 * project did not set it, then the keys dbt does not know (adapter settings such as
 * `snowflake_warehouse`) as set. Tools that read `config.on_schema_change` or
 * `config.contract.enforced` without a default of their own (dbt_project_evaluator, dbt-docs)
 * find them. Recorded from `dbt parse` (dbt-core 1.11.16) of a model, seed, snapshot, generic
 * test and unit test.
 */

const DOCS = { show: true, node_color: null };
const CONTRACT = { enforced: false, alias_types: true };
const SNAPSHOT_META = { dbt_valid_to: null, dbt_valid_from: null, dbt_scd_id: null, dbt_updated_at: null, dbt_is_deleted: null };

/** Keys whose value is a mapping dbt fills in key by key: what the project sets is laid over the default. */
const NESTED: Record<string, Record<string, unknown>> = { docs: DOCS, contract: CONTRACT, snapshot_meta_column_names: SNAPSHOT_META };

const HEAD = { enabled: true, alias: null, schema: null, database: null, tags: [], meta: {}, group: null, static_analysis: null };

/** Model, seed and snapshot (dbt's NodeConfig), after `materialized`. */
const NODE = {
  incremental_strategy: null,
  batch_size: null,
  lookback: 1,
  begin: null,
  persist_docs: {},
  'post-hook': [],
  'pre-hook': [],
  quoting: {},
  column_types: {},
  full_refresh: null,
  unique_key: null,
  on_schema_change: 'ignore',
  on_configuration_change: 'apply',
  grants: {},
  packages: [],
  docs: DOCS,
  contract: CONTRACT,
  event_time: null,
  concurrent_batches: null,
};

const DEFAULTS: Record<string, Readonly<Record<string, unknown>>> = {
  model: { ...HEAD, materialized: 'view', ...NODE, access: 'protected', freshness: null },
  /** A project hook's node (dbt's HookNode): a model's config without access and freshness. */
  operation: { ...HEAD, materialized: 'view', ...NODE },
  /** An analysis: the same as a hook's. */
  analysis: { ...HEAD, materialized: 'view', ...NODE },
  seed: { ...HEAD, materialized: 'seed', ...NODE, delimiter: ',', quote_columns: null },
  snapshot: {
    ...HEAD,
    materialized: 'snapshot',
    ...NODE,
    strategy: null,
    target_schema: null,
    target_database: null,
    updated_at: null,
    check_cols: null,
    snapshot_meta_column_names: SNAPSHOT_META,
    dbt_valid_to_current: null,
  },
  test: {
    ...HEAD,
    schema: 'dbt_test__audit',
    materialized: 'test',
    severity: 'ERROR',
    store_failures: null,
    store_failures_as: null,
    where: null,
    limit: null,
    fail_calc: 'count(*)',
    warn_if: '!= 0',
    error_if: '!= 0',
  },
  unit_test: { tags: [], meta: {}, enabled: true, static_analysis: null },
};

/**
 * `config` (a node's, as sm keeps it) in dbt's shape for its resource type; a type without
 * defaults here (a source: see `sourceConfigShape`) comes back as it is, enabled.
 */
export function dbtConfigShape(resourceType: string, config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const defaults = DEFAULTS[resourceType];
  if (!defaults) return { enabled: true, ...config };
  const out: Record<string, unknown> = { ...defaults };
  for (const k in config) {
    const v = config[k];
    if (v === undefined) continue;
    const nested = NESTED[k];
    if (nested && v && typeof v === 'object' && !Array.isArray(v)) out[k] = { ...nested, ...(v as object) };
    else out[k] = v;
  }
  if (resourceType === 'test') Object.assign(out, settledStoreFailures(out));
  return out;
}

/**
 * A test's `store_failures` and `store_failures_as` as dbt's TestConfig.finalize_and_validate
 * settles them: `store_failures_as` decides `store_failures` (ephemeral false, anything else
 * true); unset, it follows `store_failures` (true table, false ephemeral, unset unset).
 */
export function settledStoreFailures(config: Readonly<Record<string, unknown>>): { store_failures: unknown; store_failures_as: unknown } {
  const as = config.store_failures_as ?? null;
  const store = config.store_failures ?? null;
  if (as !== null) return { store_failures: as !== 'ephemeral', store_failures_as: as };
  return { store_failures: store, store_failures_as: store === true ? 'table' : store === false ? 'ephemeral' : null };
}

/**
 * JSON texts (keys sorted) of the values {@link dbtConfigShape} fills in that sm's own config
 * leaves out, so that `state:modified.configs` finds a manifest written with them and a node
 * loaded without them the same.
 */
export const DEFAULT_CONFIG_TEXTS: ReadonlyMap<string, ReadonlySet<string>> = new Map<string, ReadonlySet<string>>([
  ['lookback', new Set(['1'])],
  ['persist_docs', new Set(['{}'])],
  ['post-hook', new Set(['[]'])],
  ['pre-hook', new Set(['[]'])],
  ['quoting', new Set(['{}'])],
  ['column_types', new Set(['{}'])],
  ['on_schema_change', new Set(['"ignore"'])],
  ['on_configuration_change', new Set(['"apply"'])],
  ['grants', new Set(['{}'])],
  ['packages', new Set(['[]'])],
  ['contract', new Set(['{"alias_types":true,"enforced":false}'])],
  ['access', new Set(['"protected"'])],
  ['delimiter', new Set(['","'])],
  ['snapshot_meta_column_names', new Set(['{"dbt_is_deleted":null,"dbt_scd_id":null,"dbt_updated_at":null,"dbt_valid_from":null,"dbt_valid_to":null}'])],
  ['schema', new Set(['"dbt_test__audit"'])],
  ['severity', new Set(['"ERROR"'])],
  ['fail_calc', new Set(['"count(*)"'])],
  ['warn_if', new Set(['"!= 0"'])],
  ['error_if', new Set(['"!= 0"'])],
]);
