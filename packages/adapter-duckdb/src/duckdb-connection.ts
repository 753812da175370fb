import type { DuckDBConnection, DuckDBMaterializedResult } from '@duckdb/node-api';
import { DuckDBTimestampValue, JSDuckDBValueConverter } from '@duckdb/node-api';
import type { ColumnDef, Connection, QueryResult, Relation, RelationInfo, RelationKind } from '@smsql/core';
import { microDate } from './micro-date-read.ts';
import { MicroDate } from './micro-date.ts';

const TIMESTAMPTZ = 'TIMESTAMP WITH TIME ZONE';

/** A warehouse error with the SQL that caused it; the message is DuckDB's own. */
export class DuckDbQueryError extends Error {
  readonly kind = 'WarehouseError';
  readonly sql: string;
  constructor(message: string, sql: string, cause: unknown) {
    super(message, { cause });
    this.name = 'DuckDbQueryError';
    this.sql = sql;
  }
}

function knownZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * DuckDB's C API (under @duckdb/node-api) reads a query up to its first NUL character, so a
 * query with one would run cut short (or fail with "syntax error at end of input"). dbt-duckdb's
 * Python client passes the whole text, where DuckDB reads a NUL as part of an identifier (a view
 * over `from t <NUL>` gets the table alias "\0"); sm names the character and its line instead.
 */
function nulMessage(sql: string, at: number): string {
  const line = sql.slice(0, at).split('\n').length;
  return `the SQL has a NUL character (\\0) on line ${line} of the query; DuckDB's client library would read the query only up to it. Remove it from the file that holds it (an editor showing invisible characters finds it).`;
}

/** Rows appended between two looks at the event loop (a few milliseconds of appending). */
const APPEND_SLICE = 4096;

export class DuckDbConnection implements Connection {
  readonly raw: DuckDBConnection;
  constructor(raw: DuckDBConnection) {
    this.raw = raw;
  }

  async execute(sql: string, binds?: readonly unknown[]): Promise<QueryResult> {
    const nul = sql.indexOf('\0');
    if (nul >= 0) throw new DuckDbQueryError(nulMessage(sql, nul), sql, undefined);
    try {
      const result = await this.raw.run(sql, binds ? (binds as never) : undefined);
      const columns = result.columnNames();
      const types = result.columnTypes().map((t) => t.toString());
      const rows = columns.length ? rowObjects(result) : [];
      if (rows.length && types.some((t) => t.includes(TIMESTAMPTZ))) await this.#zoned(rows, columns, types);
      let rowsAffected: number | undefined;
      try {
        rowsAffected = result.rowsChanged;
      } catch {
        rowsAffected = undefined;
      }
      return { columns, rows, rowsAffected, types };
    } catch (e) {
      throw new DuckDbQueryError(e instanceof Error ? e.message : String(e), sql, e);
    }
  }

