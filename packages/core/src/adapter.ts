/**
 * The adapter contract. An adapter is three small things: a pure {@link Dialect}
 * that turns intentions into SQL text, a narrow effectful {@link Connection}, and
 * {@link Capabilities} flags that core acts on (so adapter authors never write a mutex
 * or re-decide how a materialization is built).
 */

import type { Landing } from './landing.ts';

/** A relation as it is addressed in the warehouse. `database` is optional where the warehouse has one implicit catalog. */
export interface Relation {
  readonly database?: string | undefined;
  readonly schema: string;
  readonly identifier: string;
  /**
   * What compiled SQL reads in place of the name, for a source the warehouse reads from
   * elsewhere (dbt-duckdb's `external_location`: a file path or a reader call); see
   * {@link Dialect.externalSource}.
   */
  readonly external?: string | undefined;
  /**
   * The parts dbt's quoting config quotes (a source's `quoting:`, the project's): printed quoted
   * as written, case kept. On Snowflake `"events"` is another table than the unquoted `events`.
   */
  readonly quoted?: QuotedParts | undefined;
}

/** Which parts of a relation's name are quoted as written (dbt's quote policy, where true). */
export type QuotedParts = Readonly<Partial<Record<'database' | 'schema' | 'identifier', boolean>>>;

/** A source as {@link Dialect.externalSource} sees it: dbt-duckdb's SourceConfig. */
export interface ExternalSourceInfo {
  readonly name: string;
  readonly identifier: string;
  readonly schema: string;
  readonly database: string | undefined;
  readonly tags: readonly string[];
  /** The source's meta, then its config keys beyond dbt's own, the latter winning. */
  readonly meta: Readonly<Record<string, unknown>>;
}

export type RelationKind = 'table' | 'view' | 'external';

/** A column as declared (seeds, raw tables) or as found by {@link Connection.describe}. */
export interface ColumnDef {
  readonly name: string;
  readonly type: string;
}

/** What {@link Connection.describe} found for one relation. */
export interface RelationInfo {
  readonly schema: string;
  readonly identifier: string;
  readonly kind: RelationKind;
  readonly columns: readonly ColumnDef[];
  /** The relation's and its columns' comments (persist_docs), where the warehouse has any; for catalog.json. */
  readonly comments?: { readonly relation: string | null; readonly columns: ReadonlyMap<string, string> } | undefined;
}

export interface QueryResult {
  /** Column names in order. */
  readonly columns: readonly string[];
  /** Rows as plain objects keyed by column name. */
  readonly rows: readonly Record<string, unknown>[];
  /** The warehouse's type of each column, in order (`DATE`, `DOUBLE`), where the adapter reports it. */
  readonly types?: readonly string[] | undefined;
  /** Rows changed by DML where the warehouse reports it. */
  readonly rowsAffected?: number | undefined;
}

/** Effectful, narrow. Every method may reject with an error that carries the SQL it ran. */
export interface Connection {
  execute(sql: string, binds?: readonly unknown[]): Promise<QueryResult>;
  /**
   * All relations of one schema with their columns, in a single round trip. Missing schema: empty
   * list. With `identifier`, the adapter may return only that relation (callers look it up by
   * name in the list either way). `quoted`: the parts dbt's quoting config quotes, named as
   * written (Snowflake: `"snaps"` is not the schema SNAPS); the others fold as unquoted names do.
   */
  describe(schema: string, database?: string, identifier?: string, quoted?: QuotedParts): Promise<RelationInfo[]>;
  /** Bulk load rows into an existing table; returns the number of rows written. */
  append?(relation: Relation, columns: readonly ColumnDef[], rows: Iterable<readonly unknown[]>): Promise<number>;
  /** Cancel whatever this connection is running. Optional: where absent, core waits for the statement. */
  cancel?(): Promise<void>;
  close(): Promise<void>;
}

