import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Adapter, AdapterSession, Capabilities, Connection, ConnectOptions, TargetConfig } from '@smsql/core';
import { DuckDbConnection } from './duckdb-connection.ts';
import { DuckDbDialect } from './duckdb-dialect.ts';
import { duckDbLanding } from './duckdb-landing.ts';
import { openError } from './open-error.ts';

/**
 * DuckDB allows one writing process per file and resolves concurrent writers inside a process
 * optimistically; core serialises writes (`supportsMultipleWriters: false`) so builds never
 * fail on a write-write conflict, while each statement still uses every core. A statement run
 * outside `begin` is its own transaction, so a lone `create or replace ... as` either commits
 * whole or leaves the old relation (error, interrupt or kill alike): no begin/commit around it.
 */
export const duckDbCapabilities: Capabilities = {
  supportsMultipleWriters: false,
  supportsMerge: true,
  supportsTransactionalDdl: true,
  supportsAtomicCreateOrReplace: true,
};

export interface DuckDbTargetConfig extends TargetConfig {
  /** Database file, relative to the project directory; `:memory:` for an in-memory database. Default `target/<name>.duckdb`. */
  readonly path?: string;
  /** Extra DuckDB settings passed at open, e.g. `{ memory_limit: '4GB' }`. */
  readonly settings?: Record<string, string>;
  /** Extensions to load at open. */
  readonly extensions?: string[];
}

export function resolveDuckDbPath(target: TargetConfig, projectDir: string): string {
  const p = (target as DuckDbTargetConfig).path ?? `target/${target.name}.duckdb`;
  if (p === ':memory:' || p.startsWith('md:')) return p;
  return isAbsolute(p) ? p : resolve(projectDir, p);
}

class DuckDbSession implements AdapterSession {
  readonly #instance: DuckDBInstance;
  readonly #idle: DuckDbConnection[] = [];
  readonly #all = new Set<DuckDbConnection>();
  constructor(instance: DuckDBInstance) {
    this.#instance = instance;
  }
  async acquire(): Promise<Connection> {
    const c = this.#idle.pop();
    if (c) return c;
    const conn = new DuckDbConnection(await this.#instance.connect());
    this.#all.add(conn);
    return conn;
  }
  release(conn: Connection): void {
    this.#idle.push(conn as DuckDbConnection);
  }
  async cancelAll(): Promise<void> {
    for (const c of this.#all) c.raw.interrupt();
  }
  async close(): Promise<void> {
    for (const c of this.#all) c.raw.closeSync();
    this.#all.clear();
    this.#idle.length = 0;
    this.#instance.closeSync();
  }
}

export function createDuckDbAdapter(): Adapter {
  return {
    type: 'duckdb',
    dialect: new DuckDbDialect(),
    capabilities: duckDbCapabilities,
    landing: duckDbLanding,
    async connect(target: TargetConfig, options: ConnectOptions): Promise<AdapterSession> {
      const path = resolveDuckDbPath(target, options.projectDir);
      if (path !== ':memory:' && !path.startsWith('md:')) mkdirSync(dirname(path), { recursive: true });
      const settings: Record<string, string> = { ...((target as DuckDbTargetConfig).settings ?? {}) };
      let instance: DuckDBInstance;
      try {
        instance = await DuckDBInstance.create(path, settings);
      } catch (e) {
        throw openError(e, path, target.name) ?? e;
      }
      const session = new DuckDbSession(instance);
      const exts = (target as DuckDbTargetConfig).extensions ?? [];
      if (exts.length) {
        const c = await session.acquire();
        for (const e of exts) await c.execute(`load ${e}`);
        session.release(c);
      }
      return session;
    },
  };
}
