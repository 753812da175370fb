import type { ColumnDef, Dialect, ParquetRead, QuotedParts, Relation, RelationKind, TableOptions, TargetConfig } from './adapter.ts';

/** ANSI behaviour; warehouse dialects subclass and override what differs. */
export class BaseDialect implements Dialect {
  readonly name: string = 'ansi';
  readonly identifierCase: Dialect['identifierCase'] = 'insensitive';
  readonly printsDefaultDatabase: boolean = false;
  readonly stringType: string = 'varchar';

  quoteIdentifier(id: string): string {
    return ansiQuote(id);
  }

  quoteAsWritten(id: string): string {
    return ansiQuote(id);
  }

  /**
   * SQL's own name for the class of parse errors (SQLSTATE 42601), which DuckDB ("Parser Error:
   * syntax error at or near ...") and Snowflake ("SQL compilation error: syntax error line 1 at
   * position ...") both write.
   */
  isParseError(message: string): boolean {
    return /syntax error/i.test(message);
  }

  normalizeIdentifier(id: string): string {
    if (this.identifierCase === 'upper') return id.toUpperCase();
    if (this.identifierCase === 'lower') return id.toLowerCase();
    return id;
  }

  relationName(rel: Relation): string {
    // Every ref(), manifest entry and statement names a relation: no arrays made for it.
    const q = rel.quoted;
    let out = rel.database ? quotePart(this, rel.database, q?.database) : '';
    if (rel.schema) out += `${out ? '.' : ''}${quotePart(this, rel.schema, q?.schema)}`;
    if (rel.identifier) out += `${out ? '.' : ''}${quotePart(this, rel.identifier, q?.identifier)}`;
    return out;
  }

  quoteString(s: string): string {
    return `'${s.replaceAll("'", "''")}'`;
  }

  createSchema(database: string | undefined, schema: string, quoted?: QuotedParts): string {
    return `create schema if not exists ${this.relationName({ database, schema, identifier: '', quoted })}`;
  }

  createTableAs(rel: Relation, sql: string, opts?: TableOptions): string {
    return `create ${opts?.temporary ? 'temporary ' : ''}table ${this.relationName(rel)} as (\n${sql}\n)`;
  }

  createOrReplaceTableAs(rel: Relation, sql: string, opts?: TableOptions): string {
    return `create or replace ${opts?.temporary ? 'temporary ' : ''}table ${this.relationName(rel)} as (\n${sql}\n)`;
  }

  createView(rel: Relation, sql: string): string {
    return `create or replace view ${this.relationName(rel)} as (\n${sql}\n)`;
  }

  createTable(rel: Relation, columns: readonly ColumnDef[], opts?: TableOptions): string {
    const cols = columns.map((c) => `${opts?.unquotedColumns ? c.name : this.quoteIdentifier(c.name)} ${c.type}`).join(', ');
    return `create ${opts?.temporary ? 'temporary ' : ''}table ${this.relationName(rel)} (${cols})`;
  }

  createContractTable(rel: Relation, definitions: readonly string[], names: readonly string[], sql: string, opts?: TableOptions & { readonly replace?: boolean }): string[] {
    const name = this.relationName(rel);
    return [
      `create ${opts?.replace ? 'or replace ' : ''}${opts?.temporary ? 'temporary ' : ''}table ${name} (\n    ${definitions.join(',\n    ')}\n)`,
      `insert into ${name} (${names.join(', ')}) (\n    select ${names.join(', ')}\n    from (\n${sql}\n    ) as model_subq\n)`,
    ];
  }

  showGrants(relation: string): string {
    return `show grants on ${relation}`;
  }

