import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Adapter, AdapterSession, Capabilities, ConnectOptions, TargetConfig } from '@smsql/core';
import { DuckDbDialect } from './duckdb-dialect.ts';
import { duckDbLanding } from './duckdb-landing.ts';
import type { DuckDbTargetConfig } from './duckdb-target-config.ts';
import { makeDirs } from '@smsql/core';

export type { DuckDbTargetConfig } from './duckdb-target-config.ts';

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


export function resolveDuckDbPath(target: TargetConfig, projectDir: string): string {
  const p = (target as DuckDbTargetConfig).path ?? `target/${target.name}.duckdb`;
  if (p === ':memory:' || p.startsWith('md:')) return p;
  // `~/x.duckdb` is in the home folder, as DuckDB (and so dbt-duckdb) expands it: sm made a folder named "~" in the project.
  if (p === '~' || p.startsWith('~/')) return join(homedir(), p.slice(1));
  return isAbsolute(p) ? p : resolve(projectDir, p);
}

export function createDuckDbAdapter(): Adapter {
  return {
    type: 'duckdb',
    dialect: new DuckDbDialect(),
    capabilities: duckDbCapabilities,
    landing: duckDbLanding,
    async connect(target: TargetConfig, options: ConnectOptions): Promise<AdapterSession> {
      const path = resolveDuckDbPath(target, options.projectDir);
      if (path !== ':memory:' && !path.startsWith('md:')) makeDirs(dirname(path));
      // The native binding loads here, on the first connection: compile, ls and parse need only the dialect.
      const { openDuckDbSession } = await import('./duckdb-session.ts');
      return openDuckDbSession(path, target as DuckDbTargetConfig, options.projectDir);
    },
    stateStamp(target: TargetConfig, options: ConnectOptions): string | undefined {
      const path = resolveDuckDbPath(target, options.projectDir);
      if (path === ':memory:' || path.startsWith('md:')) return undefined;
      const of = (p: string) => {
        const s = statSync(p, { throwIfNoEntry: false });
        return s ? `${s.size}:${s.mtimeMs}:${s.ino}` : '-';
      };
      return `${of(path)}|${of(`${path}.wal`)}`;
    },
    holdsNothing(target: TargetConfig, options: ConnectOptions): boolean {
      const path = resolveDuckDbPath(target, options.projectDir);
      return path !== ':memory:' && !path.startsWith('md:') && !existsSync(path);
    },
  };
}
