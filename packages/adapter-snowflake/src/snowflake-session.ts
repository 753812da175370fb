import type { AdapterSession, Connection } from '@smsql/core';
import { driverSettings, redactSecrets, type DriverSettings, type SnowflakeTargetConfig } from './snowflake-config.ts';
import { SnowflakeConnection, type SessionContext } from './snowflake-connection.ts';
import type { SnowflakeDialect } from './snowflake-dialect.ts';
import type { SnowflakeSdk } from './snowflake-driver.ts';

/** A login Snowflake refused or that never reached it. Names the account and the method, never a secret. */
export class SnowflakeLoginError extends Error {
  readonly kind = 'WarehouseError';
  readonly code = 'SM_SNOWFLAKE_LOGIN';
  constructor(message: string) {
    super(message);
    this.name = 'SnowflakeLoginError';
  }
}

/** What a node may say about the session it runs in: `query_tag` and `snowflake_warehouse` from its config. */
export interface NodeSessionConfig {
  readonly config?: Readonly<Record<string, unknown>>;
}

/**
 * A pool of Snowflake sessions, one per thread. Each acquisition names the node's context so
 * that every statement of that node, tests included, runs with its query tag and warehouse.
 */
export class SnowflakeSession implements AdapterSession {
  readonly #sdk: SnowflakeSdk;
  readonly #settings: DriverSettings;
  readonly #dialect: SnowflakeDialect;
  #defaults: SessionContext;
  #defaultsKnown: boolean;
  readonly #idle: SnowflakeConnection[] = [];
  readonly #all = new Set<SnowflakeConnection>();

  constructor(sdk: SnowflakeSdk, target: SnowflakeTargetConfig, dialect: SnowflakeDialect) {
    this.#sdk = sdk;
    this.#settings = driverSettings(target);
    this.#dialect = dialect;
    this.#defaults = { queryTag: target.query_tag || undefined, warehouse: target.warehouse ? dialect.normalizeIdentifier(target.warehouse) : undefined };
    this.#defaultsKnown = !!this.#defaults.warehouse;
  }

  /** The context a node runs under: its own `query_tag`/`snowflake_warehouse`, else the target's. */
  contextFor(node?: NodeSessionConfig): SessionContext {
    const c = node?.config ?? {};
    const tag = typeof c.query_tag === 'string' ? c.query_tag : this.#defaults.queryTag;
    const wh = typeof c.snowflake_warehouse === 'string' && c.snowflake_warehouse ? c.snowflake_warehouse : this.#defaults.warehouse;
    // Warehouse names fold like any identifier, so `wh` and `WH` need no switch.
    return { queryTag: tag, warehouse: wh === undefined ? undefined : this.#dialect.normalizeIdentifier(wh) };
  }

  async acquire(node?: NodeSessionConfig): Promise<Connection> {
    const conn = this.#idle.pop() ?? (await this.open());
    try {
      await conn.applyContext(this.contextFor(node));
    } catch (e) {
      this.release(conn);
      throw e;
    }
    return conn;
  }

  /** A connection whose session the server ended is closed rather than pooled; the next acquire logs in afresh. */
  release(conn: Connection): void {
    const c = conn as SnowflakeConnection;
    if (!this.#all.has(c)) return;
    if (c.isUp) this.#idle.push(c);
    else {
      this.#all.delete(c);
      void c.close().catch(() => undefined);
    }
  }

  async cancelAll(): Promise<void> {
    await Promise.all([...this.#all].map((c) => c.cancel()));
  }

  async close(): Promise<void> {
    const all = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    await Promise.all(all.map((c) => c.close().catch(() => undefined)));
  }

  /** Logs in a new session; the driver retries network errors, 5xx and 429 up to `connect_retries` times. */
  async open(): Promise<SnowflakeConnection> {
    const s = this.#settings;
    const raw = this.#sdk.createConnection(s.options as never);
    try {
      if (s.method === 'externalbrowser') await raw.connectAsync(() => undefined);
      else await new Promise<void>((resolve, reject) => raw.connect((err) => (err ? reject(err) : resolve())));
    } catch (e) {
      const detail = redactSecrets(e instanceof Error ? e.message : String(e), s.secrets);
      throw new SnowflakeLoginError(`Could not log in to Snowflake account "${s.account}" with ${s.method} authentication: ${detail}`);
    }
    const conn = new SnowflakeConnection(raw, this.#dialect, s.secrets, this.#defaults);
    this.#all.add(conn);
    if (!this.#defaultsKnown) {
      // Without a target warehouse the user's default applies; learn it, so a node that switched
      // warehouses can be followed by one that runs on the default again.
      const w = (await conn.execute('select current_warehouse() as warehouse')).rows[0]?.warehouse;
      this.#defaults = { ...this.#defaults, warehouse: typeof w === 'string' && w ? w : undefined };
      this.#defaultsKnown = true;
      conn.resetContext(this.#defaults);
    }
    return conn;
  }
}
