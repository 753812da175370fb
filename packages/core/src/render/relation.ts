import type { Dialect, Relation } from '../adapter.ts';

/**
 * What `ref()`, `source()` and `this` return in templates: prints as the quoted relation
 * name, and exposes its parts as dbt's Relation does (`.schema`, `.identifier`, `.name`).
 */
export class TemplateRelation implements Relation {
  readonly database: string | undefined;
  readonly schema: string;
  readonly identifier: string;
  readonly #dialect: Dialect;
  /** Set for ephemeral models: renders as the CTE name instead of a relation. */
  readonly #cteName: string | undefined;
  constructor(rel: Relation, dialect: Dialect, cteName?: string) {
    this.database = rel.database;
    this.schema = rel.schema;
    this.identifier = rel.identifier;
    this.#dialect = dialect;
    this.#cteName = cteName;
  }
  get name(): string {
    return this.identifier;
  }
  get table(): string {
    return this.identifier;
  }
  include(opts?: { database?: boolean; schema?: boolean; identifier?: boolean }): TemplateRelation {
    const keep = (k: 'database' | 'schema' | 'identifier', v: string | undefined) => (opts?.[k] === false ? undefined : v);
    return new TemplateRelation(
      { database: keep('database', this.database), schema: keep('schema', this.schema) ?? '', identifier: keep('identifier', this.identifier) ?? '' },
      this.#dialect,
    );
  }
  render(): string {
    return this.toString();
  }
  toString(): string {
    if (this.#cteName) return this.#cteName;
    return this.#dialect.relationName({ database: this.database, schema: this.schema, identifier: this.identifier });
  }
}
