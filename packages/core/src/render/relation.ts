import type { Dialect, Relation, TargetConfig } from '../adapter.ts';
import { quotePart } from '../base-dialect.ts';
import type { SourceNode } from '../types.ts';
import { isDict, Kwargs } from '../jinja/py-values.ts';

type Part = 'database' | 'schema' | 'identifier';
type Flags = Partial<Record<Part, boolean>>;

/**
 * What `ref()`, `source()`, `this` and `api.Relation.create()` return in templates: prints as
 * the quoted relation name and answers as dbt's Relation does (`.schema`, `.identifier`,
 * `.name`, `.database`, `include()`, `quote()`, `incorporate()`, `is_table`...). `database` is
 * the target's default database when the relation names none (dbt-duckdb: the file's name); the
 * printed name has it where the dialect prints it (DuckDB and Snowflake, as their dbt adapters), else leaves it out.
 */
export class TemplateRelation implements Relation {
  readonly #database: string | undefined;
  /** The parts dbt's quoting config quotes: printed as written. */
  readonly #quoted: Relation['quoted'];
  readonly schema: string;
  readonly identifier: string;
  readonly #dialect: Dialect;
  /** Set for ephemeral models: renders as the CTE name instead of a relation. */
  readonly #cteName: string | undefined;
  readonly #defaultDatabase: string | undefined;
  readonly #include: Flags;
  readonly #quote: Flags;
  readonly #empty: boolean;
  /** A microbatch model's batch reading this relation: dbt's event-time filter, the condition on its rows. */
  readonly #eventTime: string | undefined;
  /** A source read from elsewhere (dbt-duckdb's external_location): printed in place of the name, as dbt-duckdb's render() does. */
  readonly external: string | undefined;
  /** dbt's relation type: 'table', 'view', 'cte', 'external', or none when unknown (compile time). */
  readonly type: string | null;

  constructor(rel: Relation, dialect: Dialect, cteName?: string, o: { defaultDatabase?: string | undefined; include?: Flags; quote?: Flags; type?: string | null; empty?: boolean | undefined; eventTime?: string | undefined } = {}) {
    this.#database = rel.database;
    this.#quoted = rel.quoted;
    this.schema = rel.schema;
    // An ephemeral's relation is its CTE, as dbt's `__dbt__cte__<name>` (dbt_utils tests for the prefix).
    this.identifier = cteName ?? rel.identifier;
    this.#dialect = dialect;
    this.#cteName = cteName;
    this.#defaultDatabase = o.defaultDatabase;
    this.#include = o.include ?? {};
    this.#quote = o.quote ?? {};
    this.type = o.type ?? (cteName ? 'cte' : null);
    this.#empty = !!o.empty;
    this.#eventTime = o.eventTime;
    this.external = cteName ? undefined : rel.external;
  }

  /** dbt's Relation is a mapping (`relation is mapping`, `relation.get('metadata')`, as dbt_utils' _is_relation checks). */
  readonly __mapping__ = true;

  /** The mapping view of dbt's Relation: path, type, quote and include policies, metadata. */
  get(key: unknown, dflt: unknown = null): unknown {
    switch (key) {
      case 'metadata':
        return { type: `${relationClass(this.#dialect.name)}Relation` };
      case 'path':
        return { database: this.database ?? null, schema: this.schema, identifier: this.identifier };
      case 'type':
        return this.type;
      case 'quote_policy':
        return this.quote_policy;
      case 'include_policy':
        return this.include_policy;
      case 'database':
      case 'schema':
      case 'identifier':
      case 'name':
        return this[key] ?? null;
    }
    return dflt;
  }

