/**
 * Pure: how an external (Parquet) model is written. A full build writes every row to a fresh
 * folder that then replaces the old one; a partitioned model with
 * `incremental_strategy: insert_overwrite` whose files exist writes only the partitions its new
 * rows fall in, each replacing its old folder. Either way the model is a view over the files.
 *
 * Config: `location` (folder, relative to the project; default
 * `<target-path>/lake/<schema>/<name>`), `partition_by` (list of columns, hive folders
 * `col=value/`; dbt-duckdb's `options: {partition_by: 'a, b'}` is read too), `incremental_strategy: insert_overwrite`, `full_refresh`.
 *
 * Limits, by design:
 * - DuckDB only: the Dialect must implement `copyToParquet`/`readParquet`; the base dialect (and
 *   so Snowflake) raises an error that says to use table or incremental there.
 * - insert_overwrite replaces whole partitions: the model's incremental SQL must return every
 *   row of each partition it touches (e.g. the whole hour), or the rest of that partition is lost.
 *   Partitions absent from the new rows are never deleted; --full-refresh rewrites everything.
 * - Each file is swapped in by one rename over the old one (run/swap-files.ts): readers in other
 *   processes find every file whole and none missing, but a reader during a full rebuild may
 *   see some partitions new and others old; a crash part-way leaves such a mix until the next
 *   build. Writes themselves never touch the live files.
 * - Without partition_by every run rewrites the single file; a query with no rows cannot be
 *   exposed (no file to read) and is an error.
 * - The view reads the Parquet files below `location` by absolute path (moving the project means
 *   a rebuild), one folder level per `partition_by` column, as dbt-duckdb reads them: after a
 *   change to partition_by, run --full-refresh.
 * - A full build makes the view read the files as one schema (cheap to bind); an incremental
 *   write with other columns (a changed query) makes it read them by name, until the next full build.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { ColumnDef, RelationInfo } from '../adapter.ts';
import type { ModelNode } from '../types.ts';
import { wantsFullRefresh } from './full-refresh.ts';
import { planView, type PlanContext } from './plan.ts';
import type { Plan } from './step.ts';

export interface ExternalPlan {
  /** Absolute folder holding the model's Parquet files. */
  location: string;
  /** A sibling folder the new files are written to before they replace the old ones. */
  staging: string;
  partitionBy: string[];
  /** Only the partitions present in the new rows are replaced. */
  incremental: boolean;
  /** Writes the rows under `staging`. */
  copy: string;
  /**
   * The query's columns (`column_name`, `column_type`), so that the view after a full build
   * reads the partition folders as the types the query gave them; undefined when the dialect
   * cannot describe a query.
   */
  describeCopied: string | undefined;
  /** (Re)creates the view over `location` after a full build: the files of one write share one schema. */
  view(partitionTypes: readonly ColumnDef[]): Plan;
  /** (Re)creates it after an incremental write whose columns differ from the view's: files of several schemas, read by name. */
  mixedView(partitionTypes: readonly ColumnDef[]): Plan;
  /** The columns (`column_name`, `column_type`) the files just written under `staging` hold, partition folders not included. */
  describeStaged: string;
}

