import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { sm, smProcess } from './run-cli.ts';

const PROJECT = fileURLToPath(new URL('../../../project', import.meta.url));

/**
 * Each lake model beside its definition over the star schema (staging views and marts): the two
 * queries must return the same rows, EXCEPT ALL both ways. Hive partition columns come back
 * from folder names with types of their own, hence the casts.
 */
const SESSIONS_OVER_STAGING = `
  with marked as (
    select *, case
      when lag(event_ts) over (partition by session_id order by event_ts, item_in_session) is null then 1
      when event_ts - lag(event_ts) over (partition by session_id order by event_ts, item_in_session) > interval '30 minutes' then 1
      else 0 end as is_start
    from main_staging.stg_page_view_events),
  numbered as (select *, sum(is_start) over (partition by session_id order by event_ts, item_in_session rows between unbounded preceding and current row) as seq from marked)
  select cast(min(event_ts) as date), session_id, max(user_id), min(event_ts), max(event_ts), datediff('second', min(event_ts), max(event_ts)),
         count(*), count_if(page = 'NextSong')
  from numbered group by session_id, seq`;

const DEFINITIONS: Record<string, [lake: string, star: string]> = {
  silver_listen_events: ['select * exclude (_ingested_at, event_date, event_hour) from main_silver.silver_listen_events', 'select * from main_staging.stg_listen_events'],
  silver_page_view_events: ['select * exclude (_ingested_at, event_date, event_hour) from main_silver.silver_page_view_events', 'select * from main_staging.stg_page_view_events'],
  silver_auth_events: ['select * exclude (_ingested_at, event_date, event_hour) from main_silver.silver_auth_events', 'select * from main_staging.stg_auth_events'],
  silver_status_change_events: ['select * exclude (_ingested_at, event_date, event_hour) from main_silver.silver_status_change_events', 'select * from main_staging.stg_status_change_events'],
  gold_listens_hourly: [
    'select cast(event_date as date), cast(event_hour as int), hour_start, level, listens, listeners, seconds_played from main_gold.gold_listens_hourly',
    "select cast(date_day as date), cast(hour_of_day as int), date_trunc('hour', event_ts), level, count(*), count(distinct user_id), sum(cast(duration as decimal(18, 3))) from main_marts.wide_streams group by all",
  ],
  gold_listens_by_state: [
    'select cast(event_date as date), state_code, state_name, listens, listeners from main_gold.gold_listens_by_state',
    'select cast(date_day as date), state_code, state_name, count(*), count(distinct user_id) from main_marts.wide_streams group by all',
  ],
  gold_song_plays_daily: [
    'select cast(event_date as date), artist, song, listens, listeners from main_gold.gold_song_plays_daily',
    'select cast(date_day as date), artist, song, count(*), count(distinct user_id) from main_marts.wide_streams group by all',
  ],
  gold_artist_plays_daily: [
    'select cast(event_date as date), artist, listens, listeners from main_gold.gold_artist_plays_daily',
    'select cast(date_day as date), artist, count(*), count(distinct user_id) from main_marts.wide_streams group by all',
  ],
  gold_active_users_daily: [
    'select cast(event_date as date), level, active_users from main_gold.gold_active_users_daily',
    'select cast(date_day as date), level, count(distinct user_id) from main_marts.wide_streams group by all',
  ],
  gold_level_changes_daily: [
    'select cast(event_date as date), level_change, changes, users from main_gold.gold_level_changes_daily',
    "select cast(event_ts as date), case level when 'free' then 'free_to_paid' else 'paid_to_free' end, count(*), count(distinct user_id) from main_staging.stg_status_change_events where level in ('free', 'paid') group by all",
  ],
  gold_sessions: [
    'select cast(session_date as date), session_id, user_id, started_at, ended_at, length_seconds, page_views, listens from main_gold.gold_sessions',
    SESSIONS_OVER_STAGING,
  ],
};

/** Parquet files under a lake folder: relative path -> inode and modification time. */
function files(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.parquet')).map((f) => {
      const s = statSync(join(dir, f));
      return [f, `${s.ino}:${s.mtimeMs}`];
    }),
  );
}