  /** dbt's `relation.quote_policy`: which parts are quoted. dbt-snowflake's policy quotes nothing unless the project's quoting: does. */
  get quote_policy(): Policy {
    const dflt = this.#dialect.dbtQuotesByDefault ?? true;
    return new Policy(this.#quote.database ?? this.#quoted?.database ?? dflt, this.#quote.schema ?? this.#quoted?.schema ?? dflt, this.#quote.identifier ?? this.#quoted?.identifier ?? dflt);
  }
  /** dbt's `relation.include_policy`: which parts are printed. */
  get include_policy(): Policy {
    return new Policy(this.#include.database ?? true, this.#include.schema ?? true, this.#include.identifier ?? true);
  }

  /** The relation's database, else the default one; none where set to none (`''`: incorporate(path={'database': none}), api.Relation.create without one on DuckDB). */
  get database(): string | undefined {
    return this.#database === '' ? undefined : (this.#database ?? this.#defaultDatabase);
  }
  /** Whether the database was set to none: printed without one, even where the default database is printed. */
  get databaseNone(): boolean {
    return this.#database === '';
  }
  get name(): string {
    return this.identifier;
  }
  get table(): string {
    return this.identifier;
  }
  get is_table(): boolean {
    return this.type === 'table';
  }
  get is_view(): boolean {
    return this.type === 'view';
  }
  get is_cte(): boolean {
    return this.type === 'cte';
  }
  get is_materialized_view(): boolean {
    return this.type === 'materialized_view';
  }

  #with(rel: Relation, o: { include?: Flags; quote?: Flags; type?: string | null }): TemplateRelation {
    return new TemplateRelation(rel, this.#dialect, this.#cteName, {
      defaultDatabase: this.#defaultDatabase,
      include: o.include ?? this.#include,
      quote: o.quote ?? this.#quote,
      type: o.type === undefined ? this.type : o.type,
      empty: this.#empty,
      eventTime: this.#eventTime,
    });
  }

