import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDuckDbAdapter } from '@smsql/adapter-duckdb';
import { landFiles, writeLake } from '@smsql/ingest';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * The checks on generated Eventsim data: day 1 built, day 2 landed and run
 * incrementally, a replayed hour, and the result compared with a --full-refresh build row for row.
 */
const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 2\n';

const FILES = {
  'profiles.yml': PROFILE,
  'sm_project.yml': 'name: demo\nprofile: demo\nvars:\n  lookback_hours: 3\n',
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: listen_events\n',
  // Replays land the same event twice; staging keeps the first landing of each. Session ids restart
  // with each generator run, so a listen is (session, item, ts).
  'models/stg_listens.sql': `select session_id, item_in_session, user_id, level, song, artist, to_timestamp(ts / 1000)::timestamp as ts
from {{ source('raw', 'listen_events') }}
qualify row_number() over (partition by session_id, item_in_session, ts order by _ingested_at, _file, _offset) = 1`,
  'models/fact_listens.sql': `{{ config(materialized='incremental', unique_key=['session_id', 'item_in_session', 'ts'], on_schema_change='fail') }}
select md5(session_id::varchar || '-' || item_in_session::varchar || '-' || ts::varchar) as listen_key, * from {{ ref('stg_listens') }}
{% if is_incremental() %}where ts > (select max(ts) from {{ this }}) - interval {{ var('lookback_hours') }} hour{% endif %}`,
  'models/listens_lake.sql': `{{ config(materialized='external', partition_by=['day', 'hour'], incremental_strategy='insert_overwrite') }}
select strftime(ts, '%Y-%m-%d') as day, hour(ts) as hour, listen_key, user_id, song from {{ ref('fact_listens') }}
{% if is_incremental() %}where ts >= (select max(cast(day as date) + to_hours(cast(hour as integer))) from {{ this }}){% endif %}`,
};

async function withDb<T>(dir: string, f: (c: Awaited<ReturnType<Awaited<ReturnType<ReturnType<typeof createDuckDbAdapter>['connect']>>['acquire']>>) => Promise<T>): Promise<T> {
  const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 1, path: join(dir, 'target/demo.duckdb') }, { projectDir: dir });
  try {
    return await f(await session.acquire());
  } finally {
    await session.close();
  }
}

const land = (dir: string, lake: string) => withDb(dir, (c) => landFiles({ connection: c, adapter: createDuckDbAdapter() }, { lakeDir: lake, topics: ['listen_events'] }));
const one = async (dir: string, q: string) => withDb(dir, async (c) => Number(Object.values((await c.execute(q)).rows[0]!)[0]));

describe('Streamify-shaped incremental runs on generated events', () => {
  it('day 2 adds exactly its listens, a replayed hour changes nothing, and the result equals a full refresh', async () => {
    const dir = writeProject(FILES);
    const lake = mkdtempSync(join(tmpdir(), 'sm-lake-'));
    const gen = { users: 40, seed: 11 };
    await writeLake({ ...gen, start: '2026-03-02T00:00:00Z', end: '2026-03-03T00:00:00Z', outDir: lake });
    const day1 = (await land(dir, lake)).counts.listen_events;
    expect(day1).toBeGreaterThan(50);
    let r = await sm('run', '--project-dir', dir);
    expect(r.code, r.out).toBe(0);
    expect(await one(dir, 'select count(*) from main.fact_listens')).toBe(day1);

    await writeLake({ ...gen, start: '2026-03-03T00:00:00Z', end: '2026-03-04T00:00:00Z', outDir: lake });
    const day2 = (await land(dir, lake)).counts.listen_events;
    expect(day2).toBeGreaterThan(50);
    r = await sm('run', '--project-dir', dir);
    expect(r.code, r.out).toBe(0);
    expect(await one(dir, 'select count(*) from main.fact_listens')).toBe(day1 + day2);
    expect(await one(dir, 'select count(*) from main.listens_lake')).toBe(day1 + day2);

    // A replay: the same hour's events landed again under another file name.
    const hourDir = join(lake, 'listen_events/year=2026/month=03/day=03/hour=12');
    copyFileSync(join(hourDir, readdirSync(hourDir)[0]!), join(hourDir, 'part-replay.json'));
    const replayed = (await land(dir, lake)).counts.listen_events;
    expect(replayed).toBeGreaterThan(0);
    const before = await withDb(dir, async (c) => {
      await c.execute('create table main.fact_before as select * from main.fact_listens');
      await c.execute('create table main.lake_before as select * from main.listens_lake');
      return 0;
    });
    expect(before).toBe(0);
    r = await sm('run', '--project-dir', dir);
    expect(r.code, r.out).toBe(0);
    const diff = (a: string, b: string) => `select count(*) from (select * from ${a} except all select * from ${b})`;
    expect(await one(dir, diff('main.fact_listens', 'main.fact_before'))).toBe(0);
    expect(await one(dir, diff('main.fact_before', 'main.fact_listens'))).toBe(0);

    // Row for row equal to a full rebuild over both days.
    r = await sm('run', '--project-dir', dir, '--full-refresh');
    expect(r.code, r.out).toBe(0);
    expect(await one(dir, 'select count(*) from main.fact_listens')).toBe(day1 + day2);
    expect(await one(dir, diff('main.fact_listens', 'main.fact_before'))).toBe(0);
    expect(await one(dir, diff('main.fact_before', 'main.fact_listens'))).toBe(0);
    expect(await one(dir, diff('main.listens_lake', 'main.lake_before'))).toBe(0);
    expect(await one(dir, diff('main.lake_before', 'main.listens_lake'))).toBe(0);
  });
});
