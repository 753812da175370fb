import type { Relation } from '../adapter.ts';
import type { Ident } from './sql/ast.ts';
import type { GraphNode } from '../types.ts';

/** How identifiers compare under a warehouse's rules: the key both sides normalise to. */
export type KeyFn = (name: string, quoted: boolean) => string;

export function keyFnFor(dialect: 'duckdb' | 'snowflake'): KeyFn {
  // DuckDB compares every identifier case-insensitively; Snowflake upper-cases unquoted ones and keeps quoted ones.
  return dialect === 'snowflake' ? (n, q) => (q ? n : n.toUpperCase()) : (n) => n.toLowerCase();
}

/** The relation a node lives in, if it has one (ephemeral models and tests do not). */
export function relationOfNode(n: GraphNode): Relation | undefined {
  if (n.resourceType === 'model' || n.resourceType === 'snapshot') return n.config.materialized === 'ephemeral' ? undefined : n.relation;
  if (n.resourceType === 'seed' || n.resourceType === 'source') return n.relation;
  return undefined;
}

/**
 * Finds the node a table name in compiled SQL refers to: `"schema"."table"`,
 * `"db"."schema"."table"`, or a bare table in the target schema. Relation names are as the
 * dialect writes them (Snowflake quotes them upper-cased, so they compare as quoted).
 */
export class RelationIndex {
  readonly #byKey = new Map<string, string>();
  readonly #key: KeyFn;
  readonly #targetSchema: string;

  constructor(nodes: Iterable<GraphNode>, key: KeyFn, targetSchema: string, dialect: 'duckdb' | 'snowflake') {
    this.#key = key;
    // As the relation is written in SQL: unquoted names the dialect normalises, so compare them
    // unquoted; a part dbt's quoting quotes (the project's, a source's) is written as it is.
    const norm = (s: string, quoted?: boolean) => key(dialect === 'snowflake' && !quoted ? s.toUpperCase() : s, true);
    this.#targetSchema = norm(targetSchema);
    for (const n of nodes) {
      const rel = relationOfNode(n);
      if (!rel) continue;
      const schema = norm(rel.schema, rel.quoted?.schema);
      const ident = norm(rel.identifier, rel.quoted?.identifier);
      if (rel.database) this.#byKey.set(`${norm(rel.database, rel.quoted?.database)}.${schema}.${ident}`, n.uniqueId);
      if (!this.#byKey.has(`${schema}.${ident}`)) this.#byKey.set(`${schema}.${ident}`, n.uniqueId);
    }
  }

  /** The node id a FROM name refers to, if any. */
  lookup(parts: readonly Ident[]): string | undefined {
    const keys = parts.map((p) => this.#key(p.name, p.quoted));
    if (keys.length >= 3) return this.#byKey.get(keys.slice(-3).join('.')) ?? this.#byKey.get(keys.slice(-2).join('.'));
    if (keys.length === 2) return this.#byKey.get(keys.join('.'));
    return this.#byKey.get(`${this.#targetSchema}.${keys[0]}`);
  }
}