  /** The parts printed quoted as written (dbt's quote policy where true, `quote()` over it): how statements built from this relation name it. */
  get quotedParts(): Relation['quoted'] {
    const q = this.#quote;
    if (q.database === undefined && q.schema === undefined && q.identifier === undefined) return this.#quoted;
    return { database: q.database ?? this.#quoted?.database, schema: q.schema ?? this.#quoted?.schema, identifier: q.identifier ?? this.#quoted?.identifier };
  }

  #rel(): Relation {
    return { database: this.#database, schema: this.schema, identifier: this.identifier, external: this.external, quoted: this.#quoted };
  }

  /** `include(database=False)`: print without the parts set to false. */
  include(...a: unknown[]): TemplateRelation {
    return this.#with(this.#rel(), { include: { ...this.#include, ...flags(a) } });
  }

  /** `quote(identifier=False)`: print those parts unquoted; `quote(identifier=True)`: quoted as written. */
  quote(...a: unknown[]): TemplateRelation {
    return this.#with(this.#rel(), { quote: { ...this.#quote, ...flags(a) } });
  }

  /** `incorporate(path={'identifier': 'x'}, type='table')`: a copy with parts replaced. */
  incorporate(...a: unknown[]): TemplateRelation {
    const kw = (a.find((x) => x instanceof Kwargs) ?? {}) as Record<string, unknown>;
    const path = (isDict(kw.path) ? kw.path : {}) as Record<string, unknown>;
    const rel = { ...this.#rel() };
    for (const p of ['database', 'schema', 'identifier'] as const) if (typeof path[p] === 'string') (rel as Record<Part, string>)[p] = path[p] as string;
    // A part set to none is left out of the name (dbt-duckdb's temporary relations: no schema, no database).
    if (Object.hasOwn(path, 'schema') && path.schema === null) rel.schema = '';
    // Database none is '': printed without one even where the default database is printed.
    if (Object.hasOwn(path, 'database') && path.database === null) rel.database = '';
    return this.#with(rel, { type: typeof kw.type === 'string' ? kw.type : undefined });
  }

  /** The relation without its identifier (a schema), as dbt's `without_identifier()`. */
  without_identifier(): TemplateRelation {
    return this.#with(this.#rel(), { include: { ...this.#include, identifier: false } });
  }

  /**
   * dbt's `information_schema(view_name)`: `<database>.INFORMATION_SCHEMA[.<view_name>]`, the
   * schema left out, INFORMATION_SCHEMA unquoted, the view name as given. The database is always
   * printed, the target's default one too, as dbt prints it (on DuckDB the query then fails as in dbt).
   */
  information_schema(view?: unknown): TemplateRelation {
    const rel = { database: this.database, schema: '', identifier: 'INFORMATION_SCHEMA', quoted: this.#quoted };
    return new InformationSchemaRelation(rel, this.#dialect, { include: { ...this.#include, schema: false, identifier: true }, quote: { ...this.#quote, identifier: false }, type: 'view' }, typeof view === 'string' ? view : null);
  }

  information_schema_only(): TemplateRelation {
    return this.information_schema();
  }

  render(): string {
    return this.toString();
  }

  toString(): string {
    const name = this.#name();
    // dbt's --empty (a relation rendered with limit 0); dbt-duckdb's and dbt-snowflake's relations take no alias.
    const limited = this.#empty ? `(select * from ${name} where false limit 0)` : name;
    // A batch's event-time filter wraps the limited relation, as in dbt.
    return this.#eventTime ? `(select * from ${limited} where ${this.#eventTime})` : limited;
  }

  #name(): string {
    if (this.#cteName) return this.#cteName;
    if (this.external) return this.external;
    const inc = this.#include;
    const q = this.#quote;
    const part = (p: Part, v: string | undefined): string | undefined => (v === undefined || v === '' || inc[p] === false ? undefined : q[p] === false ? v : quotePart(this.#dialect, v, q[p] ?? this.#quoted?.[p]));
    const db = printedDatabase(this.#database, this.#dialect, this.#defaultDatabase);
    if (inc.database === undefined && inc.schema === undefined && inc.identifier === undefined && q.database === undefined && q.schema === undefined && q.identifier === undefined) {
      return printedName({ database: this.#database, schema: this.schema, identifier: this.identifier, quoted: this.#quoted }, this.#dialect, this.#defaultDatabase);
    }
    return [part('database', db), part('schema', this.schema), part('identifier', this.identifier)].filter((x) => x !== undefined).join('.');
  }
}

/** What `relation.information_schema('columns')` returns: prints its view after the relation's name, as dbt's InformationSchema does. */
class InformationSchemaRelation extends TemplateRelation {
  readonly information_schema_view: string | null;

  constructor(rel: Relation, dialect: Dialect, o: ConstructorParameters<typeof TemplateRelation>[3], view: string | null) {
    super(rel, dialect, undefined, o);
    this.information_schema_view = view;
  }

  /** dbt's InformationSchema has no schema: `.schema` is None in templates (printed `None`), '' to sm's own code. */
  __pyattr__(name: string): unknown {
    return name === 'schema' ? null : undefined;
  }

  override toString(): string {
    const name = super.toString();
    return this.information_schema_view === null ? name : `${name}.${this.information_schema_view}`;
  }
}

/**
 * dbt's Policy (a relation's quote_policy and include_policy): prints as
 * `Policy(database=True, schema=True, identifier=True)`, answers `.identifier`, `get()`,
 * `get_part()`, `replace()` and `to_dict()` as dbt 1.11.16 does; `policy['x']` fails in dbt.
 */
export class Policy {
  readonly __mapping__ = true;
  readonly database: boolean;
  readonly schema: boolean;
  readonly identifier: boolean;
  constructor(database: boolean, schema: boolean, identifier: boolean) {
    this.database = database;
    this.schema = schema;
    this.identifier = identifier;
  }
  get(key: unknown, dflt: unknown = null): unknown {
    return key === 'database' || key === 'schema' || key === 'identifier' ? this[key] : dflt;
  }
  get_part(key: unknown): unknown {
    return this.get(key);
  }
  replace(...a: unknown[]): Policy {
    const f = flags(a);
    return new Policy(f.database ?? this.database, f.schema ?? this.schema, f.identifier ?? this.identifier);
  }
  to_dict(): Record<Part, boolean> {
    return { database: this.database, schema: this.schema, identifier: this.identifier };
  }
  __eq__(o: unknown): boolean {
    return o instanceof Policy && o.database === this.database && o.schema === this.schema && o.identifier === this.identifier;
  }
  toString(): string {
    const py = (b: boolean) => (b ? 'True' : 'False');
    return `Policy(database=${py(this.database)}, schema=${py(this.schema)}, identifier=${py(this.identifier)})`;
  }
}

/** dbt's relation class per adapter: DuckDBRelation, SnowflakeRelation, else BaseRelation. */
function relationClass(adapter: string): string {
  return adapter === 'duckdb' ? 'DuckDB' : adapter === 'snowflake' ? 'Snowflake' : 'Base';
}

/** Keyword flags of include()/quote(): `include(database=False)` or a dict. */
function flags(a: unknown[]): Flags {
  const out: Flags = {};
  const parts = ['database', 'schema', 'identifier'] as const;
  a.forEach((x, i) => {
    if (typeof x === 'boolean' && i < 3) out[parts[i]!] = x;
  });
  for (const x of a) {
    if (x instanceof Kwargs || isDict(x)) {
      for (const p of ['database', 'schema', 'identifier'] as const) if (typeof (x as Record<string, unknown>)[p] === 'boolean') out[p] = (x as Record<string, boolean>)[p];
    }
  }
  return out;
}

/** The target's default database: the one a relation that names none is in (dbt-duckdb: the file's name). */
export function defaultDatabaseOf(dialect: Pick<Dialect, 'defaultDatabase'>, target: TargetConfig): string | undefined {
  return dialect.defaultDatabase ? dialect.defaultDatabase(target) : target.database;
}

/**
 * The name a relation prints as in compiled SQL, with or without the target's default database
 * as the dialect prints it ({@link printedDatabase}). One rule for templates, the manifest's relation_name, unit-test inputs and audits, which find a
 * node's relation in compiled SQL by this name.
 */
export function printedRelationName(rel: Relation, dialect: Dialect, target: TargetConfig): string {
  return printedName(rel, dialect, defaultDatabaseOf(dialect, target));
}

function printedName(rel: Relation, dialect: Dialect, defaultDatabase: string | undefined): string {
  if (rel.external) return rel.external;
  return dialect.relationName({ database: printedDatabase(rel.database, dialect, defaultDatabase), schema: rel.schema, identifier: rel.identifier, quoted: rel.quoted });
}

/**
 * The database part of a printed name: on DuckDB the relation's own or else the default one
 * (dbt-duckdb 1.11.1: `"d"."main"."a"` on `path: target/d.duckdb`; dbt-snowflake 1.11.6:
 * `ANALYTICS.PUBLIC.a`); elsewhere the default
 * database is left out (`"main"."a"`), the same relation.
 */
function printedDatabase(database: string | undefined, dialect: Pick<Dialect, 'printsDefaultDatabase'>, defaultDatabase: string | undefined): string | undefined {
  if (dialect.printsDefaultDatabase) return database ?? defaultDatabase;
  return database === defaultDatabase ? undefined : database;
}

/** dbt's own source config keys: the others are the adapter's (dbt-duckdb reads `external_location` there too). */
const SOURCE_CONFIG_KEYS = new Set(['enabled', 'event_time', 'freshness', 'loaded_at_field', 'loaded_at_query', 'meta', 'tags', 'static_analysis']);

/** A source's relation as compiled SQL reads it: with what the dialect reads instead of its name, if anything. */
export function sourceRelation(s: SourceNode, dialect: Dialect): Relation {
  if (!dialect.externalSource) return s.relation;
  const extra = Object.fromEntries(Object.entries(s.config).filter(([k]) => !SOURCE_CONFIG_KEYS.has(k)));
  const external = dialect.externalSource({ name: s.name, identifier: s.relation.identifier, schema: s.relation.schema, database: s.relation.database, tags: s.tags, meta: { ...s.meta, ...extra } });
  return external === undefined ? s.relation : { ...s.relation, external };
}