describe('Streamify lake layers: silver and gold Parquet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sm-lake-'));
  const lake = join(dir, 'target/lake');
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
  const equalToDefinitions = async (when: string) => {
    for (const [model, [lakeSql, starSql]] of Object.entries(DEFINITIONS)) {
      const rows = await n(`select count(*) from (${lakeSql})`);
      expect(rows, `${model} ${when}: empty`).toBeGreaterThan(0);
      expect(await n(`select count(*) from ((${lakeSql}) except all (${starSql}))`), `${model} ${when}: rows its definition lacks`).toBe(0);
      expect(await n(`select count(*) from ((${starSql}) except all (${lakeSql}))`), `${model} ${when}: rows the lake lacks`).toBe(0);
    }
  };

  it('equal their definitions over the star schema after a full build and after an incremental hour, which writes only its own partitions, and a run with nothing new writes none', async () => {
    cpSync(PROJECT, dir, { recursive: true, filter: (src) => !/\/(target|lake|logs|dashboard|airflow)(\/|$)/.test(src.slice(PROJECT.length)) });
    await ok('ingest', 'generate', '--users', '60', '--start', '2026-11-06', '--end', '2026-11-07', '--seed', '5');
    await ok('ingest', 'load');
    await ok('build');
    await equalToDefinitions('after a full build');
    // Partition folders as a lake reader expects them.
    expect(readdirSync(join(lake, 'silver/listen_events')).sort()).toEqual(['event_date=2026-11-06']);
    expect(readdirSync(join(lake, 'silver/listen_events/event_date=2026-11-06')).length).toBe(24);
    expect(await n("select count(*) from main_silver.silver_listen_events where event_date <> cast(event_ts as date) or event_hour <> hour(event_ts)")).toBe(0);

    const before = new Map(['silver/listen_events', 'silver/page_view_events', 'gold/listens_hourly', 'gold/listens_by_state', 'gold/song_plays_daily', 'gold/active_users_daily'].map((m) => [m, files(join(lake, m))]));
    await ok('ingest', 'generate', '--users', '60', '--start', '2026-11-07T00:00:00Z', '--end', '2026-11-07T01:00:00Z', '--seed', '5');
    await ok('ingest', 'load');
    await ok('build');
    await equalToDefinitions('after an incremental hour');
    for (const [m, old] of before) {
      const now = files(join(lake, m));
      const changed = [...now].filter(([f, v]) => old.get(f) !== v).map(([f]) => f.split('/').slice(0, -1).join('/')).sort();
      const hourly = m.startsWith('silver') || m === 'gold/listens_hourly';
      // The new hour's partition only; every file of the day before is the very same file.
      expect(changed, m).toEqual([hourly ? 'event_date=2026-11-07/event_hour=0' : 'event_date=2026-11-07']);
      for (const [f, v] of old) expect(now.get(f), `${m}/${f}`).toBe(v);
    }
    // A run with nothing new landed (each model's list of changed partitions is empty, read
    // through the year-1 stand-in of in_new_partitions) rewrites no file and loses none.
    const lakeModels = [...readdirSync(join(lake, 'silver')).map((m) => `silver/${m}`), ...readdirSync(join(lake, 'gold')).map((m) => `gold/${m}`)];
    const beforeIdle = new Map(lakeModels.map((m) => [m, files(join(lake, m))]));
    expect(lakeModels.length).toBe(11);
    await ok('build');
    for (const [m, old] of beforeIdle) expect(files(join(lake, m)), m).toEqual(old);
    await equalToDefinitions('after a run with nothing new');
    const rr = (await ok('ls', '-s', 'tag:gold', '--output', 'name')).out.split('\n').sort();
    expect(rr).toEqual(['gold_active_users_daily', 'gold_artist_plays_daily', 'gold_level_changes_daily', 'gold_listens_by_state', 'gold_listens_hourly', 'gold_sessions', 'gold_song_plays_daily']);
  }, 600_000);

  it('are read by another process while sm build rewrites them (no database file lock)', async () => {
    const stop = join(dir, 'stop-reading');
    const glob = join(lake, 'gold/listens_hourly/**/*.parquet');
    // A second process with its own in-memory DuckDB reads the gold files in a loop and prints
    // one line per read: the time and the total listens, or the error.
    const reader = spawn(process.execPath, ['--input-type=module', '-e', `
      import { DuckDBInstance } from '@duckdb/node-api';
      import { existsSync } from 'node:fs';
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      while (!existsSync(${JSON.stringify(stop)})) {
        try {
          const r = await c.runAndReadAll(\`select sum(listens)::bigint as n from read_parquet('${glob}', hive_partitioning = true)\`);
          console.log(Date.now() + ' ' + r.getRowObjectsJS()[0].n);
        } catch (e) { console.log(Date.now() + ' ERROR ' + String(e.message).split('\\n')[0]); }
      }
    `], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let err = '';
    reader.stdout.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    reader.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<number | null>((resolve) => reader.on('exit', resolve));
    try {
      await expect.poll(() => lines.length, { timeout: 60_000 }).toBeGreaterThan(0);
      const total = await n('select sum(listens) from main_gold.gold_listens_hourly');
      // A full rebuild in a separate sm process, which holds the database file the whole time.
      const started = Date.now();
      const build = smProcess(['build', '--full-refresh', '-s', '+tag:gold', '--project-dir', dir]);
      let out = '';
      build.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      build.stderr.on('data', (d: Buffer) => { out += d.toString(); });
      const code = await new Promise<number | null>((resolve) => build.on('exit', resolve));
      const ended = Date.now();
      expect(code, out).toBe(0);
      const during = lines.map((l) => l.split(' ')).filter(([t]) => Number(t) >= started && Number(t) <= ended);
      expect(during.length, `reads while sm build ran (${ended - started} ms)`).toBeGreaterThan(0);
      // Every read succeeded and saw the whole layer: each file whole, none missing.
      expect(lines.filter((l) => l.includes('ERROR')), err).toEqual([]);
      expect(new Set(during.map(([, v]) => Number(v)))).toEqual(new Set([total]));
    } finally {
      writeFileSync(stop, '');
      await exited;
    }
  }, 600_000);
});
