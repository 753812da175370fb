import { BaseDialect, isPlainIdentifier, type ColumnDef, type Relation, type RelationKind, type TableOptions } from '@smsql/core';

/**
 * Snowflake: unquoted identifiers fold to upper case; a model named `fct_streams` and a reference
 * `FCT_STREAMS` mean the same table. Relation names print as dbt-snowflake's (unquoted as written,
 * see {@link unquotedPart}); a column name sm writes is quoted upper-cased.
 * Tables are transient unless the node sets `transient: false`, and a table is replaced in one
 * atomic `create or replace` statement.
 */
export class SnowflakeDialect extends BaseDialect {
  override readonly name = 'snowflake';
  override readonly identifierCase = 'upper' as const;
  /** dbt-snowflake's quote policy quotes nothing by default. */
  readonly dbtQuotesByDefault = false;
  /** dbt-snowflake 1.11.6 prints the target's database in every relation name: `ANALYTICS.PUBLIC.a`. */
  override readonly printsDefaultDatabase = true;
  /** dbt-snowflake's SnowflakeColumn: strings are 16777216 long unless sized, and everything that smells like an int is a NUMBER(38,0). */
  readonly dbtColumn = { defaultStringSize: 16777216, integersAreNumeric: true };

  /** Quotes the upper-cased name, which is how Snowflake stores an unquoted identifier. */
  override quoteIdentifier(id: string): string {
    return super.quoteIdentifier(this.normalizeIdentifier(id));
  }

  /**
   * A part the quoting config leaves unquoted prints as written, as dbt-snowflake prints it
   * (`ANALYTICS.PUBLIC.a`, which Snowflake reads as ANALYTICS.PUBLIC.A). A name that is not a
   * plain identifier (`my-model`) is quoted upper-cased, the same object, so that the SQL runs:
   * dbt-snowflake prints it bare (`ANALYTICS.PUBLIC.my-model`) and Snowflake refuses it.
   */
  unquotedPart(id: string): string {
    return isPlainIdentifier(id) ? id : this.quoteIdentifier(id);
  }

  override createTableAs(rel: Relation, sql: string, opts?: TableOptions): string {
    return `create ${this.#kind(opts)}table ${this.relationName(rel)}${this.#tableClauses(opts)} as (\n${sql}\n)`;
  }

  override createOrReplaceTableAs(rel: Relation, sql: string, opts?: TableOptions): string {
    return `create or replace ${this.#kind(opts)}table ${this.relationName(rel)}${this.#tableClauses(opts)} as (\n${sql}\n)`;
  }

  /** dbt-snowflake's: one `create ... table (definitions) as (select ...)`; no insert after it. */
  override createContractTable(rel: Relation, definitions: readonly string[], names: readonly string[], sql: string, opts?: TableOptions & { readonly replace?: boolean }): string[] {
    const select = `select ${names.join(', ')}\n    from (\n${sql}\n    ) as model_subq`;
    return [`create ${opts?.replace ? 'or replace ' : ''}${this.#kind(opts)}table ${this.relationName(rel)} (\n    ${definitions.join(',\n    ')}\n)${this.#tableClauses(opts)} as (\n    ${select}\n)`];
  }

  /** dbt-snowflake's standardize_grants_dict: ownership and grants to shares or database roles are not the config's. */
  override standardizeGrants(rows: readonly Record<string, unknown>[]): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const r of rows) {
      const get = (k: string) => String(r[k] ?? r[k.toUpperCase()] ?? '');
      if (get('privilege') === 'OWNERSHIP' || ['SHARE', 'DATABASE_ROLE'].includes(get('granted_to'))) continue;
      (out[get('privilege')] ??= []).push(get('grantee_name'));
    }
    return out;
  }

  /** dbt-snowflake grants to (revokes from) one grantee per statement. */
  override grantStatements(relation: string, privilege: string, grantees: readonly string[], kind: 'grant' | 'revoke'): string[] {
    return grantees.flatMap((g) => super.grantStatements(relation, privilege, [g], kind));
  }

  /** A replaced table or view keeps its grants only with `copy_grants: true` (dbt-snowflake's copy_grants()). */
  override copiesGrants(config: Readonly<Record<string, unknown>>): boolean {
    return config.copy_grants === true;
  }

  /** dbt-snowflake's CONSTRAINT_SUPPORT: only not null is enforced; check is not supported. */
  readonly constraintSupport = { check: 'not_supported', not_null: 'enforced', unique: 'not_enforced', primary_key: 'not_enforced', foreign_key: 'not_enforced' } as const;

  override createTable(rel: Relation, columns: readonly ColumnDef[], opts?: TableOptions): string {
    const cols = columns.map((c) => `${opts?.unquotedColumns ? c.name : this.quoteIdentifier(c.name)} ${c.type}`).join(', ');
    return `create ${this.#kind(opts)}table ${this.relationName(rel)} (${cols})${this.#tableClauses(opts)}`;
  }

  /** An unqualified new name would land in the session's current schema, so it is always qualified. */
  override renameRelation(rel: Relation, kind: RelationKind, newIdentifier: string): string {
    return `alter ${kind === 'view' ? 'view' : 'table'} ${this.relationName(rel)} rename to ${this.relationName({ ...rel, identifier: newIdentifier })}`;
  }

  /** Exchanges two tables in one metadata operation: readers see either the old or the new one. */
  swapRelations(a: Relation, b: Relation): string {
    return `alter table ${this.relationName(a)} swap with ${this.relationName(b)}`;
  }

  /** A zero-copy clone: no rows are copied until one side changes. */
  override cloneTable(from: Relation, to: Relation, opts?: TableOptions): string {
    return `create or replace ${this.#kind(opts)}table ${this.relationName(to)} clone ${this.relationName(from)}`;
  }

  /** Session context for one node: its query tag (or none). */
  setQueryTag(tag: string | undefined): string {
    return tag === undefined ? 'alter session unset query_tag' : `alter session set query_tag = ${this.quoteString(tag)}`;
  }

  useWarehouse(warehouse: string): string {
    return `use warehouse ${this.quoteIdentifier(warehouse)}`;
  }

  /** Snowflake string literals also treat backslash as an escape, so it is doubled too. */
  override quoteString(s: string): string {
    return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  }

  #kind(opts?: TableOptions): string {
    if (opts?.temporary) return 'temporary ';
    return opts?.adapterConfig?.transient === false ? '' : 'transient ';
  }

  #tableClauses(opts?: TableOptions): string {
    const cfg = opts?.adapterConfig ?? {};
    const clusterBy = normaliseList(cfg.cluster_by);
    let out = '';
    if (clusterBy.length) out += ` cluster by (${clusterBy.join(', ')})`;
    if (cfg.copy_grants === true) out += ' copy grants';
    return out;
  }
}

/** `cluster_by` may be one expression or a list; expressions are SQL, so they are not quoted. */
function normaliseList(v: unknown): string[] {
  if (typeof v === 'string') return v.trim() ? [v.trim()] : [];
  if (Array.isArray(v)) return v.map(String).filter((s) => s.trim());
  return [];
}
