import type { Readable } from 'node:stream';
import { quotePart, storedKey, type ColumnDef, type Connection, type QueryResult, type QuotedParts, type Relation, type RelationInfo, type RelationKind } from '@smsql/core';
import type { Bind, Connection as SdkConnection, RowStatement, StatementOption } from 'snowflake-sdk';
import { redactSecrets } from './snowflake-config.ts';
import type { SnowflakeDialect } from './snowflake-dialect.ts';

/** A statement Snowflake rejected, with the SQL, Snowflake's code and SQLSTATE. The message is Snowflake's own. */
export class SnowflakeQueryError extends Error {
  readonly kind = 'WarehouseError';
  readonly sql: string;
  /** Snowflake's error code, e.g. `002003` (object does not exist), `000604` (cancelled). */
  readonly snowflakeCode: string | undefined;
  readonly sqlState: string | undefined;
  readonly queryId: string | undefined;
  constructor(message: string, sql: string, details: { code?: string; sqlState?: string; queryId?: string }) {
    super(message);
    this.name = 'SnowflakeQueryError';
    this.sql = sql;
    this.snowflakeCode = details.code;
    this.sqlState = details.sqlState;
    this.queryId = details.queryId;
  }
}

/** The statement context one node runs under: every statement of the node, tests included, carries it. */
export interface SessionContext {
  readonly queryTag: string | undefined;
  readonly warehouse: string | undefined;
}

/**
 * Array binds above the driver's CLIENT_STAGE_ARRAY_BINDING_THRESHOLD (100,000 values) are
 * uploaded to a stage with PUT; staying below keeps bulk loads to plain query requests.
 */
const maxBindValuesPerStatement = 50_000;

/**
 * Snowflake returns unquoted names upper-case; core and templates read result columns by their
 * lower-case names (as DuckDB returns them), so names that are entirely upper-case are lowered.
 * Mixed-case names were quoted on purpose and keep their spelling.
 */
function displayName(name: string): string {
  return name === name.toUpperCase() ? name.toLowerCase() : name;
}

function toBind(v: unknown): Bind {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return v as Bind;
}

/**
 * The declared type, precision and scale included for numbers: `NUMBER` alone means
 * NUMBER(38,0), so a column re-created from it (schema evolution) would lose its decimals.
 */
function columnType(row: Record<string, unknown>): string {
  const t = String(row.data_type);
  if (t === 'NUMBER' && row.numeric_precision !== null && row.numeric_precision !== undefined) return `NUMBER(${Number(row.numeric_precision)},${Number(row.numeric_scale ?? 0)})`;
  return t;
}

/** One Snowflake session through `snowflake-sdk`. */
export class SnowflakeConnection implements Connection {
  readonly #raw: SdkConnection;
  readonly #dialect: SnowflakeDialect;
  readonly #secrets: readonly string[];
  readonly #running = new Set<RowStatement>();
  #context: SessionContext;

  constructor(raw: SdkConnection, dialect: SnowflakeDialect, secrets: readonly string[], loginContext: SessionContext) {
    this.#raw = raw;
    this.#dialect = dialect;
    this.#secrets = secrets;
    this.#context = loginContext;
  }

  /** False once the driver has lost the session (expired beyond renewal, or ended by the server). */
  get isUp(): boolean {
    return this.#raw.isUp();
  }

  /** The query tag and warehouse statements currently run under. */
  get context(): SessionContext {
    return this.#context;
  }

  /** Records what the session runs under without issuing statements (what login established). */
  resetContext(context: SessionContext): void {
    this.#context = context;
  }

  /** Switches the session to a node's query tag and warehouse, issuing only the statements that change something. */
  async applyContext(next: SessionContext): Promise<void> {
    if (next.warehouse && next.warehouse !== this.#context.warehouse) {
      await this.execute(this.#dialect.useWarehouse(next.warehouse));
      this.#context = { ...this.#context, warehouse: next.warehouse };
    }
    if (next.queryTag !== this.#context.queryTag) {
      await this.execute(this.#dialect.setQueryTag(next.queryTag));
      this.#context = { ...this.#context, queryTag: next.queryTag };
    }
  }

  async execute(sql: string, binds?: readonly unknown[]): Promise<QueryResult> {
    const { statement, rows } = await this.#run(sql, binds, false);
    const names = (statement.getColumns() ?? []).map((c) => displayName(c.getName()));
    const objects = (rows as unknown[][]).map((r) => {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) o[names[i]!] = r[i];
      return o;
    });
    const updated = statement.getNumUpdatedRows();
    const types = (statement.getColumns() ?? []).map(typeName);
    return { columns: names, rows: objects, types, rowsAffected: typeof updated === 'number' && updated >= 0 ? updated : undefined };
  }

  /**
   * Rows of a large result one at a time: the driver downloads result chunks as the consumer
   * reads, so memory holds a chunk or two, not the result.
   */
  async *stream(sql: string, binds?: readonly unknown[]): AsyncGenerator<Record<string, unknown>> {
    const { statement } = await this.#run(sql, binds, true);
    const names = (statement.getColumns() ?? []).map((c) => displayName(c.getName()));
    const rows: Readable = statement.streamRows();
    try {
      for await (const r of rows) {
        const o: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) o[names[i]!] = (r as unknown[])[i];
        yield o;
      }
    } catch (e) {
      throw this.#wrap(e, sql);
    }
  }

