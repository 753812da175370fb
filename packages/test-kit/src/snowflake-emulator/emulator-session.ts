import { LIST, listValue, VARCHAR, type DuckDBConnection, type DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { EmulatorError, fromDuckDb, unsupported } from './emulator-error.ts';
import { dropGrants, runGrant } from './emulator-grants.ts';
import { dmlResult, encodeResult, statusResult, type EncodedResult } from './result-encoder.ts';
import { statementTypes, translate, type ObjectName, type Plan } from './sql-translator.ts';

/** A statement as it ran, for tests to assert on (e.g. that every statement of a node carried its query tag). */
export interface QueryLogEntry {
  readonly sessionId: number;
  readonly requestId: string;
  readonly sql: string;
  readonly warehouse: string | undefined;
  readonly role: string | undefined;
  readonly queryTag: string | undefined;
}

export interface ExecutionResult extends EncodedResult {
  readonly statementTypeId: number;
}

/** Snowflake functions the Streamify SQL uses that DuckDB spells differently. */
const compatibilityMacros = [
  'CREATE OR REPLACE TEMP MACRO IFF(c, a, b) AS CASE WHEN c THEN a ELSE b END',
  'CREATE OR REPLACE TEMP MACRO NVL(a, b) AS coalesce(a, b)',
  'CREATE OR REPLACE TEMP MACRO DAYOFWEEKISO(d) AS isodow(d)',
  // Snowflake's regexp_like matches the whole subject, as if the pattern were anchored.
  'CREATE OR REPLACE TEMP MACRO REGEXP_LIKE(s, p) AS regexp_full_match(s, p)',
  // Snowflake: a number with a scale (3 = milliseconds) to a timestamp without time zone.
  'CREATE OR REPLACE TEMP MACRO TO_TIMESTAMP_NTZ(x, s) AS make_timestamp(CAST(round(x * pow(10, 6 - s)) AS BIGINT))',
];

/**
 * DuckDB resolves concurrent catalog changes optimistically and fails the loser with a
 * write-write conflict that Snowflake would never report; the emulator therefore runs one
 * DuckDB statement at a time across all sessions (waits excepted), which real Snowflake's
 * concurrency makes indistinguishable to a client.
 */
export class DuckLock {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

const quote = (id: string) => `"${id.replaceAll('"', '""')}"`;
const qualified = (n: ObjectName) => `${quote(n.database)}.${quote(n.schema)}.${quote(n.name)}`;

/**
 * One Snowflake session: its DuckDB connection, its current database/schema/warehouse/role and
 * query tag. Statements of a session run one at a time, as one DuckDB connection requires.
 */
export class EmulatorSession {
  readonly id: number;
  readonly user: string;
  readonly account: string;
  database: string | undefined;
  schema: string | undefined;
  warehouse: string | undefined;
  role: string | undefined;
  queryTag: string | undefined;
  sessionToken: string;
  masterToken: string;
  tokenExpired = false;
  /** Ended by the server: every request answers 390111. */
  gone = false;
  readonly #conn: DuckDBConnection;
  readonly #temporary = new Map<string, ObjectName>();
  readonly #databases: Set<string>;
  readonly #instance: DuckDBInstance;
  readonly #lock: DuckLock;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(init: { id: number; user: string; account: string; conn: DuckDBConnection; instance: DuckDBInstance; lock: DuckLock; databases: Set<string>; sessionToken: string; masterToken: string }) {
    this.id = init.id;
    this.user = init.user;
    this.account = init.account;
    this.#conn = init.conn;
    this.#instance = init.instance;
    this.#lock = init.lock;
    this.#databases = init.databases;
    this.sessionToken = init.sessionToken;
    this.masterToken = init.masterToken;
  }

  static async open(init: { id: number; user: string; account: string; instance: DuckDBInstance; lock: DuckLock; databases: Set<string>; sessionToken: string; masterToken: string }): Promise<EmulatorSession> {
    const conn = await init.instance.connect();
    for (const m of compatibilityMacros) await conn.run(m);
    return new EmulatorSession({ ...init, conn });
  }

  /** Applies the login's database/schema/warehouse/role, as Snowflake does silently when they exist. */
  async applyLoginContext(ctx: { database?: string; schema?: string; warehouse?: string; role?: string; queryTag?: string }): Promise<void> {
    this.warehouse = ctx.warehouse?.toUpperCase();
    this.role = ctx.role?.toUpperCase();
    this.queryTag = ctx.queryTag;
    const db = ctx.database?.toUpperCase();
    if (db && this.#databases.has(db)) {
      this.database = db;
      await this.#conn.run(`USE ${quote(db)}`);
      const schema = ctx.schema?.toUpperCase();
      // As in Snowflake, a login naming a schema that does not exist yet leaves the session without one.
      const exists = schema && (await this.#conn.runAndReadAll('SELECT 1 FROM information_schema.schemata WHERE catalog_name = $1 AND schema_name = $2', [db, schema])).getRows().length > 0;
      if (schema && exists) {
        this.schema = schema;
        await this.#conn.run(`USE ${quote(db)}.${quote(schema)}`);
      }
    }
  }

  interrupt(): void {
    this.#conn.interrupt();
  }

  /** Runs one statement after the session's previous one. */
  execute(sql: string, binds: DuckDBValue[] | DuckDBValue[][] | undefined, signal: AbortSignal, log: (e: QueryLogEntry) => void, requestId: string): Promise<ExecutionResult> {
    const run = this.#queue.then(async () => {
      if (signal.aborted) throw new EmulatorError('000604', '57014', 'SQL execution canceled');
      const plan = translate(sql, { database: this.database, schema: this.schema, session: { warehouse: this.warehouse, role: this.role ?? 'PUBLIC', user: this.user, account: this.account } });
      log({ sessionId: this.id, requestId, sql, warehouse: this.warehouse, role: this.role, queryTag: this.queryTag });
      if (plan.kind === 'duck' && plan.waitSeconds) await cancellableSleep(plan.waitSeconds * 1000, signal);
      return this.#lock.run(() => {
        if (signal.aborted) throw new EmulatorError('000604', '57014', 'SQL execution canceled');
        return this.#run(plan, binds);
      });
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #run(plan: Plan, binds: DuckDBValue[] | DuckDBValue[][] | undefined): Promise<ExecutionResult> {
    const ok = (status: string, statementTypeId: number = statementTypes.scl): ExecutionResult => ({ ...statusResult(status), statementTypeId });
    switch (plan.kind) {
      case 'use':
        if (plan.what === 'WAREHOUSE') this.warehouse = plan.name;
        else if (plan.what === 'ROLE') this.role = plan.name;
        else if (plan.what === 'DATABASE') {
          if (!this.#databases.has(plan.name)) throw new EmulatorError('002043', '02000', `SQL compilation error:\nObject does not exist, or operation cannot be performed.`);
          await this.#duck(`USE ${quote(plan.name)}`);
          this.database = plan.name;
          this.schema = undefined;
        } else {
          if (!this.database) throw new EmulatorError('090105', '22000', 'Cannot perform USE SCHEMA. This session does not have a current database.');
          await this.#duck(`USE ${quote(this.database)}.${quote(plan.name)}`);
          this.schema = plan.name;
        }
        return ok('Statement executed successfully.');
      case 'set':
        this.queryTag = plan.value;
        return ok('Statement executed successfully.');
      case 'create-database':
        if (this.#databases.has(plan.name)) {
          if (plan.ifNotExists) return ok(`${plan.name} already exists, statement succeeded.`, statementTypes.ddl);
          throw new EmulatorError('002002', '42710', `SQL compilation error:\nObject '${plan.name}' already exists.`);
        }
        await this.#duck(`ATTACH ':memory:' AS ${quote(plan.name)}`);
        await this.#duck(`CREATE SCHEMA IF NOT EXISTS ${quote(plan.name)}."PUBLIC"`);
        this.#databases.add(plan.name);
        return ok(`Database ${plan.name} successfully created.`, statementTypes.ddl);
      case 'swap':
        return this.#swap(plan.a, plan.b);
      case 'rename': {
        if (plan.from.database !== plan.to.database || plan.from.schema !== plan.to.schema) throw unsupported('rename across schemas', `${qualified(plan.from)} -> ${qualified(plan.to)}`);
        await this.#duck(`ALTER ${plan.objectKind} ${qualified(plan.from)} RENAME TO ${quote(plan.to.name)}`);
        return ok('Statement executed successfully.', statementTypes.ddl);
      }
      case 'duck': {
        const result = await this.#runDuck(plan, binds);
        if (plan.dropsGrants) await dropGrants(plan.dropsGrants, (q, p) => this.#duckRead(q, p));
        return result;
      }
      case 'grant':
      case 'show-grants': {
        const rows = await runGrant(plan, (q, p) => this.#duckRead(q, p), this.role ?? 'PUBLIC');
        return rows ? { ...encodeResult(rows), statementTypeId: statementTypes.select } : ok('Statement executed successfully.');
      }
    }
  }

  async #runDuck(plan: Extract<Plan, { kind: 'duck' }>, binds: DuckDBValue[] | DuckDBValue[][] | undefined): Promise<ExecutionResult> {
    if (plan.temporary) this.#temporary.set(qualified(plan.temporary), plan.temporary);
    const isArray = Array.isArray(binds?.[0]);
    if (isArray) {
      if (plan.resultKind !== 'insert') throw unsupported('array binds outside insert', plan.sql);
      const n = await this.#arrayInsert(plan.sql, binds as DuckDBValue[][]);
      return { ...dmlResult([['number of rows inserted', n]]), statementTypeId: plan.statementTypeId };
    }
    if (plan.resultKind === 'merge') {
      const before = await this.#count(plan.target!);
      const reader = await this.#duckRead(plan.sql, binds as DuckDBValue[] | undefined);
      const changed = reader.rowsChanged;
      const inserted = (await this.#count(plan.target!)) - before;
      return { ...dmlResult([['number of rows inserted', inserted], ['number of rows updated', changed - inserted]]), statementTypeId: plan.statementTypeId };
    }
    const reader = await this.#duckRead(plan.sql, binds as DuckDBValue[] | undefined);
    switch (plan.resultKind) {
      case 'rows':
        return { ...encodeResult(reader), statementTypeId: plan.statementTypeId };
      case 'insert':
        return { ...dmlResult([['number of rows inserted', reader.rowsChanged]]), statementTypeId: plan.statementTypeId };
      case 'delete':
        return { ...dmlResult([['number of rows deleted', reader.rowsChanged]]), statementTypeId: plan.statementTypeId };
      case 'update':
        return { ...dmlResult([['number of rows updated', reader.rowsChanged], ['number of multi-joined rows updated', 0]]), statementTypeId: plan.statementTypeId };
      default:
        return { ...statusResult(plan.status ?? 'Statement executed successfully.'), statementTypeId: plan.statementTypeId };
    }
  }

  /**
   * Array binds insert all rows or none. The shape the adapter emits, `insert into t (cols)
   * values (?, ...)`, becomes one statement over unnested lists (cast to the column types on
   * insert); any other shape runs once per row in a transaction.
   */
  async #arrayInsert(sql: string, columns: DuckDBValue[][]): Promise<number> {
    const m = /^(INSERT INTO [\s\S]+?\([\s\S]*?\))\s*VALUES\s*\(\s*((?:\?|\$\d+)(?:\s*,\s*(?:\?|\$\d+))*)\s*\)\s*$/.exec(sql);
    if (m && m[2]!.split(',').length === columns.length) {
      const select = columns.map((_c, i) => `UNNEST($${i + 1})`).join(', ');
      const lists = columns.map((c) => listValue(c.map((v) => (v === null ? null : String(v)))));
      const reader = await this.#conn.runAndReadAll(`${m[1]} SELECT ${select}`, lists, columns.map(() => LIST(VARCHAR))).catch((e: unknown) => {
        throw fromDuckDb(e);
      });
      return Number(reader.rowsChanged);
    }
    const rows = columns[0]?.length ?? 0;
    const stmt = await this.#conn.prepare(sql).catch((e: unknown) => {
      throw fromDuckDb(e);
    });
    let n = 0;
    await this.#duck('BEGIN TRANSACTION');
    try {
      for (let r = 0; r < rows; r++) {
        stmt.bind(columns.map((c) => c[r]!));
        const res = await stmt.run();
        n += Number(res.rowsChanged);
      }
      await this.#duck('COMMIT');
    } catch (e) {
      await this.#conn.run('ROLLBACK').catch(() => undefined);
      throw e instanceof EmulatorError ? e : fromDuckDb(e);
    } finally {
      stmt.destroySync();
    }
    return n;
  }

  /** `alter table a swap with b`: three renames in one transaction, so readers see either state. */
  async #swap(a: ObjectName, b: ObjectName): Promise<ExecutionResult> {
    if (a.database !== b.database || a.schema !== b.schema) throw unsupported('swap across schemas', `${qualified(a)} <-> ${qualified(b)}`);
    const tmp = `${a.name}__SM_EMULATOR_SWAP`;
    await this.#duck('BEGIN TRANSACTION');
    try {
      await this.#duck(`ALTER TABLE ${qualified(a)} RENAME TO ${quote(tmp)}`);
      await this.#duck(`ALTER TABLE ${qualified(b)} RENAME TO ${quote(a.name)}`);
      await this.#duck(`ALTER TABLE ${qualified({ ...a, name: tmp })} RENAME TO ${quote(b.name)}`);
      await this.#duck('COMMIT');
    } catch (e) {
      await this.#conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
    return { ...statusResult('Statement executed successfully.'), statementTypeId: statementTypes.ddl };
  }

  async #count(n: ObjectName): Promise<number> {
    const r = await this.#duckRead(`SELECT count(*) FROM ${qualified(n)}`);
    return Number(r.getRows()[0]![0]);
  }

  async #duck(sql: string): Promise<void> {
    await this.#duckRead(sql);
  }

  async #duckRead(sql: string, binds?: DuckDBValue[]) {
    try {
      return await this.#conn.runAndReadAll(sql, binds);
    } catch (e) {
      throw fromDuckDb(e);
    }
  }

  /** Ends the session: temporary tables go, the connection closes. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#lock.run(async () => {
      for (const t of this.#temporary.values()) await this.#conn.run(`DROP TABLE IF EXISTS ${qualified(t)}`).catch(() => undefined);
    });
    this.#conn.closeSync();
    void this.#instance;
  }
}

function cancellableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cancelled = () => {
      clearTimeout(t);
      reject(new EmulatorError('000604', '57014', 'SQL execution canceled'));
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', cancelled);
      resolve();
    }, ms);
    signal.addEventListener('abort', cancelled, { once: true });
  });
}