/** `partition_by`, or dbt-duckdb's spelling `options: {partition_by: ...}`, so one config serves both. */
export function partitionByOf(node: ModelNode): string[] {
  const options = node.config.options;
  const p = node.config.partition_by ?? (options && typeof options === 'object' ? (options as Record<string, unknown>).partition_by : undefined);
  if (Array.isArray(p)) return p.map((x) => String(x).trim()).filter(Boolean);
  if (typeof p === 'string' && p.trim()) return p.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

/** `location` relative to the project, default `<target-path>/lake/<schema>/<name>`. */
export function externalLocation(node: ModelNode, projectDir: string, targetPath: string): string {
  const loc = node.config.location;
  if (typeof loc === 'string' && loc.trim()) return isAbsolute(loc) ? loc : resolve(projectDir, loc);
  return resolve(projectDir, targetPath, 'lake', node.relation.schema, node.relation.identifier);
}

/** Problems with an external model's config, as a message naming the model and the fix. */
export function externalConfigError(node: ModelNode): string | undefined {
  const where = `${node.name} (${node.originalFilePath})`;
  const s = node.config.incremental_strategy;
  if (s !== undefined && s !== 'insert_overwrite') {
    return `${where}: an external model knows incremental_strategy 'insert_overwrite' (replace the partitions present in the new rows) only, not "${String(s)}".`;
  }
  const parts = partitionByOf(node);
  if (s === 'insert_overwrite' && !parts.length) return `${where}: incremental_strategy 'insert_overwrite' needs partition_by (a list of columns); without partitions every run rewrites all files.`;
  const bad = parts.filter((p) => !/^[A-Za-z_]\w*$/.test(p));
  if (bad.length) return `${where}: partition_by takes column names, not ${bad.map((b) => `"${b}"`).join(', ')}.`;
  const fmt = node.config.format;
  if (fmt !== undefined && fmt !== 'parquet') return `${where}: external models are written as parquet only, not "${String(fmt)}".`;
  return undefined;
}

/** Whether this run writes only new partitions: decided here, once. */
export function isIncrementalExternal(node: ModelNode, existing: RelationInfo | undefined, hasFiles: boolean, ctx: PlanContext): boolean {
  if (node.config.incremental_strategy !== 'insert_overwrite' || !partitionByOf(node).length) return false;
  if (!existing || existing.kind !== 'view' || !hasFiles) return false;
  return !wantsFullRefresh(node, ctx.fullRefresh);
}

export function planExternal(node: ModelNode, sql: string, location: string, existing: RelationInfo | undefined, incremental: boolean, ctx: PlanContext): ExternalPlan {
  const d = ctx.dialect;
  if (!d.copyToParquet || !d.readParquet || !d.describeParquet) throw new Error(`materialized='external' needs a target that writes Parquet (DuckDB); ${d.name} does not.`);
  const partitionBy = partitionByOf(node);
  const staging = `${location}.__sm_tmp`;
  const copy = d.copyToParquet(sql, partitionBy.length ? staging : join(staging, 'data_0.parquet'), partitionBy);
  // One `*` per partition folder level, then the files: dbt-duckdb's read location. Listing
  // `**` instead walks every folder for every file at any depth, ~40% slower for a month of
  // hourly partitions (~1,000 files), and every read of the view lists them.
  const levels = partitionBy.map(() => '*');
  const glob = join(location, ...levels, '*.parquet');
  const viewOver = (mixedSchemas: boolean) => (partitionTypes: readonly ColumnDef[]) => planView(node, d.readParquet!(glob, { mixedSchemas, partitionTypes }), existing, ctx);
  return {
    location,
    staging,
    partitionBy,
    incremental,
    copy,
    describeCopied: partitionBy.length && d.describeQuery ? d.describeQuery(sql) : undefined,
    view: viewOver(false),
    mixedView: viewOver(true),
    describeStaged: d.describeParquet(join(staging, ...levels, '*.parquet'), { partitions: false }),
  };
}

/** The partition columns among `columns` (as the query or view spells and types them), in `partitionBy`'s order. */
export function partitionColumns(columns: readonly ColumnDef[], partitionBy: readonly string[]): ColumnDef[] {
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  return partitionBy.flatMap((p) => byName.get(p.toLowerCase()) ?? []);
}

/**
 * After an incremental write, whether the view over the files can stand as it is: the new
 * files hold exactly its columns other than the partition folders (names, order, types), so the
 * view, which lists the files each time it is read, finds them with nothing to change. Otherwise
 * it is made again, reading the files by column name. Recreating it every run cost more than the
 * hour's write: binding the view reads the schema of every file (hundreds in a month of hourly
 * partitions).
 */
export function viewStands(viewColumns: readonly ColumnDef[], written: readonly ColumnDef[], partitionBy: readonly string[]): boolean {
  const parts = new Set(partitionBy.map((p) => p.toLowerCase()));
  const own = viewColumns.filter((c) => !parts.has(c.name.toLowerCase()));
  const norm = (t: string) => t.replace(/\s+/g, '').toUpperCase();
  return own.length === written.length && own.every((c, i) => c.name === written[i]!.name && norm(c.type) === norm(written[i]!.type));
}