  /**
   * All tables and views of a schema with their columns: one information_schema query. A part
   * dbt's quoting quotes (`quoted`) is looked up as written, the others as Snowflake folds them.
   */
  async describe(schema: string, database?: string, _identifier?: string, quoted?: QuotedParts): Promise<RelationInfo[]> {
    const d = this.#dialect;
    const is = database ? `${quotePart(d, database, quoted?.database)}.information_schema` : 'information_schema';
    const res = await this.execute(
      `select t.table_name, t.table_type, c.column_name, c.data_type, c.numeric_precision, c.numeric_scale
from ${is}.tables t
left join ${is}.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name
where t.table_schema = ?
order by t.table_name, c.ordinal_position`,
      [storedKey(d, schema, quoted?.schema)],
    );
    const byName = new Map<string, { kind: RelationKind; columns: ColumnDef[] }>();
    for (const row of res.rows) {
      const name = String(row.table_name);
      let entry = byName.get(name);
      if (!entry) {
        const type = String(row.table_type).toUpperCase();
        entry = { kind: type === 'VIEW' ? 'view' : type.includes('EXTERNAL') ? 'external' : 'table', columns: [] };
        byName.set(name, entry);
      }
      if (row.column_name !== null && row.column_name !== undefined) entry.columns.push({ name: String(row.column_name), type: columnType(row) });
    }
    return [...byName].map(([identifier, e]) => ({ schema, identifier, kind: e.kind, columns: e.columns }));
  }

  /** Bulk load with array binds: one multi-row insert per batch of up to 50,000 values, never a statement per row. */
  async append(relation: Relation, columns: readonly ColumnDef[], rows: Iterable<readonly unknown[]>): Promise<number> {
    const cols = columns.map((c) => this.#dialect.quoteIdentifier(c.name)).join(', ');
    const sql = `insert into ${this.#dialect.relationName(relation)} (${cols}) values (${columns.map(() => '?').join(', ')})`;
    const perBatch = Math.max(1, Math.floor(maxBindValuesPerStatement / Math.max(1, columns.length)));
    let batch: Bind[][] = [];
    let n = 0;
    const flush = async () => {
      if (!batch.length) return;
      await this.#run(sql, batch, false);
      n += batch.length;
      batch = [];
    };
    for (const row of rows) {
      batch.push(columns.map((_c, i) => toBind(row[i])));
      if (batch.length >= perBatch) await flush();
    }
    await flush();
    return n;
  }

  /** Asks Snowflake to abort every statement this session is running. */
  async cancel(): Promise<void> {
    await Promise.all(
      [...this.#running].map((s) => new Promise<void>((resolve) => s.cancel(() => resolve()))),
    );
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#raw.destroy(() => resolve()));
  }

  #run(sql: string, binds: readonly unknown[] | undefined, streamResult: boolean): Promise<{ statement: RowStatement; rows: unknown[] | undefined }> {
    return new Promise((resolve, reject) => {
      const options: StatementOption = {
        sqlText: sql,
        rowMode: 'array',
        streamResult,
        complete: (err, stmt, rows) => {
          this.#running.delete(statement);
          if (err) reject(this.#wrap(err, sql));
          else resolve({ statement: stmt as RowStatement, rows: rows as unknown[] | undefined });
        },
      };
      if (binds?.length) {
        options.binds = Array.isArray(binds[0]) ? (binds as unknown[][]).map((r) => r.map(toBind)) : binds.map(toBind);
      }
      const statement = this.#raw.execute(options) as RowStatement;
      this.#running.add(statement);
    });
  }

  #wrap(e: unknown, sql: string): SnowflakeQueryError {
    const err = e as { message?: string; code?: string | number; sqlState?: string; data?: { queryId?: string } };
    const message = redactSecrets(err?.message ?? String(e), this.#secrets);
    return new SnowflakeQueryError(message, sql, { code: err?.code === undefined ? undefined : String(err.code), sqlState: err?.sqlState, queryId: err?.data?.queryId });
  }
}

/**
 * A result column's type as Snowflake's `describe` names it (`NUMBER(38,0)`, `VARCHAR`,
 * `TIMESTAMP_NTZ`), from the driver's rowtype: what dbt-snowflake's columns would carry, so a unit
 * test's expected rows are cast to the model's real output types.
 */
function typeName(c: { getType(): string; getPrecision(): number; getScale(): number }): string {
  const t = String(c.getType()).toLowerCase();
  if (t === 'fixed') return `NUMBER(${c.getPrecision() ?? 38},${c.getScale() ?? 0})`;
  if (t === 'real') return 'FLOAT';
  if (t === 'text') return 'VARCHAR';
  return t.toUpperCase();
}
