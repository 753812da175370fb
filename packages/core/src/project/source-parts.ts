import type { QuotedParts } from '../adapter.ts';
import { tagList } from './folder-config.ts';

/** What a source node takes from its YAML's `quoting:` and `tags:`. */

/** A source's `quoting:` once rendered (dbt renders `"{{ false if target.type == 'snowflake' else true }}"` to a boolean): its booleans. */
export function quotingOf(q: Record<string, unknown> | undefined): Record<string, boolean> | undefined {
  return q && Object.fromEntries(Object.entries(q).filter((e): e is [string, boolean] => typeof e[1] === 'boolean'));
}

/**
 * The parts of a source's name its YAML's `quoting:` (the source's, under it its table's) sets to
 * true, which dbt 1.11 quotes as written where templates read the source: on Snowflake
 * `quoting: {identifier: true}` reads `raw.events."tracks"`, another table than `raw.events.tracks`;
 * and to false, which dbt-duckdb prints bare (`"d".main."t"` for `quoting: {schema: false}`).
 * The project's `quoting:` does not reach source() (dbt applies it to the manifest's relation_name only).
 */
export function sourceQuoted(quoting: Record<string, boolean> | undefined): { quoted?: QuotedParts } {
  const parts = (['database', 'schema', 'identifier'] as const).filter((p) => typeof quoting?.[p] === 'boolean');
  return parts.length ? { quoted: Object.fromEntries(parts.map((p) => [p, quoting![p]])) } : {};
}

export function sourceTags(cfg: Record<string, unknown>, yamlTags: readonly string[]): string[] {
  return [...new Set([...tagList(cfg.tags), ...yamlTags])].sort();
}
