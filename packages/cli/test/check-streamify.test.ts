import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProjectCollecting } from '@smsql/core';
import { DEAD_LETTER_COLUMNS, rawColumns, TOPICS } from '@smsql/ingest';
import { describe, expect, it } from 'vitest';
import { sm } from './run-cli.ts';

const PROJECT = fileURLToPath(new URL('../../../project', import.meta.url));

/** A copy of project/ (no target, lake or logs) to change and check. */
function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sm-check-'));
  cpSync(PROJECT, dir, { recursive: true, filter: (src) => !/\/(target|lake|logs)(\/|$)/.test(src.slice(PROJECT.length)) });
  return dir;
}

function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: nothing to replace for ${from}`);
  writeFileSync(path, next);
}

// The Snowflake target's profile reads these; compile and check need no connection.
const SNOWFLAKE_ENV = { SNOWFLAKE_ACCOUNT: 'offline', SNOWFLAKE_USER: 'checker' };

describe('sm check on Streamify', () => {
  it("declares every raw column with the type landing gives it, so the sources are known whole", () => {
    const p = loadProjectCollecting({ projectDir: PROJECT });
    const declared = Object.fromEntries(p.sources.filter((t) => t.sourceName === 'eventsim').map((t) => [t.name, Object.values(t.columns).map((c) => `${c.name} ${c.dataType}`)]));
    const landed = Object.fromEntries([...TOPICS.map((t) => [t, rawColumns(t)] as const), ['dead_letters', DEAD_LETTER_COLUMNS] as const].map(([t, cols]) => [t, cols.map((c) => `${c.name} ${c.type}`)]));
    expect(declared).toEqual(landed);
  });

  it('checks clean on the DuckDB and the Snowflake rendering, every node read', async () => {
    const dir = copy();
    for (const target of ['dev', 'prod']) {
      Object.assign(process.env, SNOWFLAKE_ENV);
      const r = await sm('check', '--project-dir', dir, '--target', target);
      expect(r.err, target).toBe('');
      expect(r.code, target).toBe(0);
      expect(r.out, target).toMatch(/no errors/);
      expect(r.out, target).not.toMatch(/not checked|columns unknown/);
    }
  });

  it('finds a wrong column name, a type clash across a union and a dropped source column, each where it is', async () => {
    const dir = copy();
    edit(dir, 'models/marts/wide_streams.sql', 'a.artist_name as artist', 'a.artist as artist');
    edit(dir, 'models/marts/dim_artists.sql', "select {{ unknown_key() }}, 'Unknown', 'NA', 0", "select {{ unknown_key() }}, 'Unknown', 0, 0");
    edit(dir, 'models/staging/sources.yml', /\n {10}- \{name: zip, data_type: varchar\}/g, '');
    const r = await sm('check', '--project-dir', dir);
    expect(r.code).toBe(1);
    const found = [...r.err.matchAll(/^error (SM_\w+) at (\S+):/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(found.sort()).toEqual([
      'SM_CHECK_UNION_TYPE models/marts/dim_artists.sql:29:40',
      // Incremental marts read the newest raw rows through the staging SQL: broken there too, when they run incrementally.
      'SM_CHECK_UNKNOWN_COLUMN models/marts/dim_datetime.sql:18:5',
      'SM_CHECK_UNKNOWN_COLUMN models/marts/dim_locations.sql:22:13',
      'SM_CHECK_UNKNOWN_COLUMN models/marts/dim_locations.sql:24:16',
      'SM_CHECK_UNKNOWN_COLUMN models/marts/dim_users.sql:26:16',
      'SM_CHECK_UNKNOWN_COLUMN models/marts/dim_users.sql:28:13',
      'SM_CHECK_UNKNOWN_COLUMN models/marts/fact_streams.sql:18:5',
      'SM_CHECK_UNKNOWN_COLUMN models/marts/wide_streams.sql:24:5',
      // The silver lake layer runs the same staging SQL, so the dropped column breaks it too.
      'SM_CHECK_UNKNOWN_COLUMN models/silver/silver_listen_events.sql:16:5',
      'SM_CHECK_UNKNOWN_COLUMN models/silver/silver_page_view_events.sql:16:5',
      'SM_CHECK_UNKNOWN_COLUMN models/staging/stg_listen_events.sql:4:1',
      'SM_CHECK_UNKNOWN_COLUMN models/staging/stg_page_view_events.sql:4:1',
    ]);
    expect(r.err).toMatch(/Did you mean .*"artist_name"/);
    expect(r.err).toMatch(/fact_streams: Column "zip" is not in CTE source \(when it runs incrementally\)/);
    // The staging SQL is a macro's: the compiled line is named too.
    expect(r.err).toMatch(/Column "zip" is not in CTE source[\s\S]*line \d+ of target\/compiled\/streamify\/models\/staging\/stg_listen_events\.sql/);
    // --strict stops a build before anything runs, with exit 2.
    const build = await sm('build', '--project-dir', dir, '--strict');
    expect(build.code).toBe(2);
    expect(build.err).toMatch(/SM_CHECK_UNKNOWN_COLUMN/);
  });

  it('--state lists the downstream columns a change breaks', async () => {
    const dir = copy();
    expect((await sm('check', '--project-dir', dir)).code).toBe(0);
    const state = mkdtempSync(join(tmpdir(), 'sm-check-state-'));
    cpSync(join(dir, 'target'), state, { recursive: true });
    edit(dir, 'models/marts/dim_artists.sql', /\n {4}artist_name,\n {4}artist_id,\n {4}catalogue_songs\nfrom artists/, '\n    artist_name as name,\n    artist_id,\n    catalogue_songs\nfrom artists');
    const r = await sm('check', '--project-dir', dir, '--state', state);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/changed: model\.streamify\.dim_artists\.artist_name removed \(was VARCHAR\)/);
    expect(r.out).toMatch(/breaks model\.streamify\.wide_streams\.artist \(from model\.streamify\.dim_artists\.artist_name\)/);
  });

  it('traces wide_streams to raw and seed columns (sm ls --lineage)', async () => {
    const dir = copy();
    const up = await sm('ls', '--project-dir', dir, '--lineage', '+wide_streams.artist', '+wide_streams.city', '+wide_streams.event_ts', '--output', 'json');
    expect(up.code).toBe(0);
    const rows = up.out.split('\n').map((l) => JSON.parse(l) as { unique_id: string; column: string; direction: string; kind: string });
    const roots = rows.filter((x) => x.unique_id.startsWith('source.') || x.unique_id.startsWith('seed.')).map((x) => `${x.unique_id}.${x.column} ${x.kind}`);
    expect(roots.sort()).toEqual([
      'seed.streamify.songs.artist_name transformed',
      'source.streamify.eventsim.listen_events.city transformed',
      'source.streamify.eventsim.listen_events.ts transformed',
      'source.streamify.eventsim.page_view_events.city transformed',
    ]);
    const down = await sm('ls', '--project-dir', dir, '--lineage', 'source.eventsim.listen_events.city+', '--output', 'name');
    expect(down.out.split('\n')).toEqual(expect.arrayContaining(['stg_listen_events.city', 'dim_locations.city', 'wide_streams.city']));
    const bad = await sm('ls', '--project-dir', dir, '--lineage', 'wide_streams.nope+');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/wide_streams has no column "nope"/);
  });
});
