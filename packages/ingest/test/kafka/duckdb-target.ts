import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import type { Adapter, AdapterSession, Connection } from '@smsql/core';

/** A DuckDB file in a temp dir through the real adapter, as `sm ingest kafka --target dev` would open it. */
export interface DuckDbTarget {
  readonly path: string;
  readonly adapter: Adapter;
  readonly session: AdapterSession;
  readonly conn: Connection;
  /** Rows of a query, numbers as JS numbers. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  count(sql: string): Promise<number>;
  close(opts?: { keepFile?: boolean }): Promise<void>;
}

export async function openDuckDbTarget(path?: string): Promise<DuckDbTarget> {
  const dir = path ? undefined : mkdtempSync(join(tmpdir(), 'sm-kafka-duck-'));
  const file = path ?? join(dir!, 'dev.duckdb');
  const adapter = createDuckDbAdapter();
  const session = await adapter.connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 1, path: file }, { projectDir: dir ?? tmpdir() });
  const conn = await session.acquire();
  const rows = async (sql: string) => (await conn.execute(sql)).rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  return {
    path: file,
    adapter,
    session,
    conn,
    rows,
    count: async (sql) => Number(Object.values((await rows(sql))[0]!)[0]),
    async close(opts = {}) {
      await session.close();
      if (dir && !opts.keepFile) rmSync(dir, { recursive: true, force: true });
    },
  };
}
