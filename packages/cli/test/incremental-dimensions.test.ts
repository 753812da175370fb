import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { sm } from './run-cli.ts';

const PROJECT = fileURLToPath(new URL('../../../project', import.meta.url));
const STAR = ['dim_users', 'dim_locations', 'dim_artists', 'dim_songs', 'dim_datetime', 'fact_streams', 'wide_streams'];

/**
 * Issue 4's hourly runs on the Streamify project: dim_users, dim_locations and dim_datetime are
 * incremental too, so after a day built in full and new hours run one by one (one of them landing late,
 * after the hour that follows it), every star-schema model must hold exactly the rows a
 * --full-refresh build over the same events gives.
 */
const LAKE = [
  ...['silver_listen_events', 'silver_page_view_events', 'silver_auth_events', 'silver_status_change_events'].map((m) => ['main_silver', m] as const),
  ...['gold_listens_hourly', 'gold_listens_by_state', 'gold_song_plays_daily', 'gold_artist_plays_daily', 'gold_active_users_daily', 'gold_level_changes_daily', 'gold_sessions'].map((m) => ['main_gold', m] as const),
];

describe('Streamify hourly incremental runs equal a full refresh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sm-streamify-hourly-'));
  afterAll(() => (process.env.SM_KEEP ? console.log(dir) : rmSync(dir, { recursive: true, force: true })));

  async function q(sql: string): Promise<Record<string, unknown>[]> {
    const db = await DuckDBInstance.create(join(dir, 'target/streamify.duckdb'));
    const c = await db.connect();
    try {
      return (await c.runAndReadAll(sql)).getRowObjectsJS();
    } finally {
      c.closeSync();
      db.closeSync();
    }
  }
  const n = async (sql: string) => Number(Object.values((await q(sql))[0]!)[0]);
  const ok = async (...argv: string[]) => {
    const r = await sm(...argv, '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    return r;
  };
  const hour = async (h: number) => {
    const at = (x: number) => `2026-11-07T${String(x).padStart(2, '0')}:00:00Z`;
    await ok('ingest', 'generate', '--users', '80', '--start', at(h), '--end', at(h + 1), '--seed', '5');
    await ok('ingest', 'load');
    await ok('run');
    const rr = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; message: string }[] };
    return (m: string) => rr.results.find((x) => x.unique_id === `model.streamify.${m}`)!.message;
  };

  it('dimensions, fact, wide table and lake layers after hourly runs (one hour late) match a full refresh row for row', async () => {
    cpSync(PROJECT, dir, { recursive: true, filter: (src) => !/\/(target|lake|logs)(\/|$)/.test(src.slice(PROJECT.length)) });
    await ok('ingest', 'generate', '--users', '80', '--start', '2026-11-06', '--end', '2026-11-07', '--seed', '5');
    await ok('ingest', 'load');
    await ok('build');
    const usersDay1 = await n('select count(*) from main_marts.dim_users');

    // Hours 00 and 02, then 01 arriving late (inside lookback_hours), then 03.
    for (const h of [0, 2, 1, 3]) {
      const message = await hour(h);
      // The dimensions rewrite only what the new hour touched, not the whole table.
      const users = Number(/^\+(\d+) rows$/.exec(message('dim_users'))?.[1]);
      expect(users, message('dim_users')).toBeGreaterThan(0);
      expect(users).toBeLessThan(await n('select count(*) from main_marts.dim_users'));
    }
    expect(await n('select count(*) from main_marts.dim_users')).toBeGreaterThan(usersDay1);
    // The new hours changed the level of users who already had history, so their earlier runs
    // were read back from the table and their current run ended.
    expect(await n("select count(distinct user_id) from main_marts.dim_users where valid_from >= '2026-11-07' and user_id in (select user_id from main_marts.dim_users where valid_from < '2026-11-07')")).toBeGreaterThan(0);

    for (const m of STAR) await q(`create or replace table main.hourly_${m} as select * from main_marts.${m}`);
    // The lake layers too: the gold models find what to rebuild from the raw rows landed since their last run.
    for (const [schema, m] of LAKE) await q(`create or replace table main.hourly_${m} as select * from ${schema}.${m}`);
    await ok('run', '--full-refresh');
    for (const [schema, m] of [...STAR.map((x) => ['main_marts', x] as const), ...LAKE]) {
      const diff = (a: string, b: string) => n(`select count(*) from (select * from ${a} except all select * from ${b})`);
      expect(await diff(`${schema}.${m}`, `main.hourly_${m}`), `${m}: rows the hourly runs lack`).toBe(0);
      expect(await diff(`main.hourly_${m}`, `${schema}.${m}`), `${m}: rows a full build lacks`).toBe(0);
      expect(await n(`select count(*) from ${schema}.${m}`)).toBeGreaterThan(1);
    }
  });
});
