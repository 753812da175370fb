import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sm } from './run-cli.ts';

const PROJECT = fileURLToPath(new URL('../../../project', import.meta.url));

/** The Streamify project end to end on a small generated data set, in a copy of project/. */
describe('Streamify on DuckDB', () => {
  let dir: string;
  let db: DuckDBInstance;
  const q = async (sql: string) => {
    const c = await db.connect();
    try {
      return (await c.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    } finally {
      c.closeSync();
    }
  };
  const n = async (sql: string) => Number((await q(sql))[0]!.n);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sm-streamify-'));
    cpSync(PROJECT, dir, { recursive: true, filter: (src) => !/\/(target|lake|logs)(\/|$)/.test(src.slice(PROJECT.length)) });
    const gen = await sm('ingest', 'generate', '--project-dir', dir, '--users', '120', '--start', '2026-11-06', '--end', '2026-11-08', '--seed', '7');
    expect(gen.code, gen.err).toBe(0);
    const load = await sm('ingest', 'load', '--project-dir', dir);
    expect(load.code, load.err).toBe(0);
    const build = await sm('build', '--project-dir', dir);
    expect(build.code, build.out + build.err).toBe(0);
    db = await DuckDBInstance.create(join(dir, 'target/streamify.duckdb'));
  }, 300_000);

  afterAll(() => {
    db?.closeSync();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds all seven star-schema models with rows', async () => {
    const rows = await q(
      "select table_name, estimated_size from duckdb_tables() where table_name in ('dim_artists','dim_songs','dim_locations','dim_datetime','dim_users','fact_streams','wide_streams')",
    );
    expect(rows.map((r) => r.table_name).sort()).toEqual(['dim_artists', 'dim_datetime', 'dim_locations', 'dim_songs', 'dim_users', 'fact_streams', 'wide_streams']);
    for (const t of ['dim_artists', 'dim_songs', 'dim_locations', 'dim_datetime', 'dim_users', 'fact_streams', 'wide_streams']) {
      expect(await n(`select count(*) as n from (select * from duckdb_tables() where table_name = '${t}') t`)).toBe(1);
    }
  });

  it('has one wide row per fact row per listen', async () => {
    const listens = await n("select count(*) as n from (select distinct * exclude (_topic, _partition, _offset, _file, _ingested_at) from raw.listen_events)");
    const stg = await n(`select count(*) as n from ${await rel('stg_listen_events')}`);
    const fact = await n(`select count(*) as n from ${await rel('fact_streams')}`);
    const wide = await n(`select count(*) as n from ${await rel('wide_streams')}`);
    expect(stg).toBeGreaterThan(500);
    expect(stg).toBe(listens);
    expect(fact).toBe(stg);
    expect(wide).toBe(fact);
  });

  it('every fact key joins its dimension', async () => {
    const fact = await rel('fact_streams');
    const cols = (await q(`select column_name from information_schema.columns where table_name = 'fact_streams'`)).map((r) => String(r.column_name));
    const keys: [string, string][] = [
      ['dim_users', cols.find((c) => /user.*key/i.test(c))!],
      ['dim_songs', cols.find((c) => /song.*key/i.test(c))!],
      ['dim_artists', cols.find((c) => /artist.*key/i.test(c))!],
      ['dim_locations', cols.find((c) => /location.*key/i.test(c))!],
      ['dim_datetime', cols.find((c) => /date.*key/i.test(c))!],
    ];
    for (const [dim, key] of keys) {
      expect(key, `fact_streams has a key column for ${dim}`).toBeTruthy();
      const dimRel = await rel(dim);
      const dimKey = (await q(`select column_name from information_schema.columns where table_name = '${dim}'`)).map((r) => String(r.column_name)).find((c) => c.toLowerCase() === key.toLowerCase())!;
      const orphans = await n(`select count(*) as n from ${fact} f left join ${dimRel} d on f.${key} = d.${dimKey} where d.${dimKey} is null`);
      expect(orphans, `${key} -> ${dim}`).toBe(0);
    }
  });

  it('rebuilding is idempotent and the project tests pass', async () => {
    const before = await n(`select count(*) as n from ${await rel('wide_streams')}`);
    db.closeSync();
    const again = await sm('build', '--project-dir', dir);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/PASS\s+test/);
    db = await DuckDBInstance.create(join(dir, 'target/streamify.duckdb'));
    expect(await n(`select count(*) as n from ${await rel('wide_streams')}`)).toBe(before);
  });

  it('sm source freshness: every event topic just landed passes; dead_letters (freshness: null) is not checked', async () => {
    db.closeSync();
    const r = await sm('source', 'freshness', '--project-dir', dir, '--log-format', 'json');
    db = await DuckDBInstance.create(join(dir, 'target/streamify.duckdb'));
    expect(r.code, r.out + r.err).toBe(0);
    const finished = r.out.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === 'node_finished');
    expect(finished.map((e) => `${e.name}:${e.status}`).sort()).toEqual(['eventsim.auth_events:pass', 'eventsim.listen_events:pass', 'eventsim.page_view_events:pass', 'eventsim.status_change_events:pass']);
  });

  async function rel(table: string): Promise<string> {
    const r = await q(`select schema_name from duckdb_tables() where table_name = '${table}' union all select schema_name from duckdb_views() where view_name = '${table}'`);
    expect(r.length, `${table} exists once`).toBe(1);
    return `"${String(r[0]!.schema_name)}"."${table}"`;
  }
});