  /** dbt-core's: each row's `grantee` under its `privilege_type`. */
  standardizeGrants(rows: readonly Record<string, unknown>[]): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const r of rows) (out[String(r.privilege_type)] ??= []).push(String(r.grantee));
    return out;
  }

  /** dbt-core's: all grantees in one statement; a revoked grantee quoted (adapter.quote). */
  grantStatements(relation: string, privilege: string, grantees: readonly string[], kind: 'grant' | 'revoke'): string[] {
    if (!grantees.length) return [];
    if (kind === 'grant') return [`grant ${privilege} on ${relation} to ${grantees.join(', ')}`];
    return [`revoke ${privilege} on ${relation} from ${grantees.map((g) => this.quoteAsWritten(g)).join(', ')}`];
  }

  copiesGrants(_config: Readonly<Record<string, unknown>>): boolean {
    return true;
  }

  cloneTable(from: Relation, to: Relation, opts?: TableOptions): string {
    return this.createOrReplaceTableAs(to, `select * from ${this.relationName(from)}`, opts);
  }

  dropRelation(rel: Relation, kind: RelationKind): string {
    return `drop ${kind === 'view' ? 'view' : 'table'} if exists ${this.relationName(rel)}`;
  }

  renameRelation(rel: Relation, kind: RelationKind, newIdentifier: string): string {
    return `alter ${kind === 'view' ? 'view' : 'table'} ${this.relationName(rel)} rename to ${this.quoteIdentifier(newIdentifier)}`;
  }

  insertInto(rel: Relation, columns: readonly string[], sql: string): string {
    const cols = columns.map((c) => this.quoteIdentifier(c)).join(', ');
    return `insert into ${this.relationName(rel)} (${cols})\nselect ${cols} from (\n${sql}\n) as sm_src`;
  }

  deleteWhere(rel: Relation, predicate: string): string {
    return `delete from ${this.relationName(rel)} where ${predicate}`;
  }

  merge(target: Relation, sourceSql: string, uniqueKey: readonly string[], columns: readonly string[], predicates: readonly string[] = [], updateColumns?: readonly string[]): string {
    const q = (c: string) => this.quoteIdentifier(c);
    const on = [...uniqueKey.map((k) => `sm_dest.${q(k)} = sm_src.${q(k)}`), ...predicates.map((p) => `(${p})`)].join(' and ');
    const set = (updateColumns ?? columns.filter((c) => !uniqueKey.includes(c))).map((c) => `${q(c)} = sm_src.${q(c)}`).join(', ');
    const cols = columns.map(q).join(', ');
    const vals = columns.map((c) => `sm_src.${q(c)}`).join(', ');
    return [
      `merge into ${this.relationName(target)} as sm_dest`,
      `using (\n${sourceSql}\n) as sm_src`,
      `on ${on}`,
      set ? `when matched then update set ${set}` : '',
      `when not matched then insert (${cols}) values (${vals})`,
    ].filter(Boolean).join('\n');
  }

  addColumn(rel: Relation, column: ColumnDef): string {
    return `alter table ${this.relationName(rel)} add column ${this.quoteIdentifier(column.name)} ${column.type}`;
  }

  dropColumn(rel: Relation, column: string): string {
    return `alter table ${this.relationName(rel)} drop column ${this.quoteIdentifier(column)}`;
  }

  alterColumnType(rel: Relation, column: ColumnDef): string {
    return `alter table ${this.relationName(rel)} alter column ${this.quoteIdentifier(column.name)} set data type ${column.type}`;
  }

  beginTransaction(): string {
    return 'begin transaction';
  }

  commit(): string {
    return 'commit';
  }

  rollback(): string {
    return 'rollback';
  }

  commentOn(kind: 'table' | 'view', rel: Relation, text: string, column?: string): string {
    const target = column === undefined ? `${kind} ${this.relationName(rel)}` : `column ${this.relationName(rel)}.${this.quoteIdentifier(column)}`;
    return `comment on ${target} is ${this.quoteString(text)}`;
  }

  /** The target's own `database` (warehouses where every relation lives in a named database). */
  defaultDatabase(target: TargetConfig): string | undefined {
    return target.database;
  }

  copyToParquet(_sql: string, _path: string, _partitionBy: readonly string[]): string {
    throw new Error(`materialized='external' writes Parquet files, which the ${this.name} adapter cannot do. Use table or incremental on this target (external models are DuckDB only).`);
  }

  readParquet(_glob: string, _options?: ParquetRead): string {
    return this.copyToParquet('', '', []);
  }

  describeParquet(_glob: string, _options?: ParquetRead): string {
    return this.copyToParquet('', '', []);
  }
}

/** The identifier quoted with its case kept ({@link Dialect.quoteAsWritten}), or as the dialect quotes any identifier where it has no such rule. */
export function quoteAsWritten(d: Pick<Dialect, 'quoteAsWritten' | 'quoteIdentifier'>, id: string): string {
  return d.quoteAsWritten ? d.quoteAsWritten(id) : d.quoteIdentifier(id);
}

/**
 * One part of a name: quoted as written where dbt's quoting config quotes it (`asWritten`), else
 * as the dialect prints a part its policy leaves unquoted. Where the project's `quoting:` sets a
 * part false on a dialect that quotes by default (DuckDB), the part is written bare, as dbt
 * prints it (`d.main.a`), unless it is not a plain identifier (quoted, so the SQL still runs).
 */
export function quotePart(d: Pick<Dialect, 'quoteAsWritten' | 'quoteIdentifier' | 'unquotedPart'>, id: string, asWritten: boolean | undefined): string {
  if (asWritten) return quoteAsWritten(d, id);
  if (d.unquotedPart) return d.unquotedPart(id);
  return asWritten === false && isPlainIdentifier(id) ? id : d.quoteIdentifier(id);
}

/** A name any SQL reads unquoted: a letter or underscore, then letters, digits, `_` or `$`. */
export function isPlainIdentifier(id: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(id);
}

/** `"id"`, a double quote in it doubled: the case is kept. */
function ansiQuote(id: string): string {
  return id.includes('"') ? `"${id.replaceAll('"', '""')}"` : `"${id}"`;
}
