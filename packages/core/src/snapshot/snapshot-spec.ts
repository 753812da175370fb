import { diag, type Diagnostic } from '../diagnostics.ts';
import type { GraphNode, ModelNode } from '../types.ts';

export type HardDeletes = 'ignore' | 'invalidate' | 'new_record';

/** The meta columns a snapshot writes, named as dbt names them unless `snapshot_meta_column_names` says otherwise. */
export interface SnapshotColumnNames {
  valid_from: string;
  valid_to: string;
  scd_id: string;
  updated_at: string;
  is_deleted: string;
}

/** A snapshot's config, checked and normalised. */
export interface SnapshotSpec {
  uniqueKey: string[];
  strategy: 'timestamp' | 'check';
  /** Timestamp strategy: the source column that says when a row last changed. */
  updatedAt?: string | undefined;
  /** Check strategy: the columns compared, or every source column. */
  checkCols: string[] | 'all';
  hardDeletes: HardDeletes;
  names: SnapshotColumnNames;
  /** SQL for dbt_valid_to of current rows (`dbt_valid_to_current`); default null. */
  validToCurrent?: string | undefined;
}

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map((x) => String(x).trim()).filter(Boolean) : typeof v === 'string' && v.trim() ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];

/** Read a snapshot's config; a string is the error, naming the snapshot, the key and the fix. */
export function snapshotSpec(node: ModelNode): SnapshotSpec | string {
  const c = node.config;
  const where = `Snapshot ${node.name} (${node.originalFilePath})`;
  const uniqueKey = list(c.unique_key);
  if (!uniqueKey.length) return `${where}: config unique_key is required: the column (or list of columns) that identifies a row of the source.`;
  const strategy = c.strategy;
  if (strategy !== 'timestamp' && strategy !== 'check') {
    return `${where}: strategy must be 'timestamp' (with updated_at) or 'check' (with check_cols), not ${strategy === undefined ? 'missing' : `"${String(strategy)}"`}.`;
  }
  const updatedAt = typeof c.updated_at === 'string' && c.updated_at.trim() ? c.updated_at.trim() : undefined;
  if (strategy === 'timestamp' && !updatedAt) return `${where}: the timestamp strategy needs updated_at: the column that says when a source row last changed.`;
  let checkCols: string[] | 'all' = [];
  if (strategy === 'check') {
    checkCols = c.check_cols === 'all' ? 'all' : list(c.check_cols);
    if (checkCols !== 'all' && !checkCols.length) return `${where}: the check strategy needs check_cols: a list of columns to compare, or 'all'.`;
  }
  let hardDeletes: HardDeletes = 'ignore';
  if (c.hard_deletes !== undefined) {
    if (c.hard_deletes !== 'ignore' && c.hard_deletes !== 'invalidate' && c.hard_deletes !== 'new_record') {
      return `${where}: hard_deletes must be ignore, invalidate or new_record, not "${String(c.hard_deletes)}".`;
    }
    hardDeletes = c.hard_deletes;
  } else if (c.invalidate_hard_deletes === true) hardDeletes = 'invalidate';
  const meta = (typeof c.snapshot_meta_column_names === 'object' && c.snapshot_meta_column_names !== null ? c.snapshot_meta_column_names : {}) as Record<string, unknown>;
  const name = (k: keyof SnapshotColumnNames) => (typeof meta[`dbt_${k}`] === 'string' && (meta[`dbt_${k}`] as string).trim() ? (meta[`dbt_${k}`] as string).trim() : `dbt_${k}`);
  const unknown = Object.keys(meta).filter((k) => !['dbt_valid_from', 'dbt_valid_to', 'dbt_scd_id', 'dbt_updated_at', 'dbt_is_deleted'].includes(k));
  if (unknown.length) return `${where}: snapshot_meta_column_names knows dbt_valid_from, dbt_valid_to, dbt_scd_id, dbt_updated_at and dbt_is_deleted, not ${unknown.join(', ')}.`;
  const names: SnapshotColumnNames = { valid_from: name('valid_from'), valid_to: name('valid_to'), scd_id: name('scd_id'), updated_at: name('updated_at'), is_deleted: name('is_deleted') };
  const vtc = c.dbt_valid_to_current;
  return {
    uniqueKey,
    strategy,
    updatedAt,
    checkCols,
    hardDeletes,
    names,
    validToCurrent: typeof vtc === 'string' && vtc.trim() ? vtc.trim() : undefined,
  };
}

/**
 * dbt 1.11's check of every snapshot's config when the project is parsed (SnapshotConfig
 * final_validate, in dbt's words), so a missing strategy, unique_key, updated_at or check_cols
 * is a project error before anything runs (exit 2), not a failure of that snapshot. A strategy
 * other than timestamp or check is a custom one here, as in dbt.
 */
export function snapshotConfigDiagnostics(nodes: ReadonlyMap<string, GraphNode>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const hint = "Set it in the snapshot's config() block, its YAML or dbt_project.yml's snapshots: (strategy='timestamp' with updated_at='<column>', or strategy='check' with check_cols=[...] or 'all'; unique_key='<column>').";
  for (const n of nodes.values()) {
    if (n.resourceType !== 'snapshot') continue;
    const c = n.config;
    const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length);
    let why: string | undefined;
    if (empty(c.strategy) || empty(c.unique_key)) why = "Snapshots must be configured with a 'strategy' and 'unique_key'.";
    else if (c.strategy === 'check' && empty(c.check_cols)) why = 'A snapshot configured with the check strategy must specify a check_cols configuration.';
    else if (c.strategy === 'check' && typeof c.check_cols === 'string' && c.check_cols !== 'all') why = `Invalid value for 'check_cols': ${c.check_cols}. Expected 'all' or a list of strings.`;
    else if (c.strategy === 'timestamp' && empty(c.updated_at)) why = 'A snapshot configured with the timestamp strategy must specify an updated_at configuration.';
    else if (c.strategy === 'timestamp' && !empty(c.check_cols)) why = "A 'timestamp' snapshot should not have 'check_cols'";
    else if (typeof c.materialized === 'string' && c.materialized !== 'snapshot') why = "A snapshot must have a materialized value of 'snapshot'";
    if (why) out.push(diag('SM_CONFIG_INVALID', `Snapshot ${n.name}: ${why}`, { file: ('patchPath' in n && n.patchPath) || n.originalFilePath }, { nodeId: n.uniqueId, hint }));
  }
  return out;
}