  /**
   * TIMESTAMPTZ values (nested ones too) as MicroDates carrying the connection's `TimeZone` (a profile's `settings:` or a
   * `set TimeZone` may change it), the zone dbt-duckdb's Python datetimes are given in.
   */
  async #zoned(rows: Record<string, unknown>[], columns: string[], types: string[]): Promise<void> {
    const name = String((await this.raw.runAndReadAll("select current_setting('TimeZone')")).getRows()[0]?.[0] ?? '');
    // A zone JavaScript does not know keeps the machine's, as before DuckDB's was read.
    const zone = name && knownZone(name) ? name : undefined;
    const zoned = (x: unknown): unknown => {
      if (x instanceof Date) return new MicroDate(x.getTime(), x instanceof MicroDate ? x.subMs : 0, zone);
      if (Array.isArray(x)) return x.map(zoned);
      if (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype) return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, zoned(y)]));
      return x;
    };
    // Each column of a type with a TIMESTAMPTZ in it (a LIST or STRUCT of them too).
    const names = columns.filter((_, i) => types[i]!.includes(TIMESTAMPTZ));
    for (const row of rows) for (const n of names) row[n] = zoned(row[n]);
  }

  /**
   * The relations of one schema with their columns, from DuckDB's own catalog functions: the
   * same rows as information_schema.tables joined to .columns (which are views over them), at a
   * third of the cost (a run describes each schema once and each incremental stage again).
   * With `identifier`, only that relation (an incremental stage's columns).
   */
  async describe(schema: string, database?: string, identifier?: string): Promise<RelationInfo[]> {
    const binds: string[] = [schema];
    const catalog = database ? `$${binds.push(database)}` : 'current_database()';
    const only = identifier ? ` and lower(r.table_name) = lower($${binds.push(identifier)})` : '';
    const res = await this.execute(
      `select r.table_name, r.table_type, c.column_name, c.data_type, r.comment as table_comment, c.comment as column_comment
       from (
         select database_name, schema_name, table_name, case when temporary then 'LOCAL TEMPORARY' else 'BASE TABLE' end as table_type, comment from duckdb_tables()
         union all
         select database_name, schema_name, view_name, 'VIEW', comment from duckdb_views() where not internal
       ) r
       left join duckdb_columns() c
         on c.database_name = r.database_name and c.schema_name = r.schema_name and c.table_name = r.table_name
       where lower(r.schema_name) = lower($1) and r.database_name = ${catalog}${only}
       order by r.table_name, c.column_index`,
      binds,
    );
    const byName = new Map<string, { kind: RelationKind; columns: ColumnDef[]; comment: string | null; columnComments: Map<string, string> }>();
    for (const row of res.rows) {
      const name = String(row.table_name);
      let entry = byName.get(name);
      if (!entry) {
        const comment = typeof row.table_comment === 'string' ? row.table_comment : null;
        entry = { kind: String(row.table_type).toUpperCase() === 'VIEW' ? 'view' : 'table', columns: [], comment, columnComments: new Map() };
        byName.set(name, entry);
      }
      if (row.column_name !== null && row.column_name !== undefined) {
        entry.columns.push({ name: String(row.column_name), type: String(row.data_type) });
        if (typeof row.column_comment === 'string') entry.columnComments.set(String(row.column_name), row.column_comment);
      }
    }
    return [...byName].map(([identifier, e]) => ({
      schema, identifier, kind: e.kind, columns: e.columns,
      ...(e.comment !== null || e.columnComments.size ? { comments: { relation: e.comment, columns: e.columnComments } } : {}),
    }));
  }

  /**
   * Bulk load through DuckDB's appender: one native call per cell, no SQL per row. The rows are
   * read synchronously (a seed's CSV), so every {@link APPEND_SLICE} rows the loop yields to the
   * event loop: a signal handler can run and {@link cancel} stop the load (it rejects, and the
   * caller's transaction or cleanup drops what was appended).
   */
  async append(relation: Relation, columns: readonly ColumnDef[], rows: Iterable<readonly unknown[]>): Promise<number> {
    const appender = await this.raw.createAppender(relation.identifier, relation.schema, relation.database ?? null);
    const writers = columns.map((c) => cellWriter(appender, c.type));
    const cancels = this.#cancels;
    let n = 0;
    try {
      for (const row of rows) {
        for (let i = 0; i < writers.length; i++) writers[i]!(row[i]);
        appender.endRow();
        if (++n % APPEND_SLICE === 0) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (this.#cancels !== cancels) throw new DuckDbQueryError('INTERRUPT Error: Interrupted!', `-- bulk append into ${relation.identifier}`, undefined);
        }
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    return n;
  }

  /** Interrupts the running statement, and a running {@link append}. */
  async cancel(): Promise<void> {
    this.#cancels++;
    this.raw.interrupt();
  }

  #cancels = 0;

  async close(): Promise<void> {
    this.raw.closeSync();
  }
}

/**
 * The rows of a materialized result as plain JS values, read synchronously: the result is
 * already in memory, and fetching its chunks one promise at a time (as the library's reader
 * does) cost every statement, DDL included, extra round trips through the thread pool.
 * Repeated column names get `:1`, `:2`... as the library's own row objects do.
 */
function rowObjects(result: DuckDBMaterializedResult): Record<string, unknown>[] {
  const names = result.deduplicatedColumnNames();
  const rows: Record<string, unknown>[] = [];
  for (let c = 0, n = result.chunkCount; c < n; c++) {
    const chunk = result.getChunk(c);
    const vectors = names.map((_, i) => chunk.getColumnVector(i));
    for (let r = 0, count = chunk.rowCount; r < count; r++) {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < vectors.length; i++) {
        const v = vectors[i]!;
        const item = v.getItem(r);
        row[names[i]!] = microDate(item) ?? JSDuckDBValueConverter(item, v.type, JSDuckDBValueConverter);
      }
      rows.push(row);
    }
  }
  return rows;
}

type Appender = Awaited<ReturnType<DuckDBConnection['createAppender']>>;

function cellWriter(a: Appender, declared: string): (v: unknown) => void {
  const t = declared.toLowerCase().replace(/\(.*$/, '').trim();
  // Text into a typed column is cast by DuckDB itself (as its CSV reader and CAST do), so a
  // value it cannot read is an error, never a silent null, false or NaN.
  const nullable = (f: (v: unknown) => void) => (v: unknown) =>
    v === null || v === undefined || (v === '' && t !== 'varchar') ? a.appendNull() : typeof v === 'string' ? a.appendVarchar(v) : f(v);
  switch (t) {
    case 'bigint':
    case 'int8':
    case 'long':
      return nullable((v) => a.appendBigInt(BigInt(typeof v === 'number' ? Math.trunc(v) : String(v))));
    case 'integer':
    case 'int':
    case 'int4':
    case 'smallint':
    case 'tinyint':
      return nullable((v) => a.appendInteger(Number(v)));
    case 'double':
    case 'float8':
    case 'float':
    case 'real':
    case 'decimal':
    case 'numeric':
      return nullable((v) => a.appendDouble(Number(v)));
    case 'boolean':
    case 'bool':
      return nullable((v) => a.appendBoolean(v === true || v === 'true' || v === 'TRUE' || v === 1 || v === '1'));
    case 'timestamp':
      return nullable((v) => {
        const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(String(v));
        a.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round(ms)) * 1000n));
      });
    default:
      return (v) => (v === null || v === undefined ? a.appendNull() : a.appendVarchar(String(v)));
  }
}