export interface Capabilities {
  /** Several statements that write may run at once. Default `false`: core serialises writes. */
  readonly supportsMultipleWriters: boolean;
  /** `merge into` is available. Default `false`: core plans delete+insert instead. */
  readonly supportsMerge: boolean;
  /** DDL takes part in transactions, so a replace can be built and swapped in one transaction. Default `false`. */
  readonly supportsTransactionalDdl: boolean;
  /** `create or replace table ... as` is itself atomic (Snowflake). Default `false`. */
  readonly supportsAtomicCreateOrReplace: boolean;
  /** `Dialect.cloneTable` copies no rows (Snowflake's zero-copy clone): `sm clone` clones tables instead of making views. Default `false`. */
  readonly supportsZeroCopyClone?: boolean | undefined;
}

export const defaultCapabilities: Capabilities = {
  supportsMultipleWriters: false,
  supportsMerge: false,
  supportsTransactionalDdl: false,
  supportsAtomicCreateOrReplace: false,
};

/** Options a table is created with; vendor options come through `adapterConfig`, validated by the adapter. */
export interface TableOptions {
  readonly temporary?: boolean;
  /** The node's adapter-namespaced config (e.g. `transient`, `cluster_by` on Snowflake). */
  readonly adapterConfig?: Readonly<Record<string, unknown>>;
  /**
   * {@link Dialect.createTable} writes the column names as they are, unquoted (a seed's
   * `quote_columns: false`, as dbt writes them): a name the warehouse cannot read unquoted (a
   * reserved word such as `default`) fails there as it fails with dbt.
   */
  readonly unquotedColumns?: boolean;
}

/** How {@link Dialect.readParquet} reads a folder of Parquet files. */
export interface ParquetRead {
  /** Files may differ in columns (matched by name, missing ones null): every file's schema is read whenever the query is bound. */
  mixedSchemas?: boolean;
  /** `col=value/` folders as columns (default true); false reads the files' own columns only. */
  partitions?: boolean;
  /**
   * The partition columns' types, so that a folder's value is read as the type the model wrote
   * (a timestamp stays a timestamp, a text '10' text) rather than guessed from the folder names,
   * which also costs a look at every folder each time the query is bound. Columns not named
   * here are guessed.
   */
  partitionTypes?: readonly ColumnDef[];
}

/**
 * Pure and synchronous: SQL text only, golden-tested offline. {@link BaseDialect} holds the
 * ANSI behaviour; a warehouse overrides what differs.
 */
