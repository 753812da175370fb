import type { Dialect, Relation, RelationInfo } from './adapter.ts';

type Folding = Pick<Dialect, 'identifierCase' | 'normalizeIdentifier'>;

/**
 * One part of a relation's name as the warehouse stores it, as a lookup key. DuckDB compares
 * names case-insensitively. Snowflake folds an unquoted name to upper case and keeps a quoted one
 * as written: with the project's `quoting: {identifier: true}` dbt-snowflake creates and finds
 * `"m_rel"`, another table than `M_REL`.
 */
export function storedKey(d: Folding, name: string, quoted: boolean | undefined): string {
  if (d.identifierCase === 'insensitive') return name.toLowerCase();
  return quoted ? name : d.normalizeIdentifier(name);
}

/** The lookup key of a name the warehouse reported ({@link Connection.describe}): as stored. */
export function foundKey(d: Folding, stored: string): string {
  return d.identifierCase === 'insensitive' ? stored.toLowerCase() : stored;
}

/** `rel` among what {@link Connection.describe} found in its schema: the same name as the warehouse compares names. */
export function findRelation(d: Folding, found: readonly RelationInfo[], rel: Relation): RelationInfo | undefined {
  const key = storedKey(d, rel.identifier, rel.quoted?.identifier);
  return found.find((r) => foundKey(d, r.identifier) === key);
}

/** The schema `rel` is in, as a key: two relations with the same key are in the same schema. */
export function schemaKey(d: Folding, rel: Relation): string {
  return `${rel.database ? storedKey(d, rel.database, rel.quoted?.database) : ''}\u0000${storedKey(d, rel.schema, rel.quoted?.schema)}`;
}
