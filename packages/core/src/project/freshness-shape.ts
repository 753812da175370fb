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