export interface Dialect {
  readonly name: string;
  /** How unquoted identifiers fold: DuckDB compares case-insensitively, Snowflake folds to upper case. */
  readonly identifierCase: 'insensitive' | 'upper' | 'lower';
  /** Whether the warehouse's dbt adapter quotes database, schema and identifier by default (manifest.json's `metadata.quoting`); true when unset. */
  readonly dbtQuotesByDefault?: boolean;
  /** What the warehouse's dbt adapter calls a statement the warehouse refused, in run_results.json's messages: dbt-duckdb "Runtime Error"; default "Database Error" (dbt's SQL adapters). */
  readonly dbtErrorKind?: string;
  /**
   * SQL for the microseconds since 1970 (UTC) of a timestamp expression, so that sources.json's
   * times have the microseconds dbt writes; none: the times a query returns (milliseconds).
   */
  epochMicros?(expr: string): string;
  /**
   * A value of a query's column as dbt's adapter gives it to templates in agate (`run_query`),
   * given the column's type as {@link QueryResult.types} names it: dbt-duckdb's DECIMAL(10,2)
   * value 2 is Decimal('2.00'). Values it leaves alone core shapes as any warehouse's (big
   * integers, timestamps). It is called again on values it shaped, which it must leave as they are.
   */
  agateValue?(v: unknown, type: string): unknown;
  /**
   * Where the adapter's dbt Column class differs from dbt-core's (api.Column, get_columns_in_relation()):
   * dbt-snowflake's gives a string without a size 16777216 (dbt-core: 256), and its integers are numerics.
   */
  readonly dbtColumn?: { readonly defaultStringSize: number; readonly integersAreNumeric: boolean };
  quoteIdentifier(id: string): string;
  /**
   * The identifier quoted with its case kept, as dbt's `adapter.quote()` and a quote policy set
   * to true write it; {@link quoteIdentifier} where not given. Snowflake's quoteIdentifier
   * upper-cases first (the same object as the unquoted name); this does not.
   */
  quoteAsWritten?(id: string): string;
  /**
   * A part of a relation's name that dbt's quoting config does not quote, as the warehouse's dbt
   * adapter prints it (dbt-snowflake: as written, `ANALYTICS.PUBLIC.a`); {@link quoteIdentifier}
   * where not given (dbt-duckdb quotes every part).
   */
  unquotedPart?(id: string): string;
  /** The name as the warehouse stores it when written unquoted. */
  normalizeIdentifier(id: string): string;
  relationName(rel: Relation): string;
  quoteString(s: string): string;
  /** `create schema if not exists`; `quoted`: the parts named as written (dbt's quoting config). */
  createSchema(database: string | undefined, schema: string, quoted?: QuotedParts): string;
  createTableAs(rel: Relation, sql: string, opts?: TableOptions): string;
  createOrReplaceTableAs(rel: Relation, sql: string, opts?: TableOptions): string;
  createView(rel: Relation, sql: string): string;
  createTable(rel: Relation, columns: readonly ColumnDef[], opts?: TableOptions): string;
  /**
   * The statements that create the table of a model enforcing a contract (dbt's create_table_as
   * with `get_table_columns_and_constraints`): the table with `definitions` (columns with their
   * types and constraints, then the model's constraints), filled from `sql` through the select
   * list `names`. `replace`: over an existing table of that name. BaseDialect: `create table` then
   * `insert into ... (select names from (sql) as model_subq)`.
   */
  createContractTable(rel: Relation, definitions: readonly string[], names: readonly string[], sql: string, opts?: TableOptions & { readonly replace?: boolean }): string[];
  /**
   * Optional. The strategy of an incremental model with a unique_key and no incremental_strategy,
   * as the warehouse's dbt adapter picks it (dbt-duckdb: delete+insert). Default: merge where the
   * warehouse merges, else delete+insert.
   */
  readonly defaultIncrementalStrategy?: 'merge' | 'delete+insert';
  /** Optional. The warning the warehouse's dbt adapter gives, once per run, for `grants:` it does not apply (dbt-duckdb's); absent: grants are applied. */
  readonly grantsUnsupported?: { readonly name: string; readonly base: string };
  /** `show grants on <relation>` (dbt's get_show_grant_sql), given the relation's printed name. */
  showGrants(relation: string): string;
  /** Privilege -> grantees from what {@link showGrants} returned (dbt's standardize_grants_dict). */
  standardizeGrants(rows: readonly Record<string, unknown>[]): Record<string, string[]>;
  /** The statements granting (revoking) `privilege` on the relation to (from) `grantees` (dbt's get_dcl_statement_list). */
  grantStatements(relation: string, privilege: string, grantees: readonly string[], kind: 'grant' | 'revoke'): string[];
  /** Whether replacing a relation keeps its grants (dbt's copy_grants(): default true; dbt-snowflake's `copy_grants` config). */
  copiesGrants(config: Readonly<Record<string, unknown>>): boolean;
  /** dbt's CONSTRAINT_SUPPORT of the warehouse's adapter; default dbt-core's base adapter's (plan/constraint-ddl.ts). */
  readonly constraintSupport?: Readonly<Record<string, 'enforced' | 'not_enforced' | 'not_supported'>>;
  /** A foreign key's target (a printed relation name) as the warehouse takes it in DDL (dbt-duckdb drops the database); default as printed. */
  foreignKeyTarget?(to: string): string;
  dropRelation(rel: Relation, kind: RelationKind): string;
  renameRelation(rel: Relation, kind: RelationKind, newIdentifier: string): string;
  /**
   * Optional. Exchange two tables in one atomic statement (Snowflake's `alter table a swap with b`).
   * Where absent, core publishes an audited table by drop and rename inside one transaction
   * (transactional DDL) or by renames. Default: none.
   */
  swapRelations?(a: Relation, b: Relation): string;
  /**
   * Optional. A new table `to` holding `from`'s rows, replacing any `to` (Snowflake: a zero-copy
   * `clone`). Default: `create or replace table to as select * from from`.
   */
  cloneTable?(from: Relation, to: Relation, opts?: TableOptions): string;
  insertInto(rel: Relation, columns: readonly string[], sql: string): string;
  deleteWhere(rel: Relation, predicate: string): string;
  /**
   * `merge into target as sm_dest using (sourceSql) as sm_src` on the unique key; a matched row's
   * `updateColumns` are set (default: every column but the key). Optional
   * `predicates` (incremental_predicates, written against `sm_dest`/`sm_src`) are added to the
   * join condition so the warehouse can prune the target. Default: none.
   */
  merge(target: Relation, sourceSql: string, uniqueKey: readonly string[], columns: readonly string[], predicates?: readonly string[], updateColumns?: readonly string[]): string;
  addColumn(rel: Relation, column: ColumnDef): string;
  dropColumn(rel: Relation, column: string): string;
  /** Optional. Change a column's type (on_schema_change: sync_all_columns). Base: ANSI `alter column ... set data type`. */
  alterColumnType?(rel: Relation, column: ColumnDef): string;
  beginTransaction(): string;
  commit(): string;
  rollback(): string;
  /** Type used for a column when none is declared and the warehouse must be told one. */
  readonly stringType: string;
  /**
   * Optional. A statement that writes a query's rows as Parquet under `path`: a folder of
   * `col=value/` partitions when `partitionBy` is non-empty, else one file. The base dialect
   * throws an error that says the warehouse cannot; DuckDB writes with `copy ... to`.
   */
  copyToParquet?(sql: string, path: string, partitionBy: readonly string[]): string;
  /**
   * Optional. A query over the Parquet files matching `glob`, partition folders as columns
   * (see {@link ParquetRead}). Base: throws, as above.
   */
  readParquet?(glob: string, options?: ParquetRead): string;
  /** `comment on table|view <rel> is '<text>'`, or on one of its columns (dbt's persist_docs). */
  commentOn(kind: 'table' | 'view', rel: Relation, text: string, column?: string): string;
  /**
   * Optional. What compiled SQL reads for a source instead of its relation name, or undefined
   * for a plain relation: dbt-duckdb reads a source whose meta or config has `external_location`
   * (a path, quoted, or a reader call such as `read_csv('...')`, with `{name}`-style fields).
   * Throws, naming what is wrong, for a location it cannot make.
   */
  externalSource?(source: ExternalSourceInfo): string | undefined;
  /** Optional. A query whose rows are the `column_name` and `column_type` of {@link readParquet}'s result over `glob`. */
  describeParquet?(glob: string, options?: ParquetRead): string;
  /**
   * Optional. A statement whose rows are the `column_name` and `column_type` of a query's result,
   * without running the query: how a model's enforced contract is checked when it runs. Without
   * it, contracts are checked by `sm check` only.
   */
  describeQuery?(sql: string): string;
  /**
   * Optional. The database a relation that names none is in, as templates read it
   * (`{{ target.database }}`, `{{ this.database }}`). Default: the target's `database`.
   */
  defaultDatabase?(target: TargetConfig): string | undefined;
  /**
   * Optional. Whether ref(), source(), `{{ this }}` and the manifest's relation_name print the
   * default database of a relation that names none, as dbt-duckdb and dbt-snowflake do (`"d"."main"."a"`, `ANALYTICS.PUBLIC.a`).
   * Default: left out (`"main"."a"`), the same relation.
   */
  readonly printsDefaultDatabase?: boolean;
  /**
   * Optional. A problem with a table or incremental model's config that the warehouse's dbt
   * adapter refuses when it creates the table (a full build, not an incremental run), or
   * undefined: the node fails with it as a compilation error, as dbt's materialization fails.
   */
  tableConfigError?(config: Readonly<Record<string, unknown>>): string | undefined;
  /**
   * Optional. The warnings the warehouse's dbt adapter gives, when it creates the table, for
   * settings of a valid config it ignores on this target (`relation`: the table's printed name).
   */
  tableConfigIgnored?(config: Readonly<Record<string, unknown>>, relation: string): { name: string; base: string }[];
  /**
   * Optional. Whether the warehouse's error message says it could not parse the statement: a seed
   * with `quote_columns: false` then says its header's names went unquoted (a reserved word such
   * as `default` fails so). BaseDialect: the message says "syntax error"; without it, never (no hint).
   */
  isParseError?(message: string): boolean;
}

