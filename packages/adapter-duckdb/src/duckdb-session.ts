import { DuckDBInstance } from '@duckdb/node-api';
import { SmProjectError, type AdapterSession, type Connection } from '@smsql/core';
import type { DuckDbTargetConfig } from './duckdb-target-config.ts';
import { DuckDbConnection } from './duckdb-connection.ts';
import { openError } from './open-error.ts';

/** Open the database file at `path` with the target's settings and extensions. Loads the native binding. */
export async function openDuckDbSession(path: string, target: DuckDbTargetConfig): Promise<AdapterSession> {
  const settings: Record<string, string> = { ...(target.settings ?? {}) };
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, settings);
  } catch (e) {
    throw openError(e, path, target.name);
  }
  const session = new DuckDbSession(instance);
  const exts = target.extensions ?? [];
  if (exts.length) {
    const c = await session.acquire();
    for (const e of exts) {
      try {
        await c.execute(`load ${e}`);
      } catch (err) {
        await session.close();
        throw new SmProjectError([{ code: 'SM_DATABASE_UNUSABLE', severity: 'error', message: `Target "${target.name}" lists extension "${e}", which DuckDB could not load: ${(err as Error).message.split('\n')[0]}`, hint: `Install it first (INSTALL ${e} in DuckDB, with network access), or remove it from \`extensions:\` of target "${target.name}" in profiles.yml.`, cause: err }]);
      }
    }
    session.release(c);
  }
  return session;
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
    // cancel(), not raw.interrupt(): a bulk append in progress checks the connection's cancel count.
    for (const c of this.#all) await c.cancel();
  }
  async close(): Promise<void> {
    for (const c of this.#all) c.raw.closeSync();
    this.#all.clear();
    this.#idle.length = 0;
    this.#instance.closeSync();
  }
}
