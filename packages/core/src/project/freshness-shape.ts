/**
 * A source's `freshness` as dbt 1.11 writes it in the manifest and hands it to templates in
 * `graph.sources` (dbt_project_evaluator reads `node.config.freshness.warn_after.count`): both
 * thresholds and the filter, null where unset; none set at all is that shape with nulls, and an
 * explicit `freshness: null` stays null.
 */
export function freshnessShape(v: unknown): unknown {
  if (v === null) return null;
  const o = v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  const threshold = (x: unknown) => {
    const t = x && typeof x === 'object' ? (x as Record<string, unknown>) : {};
    return { count: t.count ?? null, period: t.period ?? null };
  };
  return { warn_after: threshold(o.warn_after), error_after: threshold(o.error_after), filter: o.filter ?? null };
}

/** The config dbt 1.11 gives a source, in its key order: its own settings with the freshness ones spelled out. */
export function sourceConfigShape(config: Record<string, unknown>, freshness: unknown, loadedAtField: string | undefined): Record<string, unknown> {
  const { enabled = true, event_time = null, loaded_at_query = null, meta = {}, tags = [], static_analysis = null, freshness: _f, loaded_at_field: _l, ...rest } = config;
  return { enabled, event_time, freshness: freshnessShape(freshness), loaded_at_field: loadedAtField ?? null, loaded_at_query, meta, tags, static_analysis, ...rest };
}

type Threshold = Record<string, unknown> | null;
const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
/** dbt's Time is truthy when both count and period are set. */
const timeSet = (t: unknown) => isMap(t) && t.count != null && t.period != null;
/** dbt's FreshnessThreshold is truthy when either threshold is. */
const thresholdSet = (f: Threshold) => !!f && (timeSet(f.warn_after) || timeSet(f.error_after));
/** Mergeable.merged: the update's set (non-null) values over the base's. */
const overlay = (base: Record<string, unknown>, update: Record<string, unknown>) => ({ ...base, ...Object.fromEntries(Object.entries(update).filter(([, v]) => v != null)) });

/** dbt's merge_freshness_time_thresholds. */
function mergeTime(base: unknown, update: unknown): unknown {
  if (timeSet(base) && timeSet(update)) return overlay(base as Record<string, unknown>, update as Record<string, unknown>);
  if (update === null) return null;
  return timeSet(update) ? update : base;
}

/**
 * A source table's freshness as dbt 1.11 merges it (merge_source_freshness) from the source's
 * `freshness:`, its `config: {freshness:}`, the table's and the table's config, in that order:
 * each set threshold (`warn_after`, `error_after`) and its count and period over the one before, a
 * `null` turning freshness off until a later level sets it again. `levels`: each as written, or
 * undefined where not written (dbt's empty threshold). Undefined: nothing set at any level.
 */
export function mergeSourceFreshness(levels: readonly unknown[]): unknown {
  const asThreshold = (v: unknown): Threshold => (v === undefined ? {} : v === null ? null : isMap(v) ? v : {});
  let cur: Threshold = asThreshold(levels[0]);
  for (const raw of levels.slice(1)) {
    const update = asThreshold(raw);
    if (cur && update) {
      const merged = overlay(cur, update);
      merged.error_after = mergeTime(cur.error_after, update.error_after);
      merged.warn_after = mergeTime(cur.warn_after, update.warn_after);
      cur = merged;
    } else if (!cur && thresholdSet(update)) cur = update;
    else cur = null;
  }
  if (cur === null) return null;
  return thresholdSet(cur) ? cur : undefined;
}