/** Target configuration as read from profiles.yml, secrets already resolved from the environment. */
export interface TargetConfig {
  readonly type: string;
  readonly name: string;
  readonly schema: string;
  readonly database?: string | undefined;
  readonly threads: number;
  readonly [key: string]: unknown;
}

export interface ConnectOptions {
  /** Absolute project directory, for resolving relative paths in the target (e.g. a DuckDB file). */
  readonly projectDir: string;
}

export interface Adapter {
  readonly type: string;
  readonly dialect: Dialect;
  readonly capabilities: Capabilities;
  /**
   * Optional: landing newline-delimited JSON from this machine's files with the warehouse's own
   * reader (see {@link Landing}). Absent by default: `@smsql/ingest` then writes Kafka batches with
   * {@link Connection.append} or multi-row inserts, and refuses lake files with a usage error.
   */
  readonly landing?: Landing<Connection>;
  connect(target: TargetConfig, options: ConnectOptions): Promise<AdapterSession>;
  /**
   * Optional: true when the target certainly holds no relation yet, known without connecting
   * (DuckDB: its database file does not exist). Compile then knows that no incremental model's
   * table exists without loading a driver or creating the database. Absent: connect and look.
   */
  holdsNothing?(target: TargetConfig, options: ConnectOptions): boolean;
  /**
   * Optional: a stamp, known without connecting, that changes whenever what the target holds may
   * have (DuckDB: its database file's and write-ahead log's size and time). What compile learnt
   * of the warehouse under the same stamp still holds. Absent or undefined: always ask it.
   */
  stateStamp?(target: TargetConfig, options: ConnectOptions): string | undefined;
}

/** A live session: a pool of connections and what the runner needs of it. */
export interface AdapterSession {
  /**
   * A connection for one node (or one thread). Released with {@link AdapterSession.release}.
   * `node.config` lets an adapter set per-node session context (Snowflake: `query_tag`,
   * `snowflake_warehouse`) that then applies to every statement of the node, tests included.
   */
  acquire(node?: { readonly config?: Readonly<Record<string, unknown>> }): Promise<Connection>;
  release(conn: Connection): void;
  /** Cancel every running statement (SIGINT). */
  cancelAll(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A factory registered by name so core can find adapters without importing them; may load lazily.
 * `module`, optional: where a worker thread can make the same adapter (`import(url)[exportName]()`),
 * so a large compile can render on several threads; without it, compile renders on one.
 * `templateTarget`, optional: the target as the adapter's credentials complete it (dbt-duckdb
 * names `database` after the file), which `{{ target }}` in the project file, schema YAML and
 * descriptions reads. The loader calls it before any adapter is made: it must not load a driver.
 */
export interface AdapterFactory {
  (): Adapter | Promise<Adapter>;
  readonly module?: { readonly url: string; readonly exportName: string } | undefined;
  readonly templateTarget?: ((target: TargetConfig) => TargetConfig) | undefined;
}
