import { mkdirSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDuckDbAdapter, resolveDuckDbPath } from './index.ts';

describe('duckdb adapter', () => {
  it('executes, describes, appends and reports SQL errors with the SQL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-duck-'));
    const adapter = createDuckDbAdapter();
    const session = await adapter.connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 1 }, { projectDir: dir });
    const c = await session.acquire();
    await c.execute('create schema s');
    await c.execute('create table s.t (a bigint, b varchar, c timestamp, d boolean, e double)');
    const n = await c.append!({ schema: 's', identifier: 't' }, [
      { name: 'a', type: 'bigint' }, { name: 'b', type: 'varchar' }, { name: 'c', type: 'timestamp' }, { name: 'd', type: 'boolean' }, { name: 'e', type: 'double' },
    ], [[1, 'x', 0, true, 1.5], [2, null, null, false, null]]);
    expect(n).toBe(2);
    await c.execute('create view s.v as select a from s.t');
    const rel = await c.describe('s');
    expect(rel.map((r) => [r.identifier, r.kind, r.columns.length])).toEqual([['t', 'table', 5], ['v', 'view', 1]]);
    const res = await c.execute('select a, b, d from s.t order by a');
    expect(res.rows).toEqual([{ a: 1n, b: 'x', d: true }, { a: 2n, b: null, d: false }]);
    await expect(c.execute('select * from nope')).rejects.toMatchObject({ kind: 'WarehouseError', sql: 'select * from nope' });
    session.release(c);
    await session.close();
  });

  it("names the default database as DuckDB names the attached file (what dbt-duckdb's target.database and this.database read)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-duck-'));
    const adapter = createDuckDbAdapter();
    for (const path of ['demo.duckdb', 'sub/warehouse.db', ':memory:']) {
      const target = { type: 'duckdb', name: 'dev', schema: 'main', threads: 1, path };
      if (path.startsWith('sub/')) mkdirSync(join(dir, 'sub'), { recursive: true });
      const session = await adapter.connect(target, { projectDir: dir });
      const c = await session.acquire();
      const res = await c.execute('select current_database() as db');
      expect(adapter.dialect.defaultDatabase!(target)).toBe(res.rows[0]!.db);
      session.release(c);
      await session.close();
    }
  });

  // dbt-duckdb 1.11.1 (recorded: path "~/x.duckdb" made $HOME/x.duckdb): DuckDB expands a leading ~. sm made a folder named "~" in the project.
  it('reads a path starting with ~/ as in the home folder, as DuckDB does; other paths from the project folder', () => {
    const target = (path: string) => ({ type: 'duckdb', name: 'dev', schema: 'main', threads: 1, path });
    expect(resolveDuckDbPath(target('~/warehouse.duckdb'), '/p')).toBe(join(homedir(), 'warehouse.duckdb'));
    expect(resolveDuckDbPath(target('~'), '/p')).toBe(homedir());
    expect(resolveDuckDbPath(target('~x.duckdb'), '/p')).toBe('/p/~x.duckdb');
    expect(resolveDuckDbPath(target('target/a.duckdb'), '/p')).toBe('/p/target/a.duckdb');
  });
});
