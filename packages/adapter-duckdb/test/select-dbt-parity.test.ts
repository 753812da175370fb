import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDuckDbAdapter } from '../src/index.ts';
import { compile, execute, type InvocationOptions } from '@smsql/core';
import { PARITY_PROJECT } from './select-parity-fixture.ts';

/*
 * Expected answers are what real dbt printed for the same project and expressions:
 * dbt-core 1.11.16 with dbt-duckdb 1.11.1, `dbt ls --output name -s <select> --exclude <exclude>`
 * (and `--selector <name>`, `--state <dir>`), sorted. This test does not need dbt.
 */
const DBT_ANSWERS: [string[], string[], string[]][] = [
  [["+wide_streams"], [], ["accepted_values_dim_users_level__free__paid", "assert_wide_equals_fact", "dim_locations", "dim_songs", "dim_users", "dim_users_unions_both", "fact_streams", "not_null_dim_users_user_id", "raw.listen_events", "raw.page_view_events", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "source_not_null_raw_page_view_events_ts", "state_codes", "stg_listen_events", "stg_page_view_events", "unique_dim_songs_song_id", "unique_dim_users_user_id", "wide_streams"]],
  [["dim_users+"], [], ["accepted_values_dim_users_level__free__paid", "assert_wide_equals_fact", "dim_users", "dim_users_unions_both", "fact_streams", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "unique_dim_users_user_id", "wide_streams"]],
  [["@fact_streams"], [], ["accepted_values_dim_users_level__free__paid", "assert_wide_equals_fact", "dim_locations", "dim_songs", "dim_users", "dim_users_unions_both", "fact_streams", "not_null_dim_users_user_id", "raw.listen_events", "raw.page_view_events", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "source_not_null_raw_page_view_events_ts", "state_codes", "stg_listen_events", "stg_page_view_events", "unique_dim_songs_song_id", "unique_dim_users_user_id", "wide_streams"]],
  [["tag:x,path:models/staging"], [], ["stg_listen_events"]],
  [["tag:x"], [], ["dim_songs", "stg_listen_events", "unique_dim_songs_song_id"]],
  [["tag:staging"], [], ["stg_listen_events", "stg_page_view_events"]],
  [["path:models/core"], [], ["accepted_values_dim_users_level__free__paid", "assert_wide_equals_fact", "dim_locations", "dim_songs", "dim_users", "dim_users_unions_both", "fact_streams", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "unique_dim_songs_song_id", "unique_dim_users_user_id", "wide_streams"]],
  [["fact_streams+1"], [], ["assert_wide_equals_fact", "fact_streams", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "wide_streams"]],
  [["1+fact_streams"], [], ["accepted_values_dim_users_level__free__paid", "assert_wide_equals_fact", "dim_locations", "dim_songs", "dim_users", "dim_users_unions_both", "fact_streams", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "stg_listen_events", "unique_dim_songs_song_id", "unique_dim_users_user_id"]],
  [["2+wide_streams"], [], ["accepted_values_dim_users_level__free__paid", "assert_wide_equals_fact", "dim_locations", "dim_songs", "dim_users", "dim_users_unions_both", "fact_streams", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "state_codes", "stg_listen_events", "stg_page_view_events", "unique_dim_songs_song_id", "unique_dim_users_user_id", "wide_streams"]],
  [["source:raw+"], [], ["accepted_values_dim_users_level__free__paid", "assert_wide_equals_fact", "dim_locations", "dim_songs", "dim_users", "dim_users_unions_both", "fact_streams", "not_null_dim_users_user_id", "raw.listen_events", "raw.page_view_events", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "source_not_null_raw_page_view_events_ts", "stg_listen_events", "stg_page_view_events", "unique_dim_songs_song_id", "unique_dim_users_user_id", "wide_streams"]],
  [["source:raw.listen_events+1"], [], ["raw.listen_events", "stg_listen_events"]],
  [["resource_type:seed"], [], ["state_codes"]],
  [["resource_type:test"], [], ["accepted_values_dim_users_level__free__paid", "assert_wide_equals_fact", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "source_not_null_raw_page_view_events_ts", "unique_dim_songs_song_id", "unique_dim_users_user_id"]],
  [["resource_type:unit_test"], [], ["dim_users_unions_both"]],
  [["test_type:generic"], [], ["accepted_values_dim_users_level__free__paid", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "source_not_null_raw_page_view_events_ts", "unique_dim_songs_song_id", "unique_dim_users_user_id"]],
  [["test_type:singular"], [], ["assert_wide_equals_fact"]],
  [["test_type:unit"], [], ["dim_users_unions_both"]],
  [["test_type:data"], [], ["accepted_values_dim_users_level__free__paid", "assert_wide_equals_fact", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "source_not_null_raw_page_view_events_ts", "unique_dim_songs_song_id", "unique_dim_users_user_id"]],
  [["test_name:unique"], [], ["unique_dim_songs_song_id", "unique_dim_users_user_id"]],
  [["test_name:relationships"], [], ["relationships_fact_streams_user_id__user_id__ref_dim_users_"]],
  [["config.materialized:table"], [], ["accepted_values_dim_users_level__free__paid", "assert_wide_equals_fact", "dim_locations", "dim_songs", "dim_users", "dim_users_unions_both", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "unique_dim_songs_song_id", "unique_dim_users_user_id", "wide_streams"]],
  [["config.materialized:incremental+"], [], ["assert_wide_equals_fact", "fact_streams", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "wide_streams"]],
  [["core.*"], [], ["accepted_values_dim_users_level__free__paid", "assert_wide_equals_fact", "dim_locations", "dim_songs", "dim_users", "dim_users_unions_both", "fact_streams", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "unique_dim_songs_song_id", "unique_dim_users_user_id", "wide_streams"]],
  [["streamify.staging.*"], [], ["source_not_null_raw_page_view_events_ts", "stg_listen_events", "stg_page_view_events"]],
  [["dim_*"], [], ["accepted_values_dim_users_level__free__paid", "dim_locations", "dim_songs", "dim_users", "dim_users_unions_both", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "unique_dim_songs_song_id", "unique_dim_users_user_id"]],
  [["file:dim_users.sql"], [], ["accepted_values_dim_users_level__free__paid", "dim_users", "dim_users_unions_both", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "unique_dim_users_user_id"]],
  [["dim_users", "dim_songs"], [], ["accepted_values_dim_users_level__free__paid", "dim_songs", "dim_users", "dim_users_unions_both", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "unique_dim_songs_song_id", "unique_dim_users_user_id"]],
  [["dim_users,dim_songs"], [], []],
  [["+fact_streams,tag:x"], [], ["dim_songs", "stg_listen_events", "unique_dim_songs_song_id"]],
  [["path:models"], ["tag:staging"], ["accepted_values_dim_users_level__free__paid", "assert_wide_equals_fact", "dim_locations", "dim_songs", "dim_users", "dim_users_unions_both", "fact_streams", "not_null_dim_users_user_id", "raw.listen_events", "raw.page_view_events", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "source_not_null_raw_page_view_events_ts", "unique_dim_songs_song_id", "unique_dim_users_user_id", "wide_streams"]],
  [["dim_users+"], ["wide_streams", "test_type:unit"], ["accepted_values_dim_users_level__free__paid", "dim_users", "fact_streams", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "unique_dim_users_user_id"]],
  [["@dim_songs"], ["resource_type:test"], ["dim_locations", "dim_songs", "dim_users", "dim_users_unions_both", "fact_streams", "raw.listen_events", "raw.page_view_events", "state_codes", "stg_listen_events", "stg_page_view_events", "wide_streams"]],
  [["state_codes+"], [], ["assert_wide_equals_fact", "dim_locations", "fact_streams", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "state_codes", "wide_streams"]],
];

/** `dbt ls --selector <name>`. */
const DBT_SELECTORS: [string, string[]][] = [
  ["core_no_tests", ["dim_locations", "dim_songs", "dim_users", "dim_users_unions_both", "fact_streams", "wide_streams"]],
  ["nightly", ["accepted_values_dim_users_level__free__paid", "dim_locations", "dim_songs", "dim_users", "fact_streams", "not_null_dim_users_user_id", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "stg_listen_events", "stg_page_view_events", "unique_dim_songs_song_id", "unique_dim_users_user_id"]],
  ["upstream_of_wide", ["accepted_values_dim_users_level__free__paid", "assert_wide_equals_fact", "dim_locations", "dim_songs", "dim_users", "dim_users_unions_both", "fact_streams", "not_null_dim_users_user_id", "raw.listen_events", "raw.page_view_events", "relationships_fact_streams_user_id__user_id__ref_dim_users_", "source_not_null_raw_page_view_events_ts", "state_codes", "stg_listen_events", "stg_page_view_events", "unique_dim_songs_song_id", "unique_dim_users_user_id", "wide_streams"]],

];

const adapters = { duckdb: createDuckDbAdapter };
/** A dbt-style project (dbt_project.yml, no sm_project.yml) in a fresh temp dir. */
function writeDbtProject(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'sm-parity-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(d, rel)), { recursive: true });
    writeFileSync(join(d, rel), text);
  }
  return d;
}

const dir = writeDbtProject(PARITY_PROJECT);

async function ls(dirPath: string, o: Partial<InvocationOptions>): Promise<string[]> {
  const c = await compile({ projectDir: dirPath, adapters, noCache: true, ...o }, 'ls');
  return c.selected.map((id) => {
    const n = c.compiled.nodes.get(id)!;
    return n.resourceType === 'source' ? `${n.sourceName}.${n.name}` : n.name;
  }).sort();
}

describe('selection matches dbt on a Streamify-shaped project', () => {
  it.each(DBT_ANSWERS)('-s %j --exclude %j', async (select, exclude, expected) => {
    expect(await ls(dir, { select, exclude })).toEqual(expected);
  });

  it.each(DBT_SELECTORS)('--selector %s (nested union, intersection, exclude)', async (selector, expected) => {
    expect(await ls(dir, { selector })).toEqual(expected);
    // sm also accepts the selector inside an expression.
    expect(await ls(dir, { select: [`selector:${selector}`] })).toEqual(expected);
  });

  it('a string selector definition is a CLI expression in sm (dbt reads it as one criterion and selects nothing)', async () => {
    expect(await ls(dir, { selector: 'staging_x' })).toEqual(['stg_listen_events']);
  });
});

describe('--indirect-selection modes, as dbt answers them', () => {
  const DBT_INDIRECT: [string[], 'cautious' | 'buildable' | 'empty', string[]][] = [
    [['fact_streams+1'], 'cautious', ['assert_wide_equals_fact', 'fact_streams', 'relationships_fact_streams_user_id__user_id__ref_dim_users_', 'wide_streams']],
    [['1+fact_streams'], 'cautious', ['accepted_values_dim_users_level__free__paid', 'dim_locations', 'dim_songs', 'dim_users', 'dim_users_unions_both', 'fact_streams', 'not_null_dim_users_user_id', 'relationships_fact_streams_user_id__user_id__ref_dim_users_', 'stg_listen_events', 'unique_dim_songs_song_id', 'unique_dim_users_user_id']],
    [['+fact_streams'], 'buildable', ['accepted_values_dim_users_level__free__paid', 'dim_locations', 'dim_songs', 'dim_users', 'dim_users_unions_both', 'fact_streams', 'not_null_dim_users_user_id', 'raw.listen_events', 'raw.page_view_events', 'relationships_fact_streams_user_id__user_id__ref_dim_users_', 'source_not_null_raw_page_view_events_ts', 'state_codes', 'stg_listen_events', 'stg_page_view_events', 'unique_dim_songs_song_id', 'unique_dim_users_user_id']],
    [['dim_users', 'fact_streams'], 'buildable', ['accepted_values_dim_users_level__free__paid', 'dim_users', 'dim_users_unions_both', 'fact_streams', 'not_null_dim_users_user_id', 'relationships_fact_streams_user_id__user_id__ref_dim_users_', 'unique_dim_users_user_id']],
    [['dim_users+'], 'empty', ['accepted_values_dim_users_level__free__paid', 'assert_wide_equals_fact', 'dim_users', 'dim_users_unions_both', 'fact_streams', 'not_null_dim_users_user_id', 'relationships_fact_streams_user_id__user_id__ref_dim_users_', 'unique_dim_users_user_id', 'wide_streams']],
    [['1+fact_streams'], 'buildable', ['accepted_values_dim_users_level__free__paid', 'dim_locations', 'dim_songs', 'dim_users', 'dim_users_unions_both', 'fact_streams', 'not_null_dim_users_user_id', 'relationships_fact_streams_user_id__user_id__ref_dim_users_', 'stg_listen_events', 'unique_dim_songs_song_id', 'unique_dim_users_user_id']],
  ];
  it.each(DBT_INDIRECT)('-s %j --indirect-selection %s', async (select, mode, expected) => {
    expect(await ls(dir, { select, indirectSelection: mode })).toEqual(expected);
  });

  it('cautious leaves out a test with an unselected parent that eager takes', async () => {
    expect(await ls(dir, { select: ['wide_streams'], indirectSelection: 'cautious' })).toEqual(['wide_streams']);
    expect(await ls(dir, { select: ['wide_streams'] })).toEqual(['assert_wide_equals_fact', 'wide_streams']);
  });
});

describe('state:modified against an earlier manifest, as dbt answers it', () => {
  const DBT_STATE: [string, string[]][] = [
    ['state:modified', ['dim_new', 'dim_songs', 'unique_dim_songs_song_id']],
    ['state:modified+', ['assert_wide_equals_fact', 'dim_new', 'dim_songs', 'fact_streams', 'relationships_fact_streams_user_id__user_id__ref_dim_users_', 'unique_dim_songs_song_id', 'wide_streams']],
    ['state:modified.body', ['dim_new', 'dim_songs', 'unique_dim_songs_song_id']],
    ['state:modified.configs', ['dim_new']],
    ['state:new', ['dim_new']],
  ];

  it.each(DBT_STATE)('%s', async (expr, expected) => {
    const { now, state } = await modifiedProject();
    expect(await ls(now, { select: [expr], state })).toEqual(expected);
  });

  // dbt-core 1.11.16 (7 Dec 2026) on a project of its own: a config() call's value is compared as
  // rendered (its unrendered_config holds it so, the flag state_modified_compare_more_unrendered_values
  // being false), so per_target, compiled for prod now and dev before, is modified; a setting in
  // YAML that no config() call overrides is a change of config; tags are not.
  it('compares the raw template, the written config and what config() calls render to', async () => {
    const { now, state } = await modifiedProject();
    expect(await ls(now, { select: ['state:modified'], state, target: 'prod' })).toEqual(['dim_new', 'dim_songs', 'per_target', 'unique_dim_songs_song_id']);
    expect(await ls(now, { select: ['state:modified'], state })).toEqual(['dim_new', 'dim_songs', 'unique_dim_songs_song_id']);
    const schema = join(now, 'models/core/schema.yml');
    writeFileSync(schema, readFileSync(schema, 'utf8').replace('models:\n', 'models:\n  - name: per_target\n    config:\n      full_refresh: true\n'));
    expect(await ls(now, { select: ['state:modified.configs'], state })).toEqual(['dim_new', 'per_target']);
  });
});

let prepared: Promise<{ now: string; state: string }> | undefined;

/** The project compiled once (its target/ copied as the state), then changed as in the dbt run. */
function modifiedProject(): Promise<{ now: string; state: string }> {
  prepared ??= (async () => {
    const now = writeDbtProject({
      ...PARITY_PROJECT,
      'profiles.yml': `${PARITY_PROJECT['profiles.yml']}    prod:\n      type: duckdb\n      path: target/prod.duckdb\n      schema: prod\n      threads: 1\n`,
      'models/core/per_target.sql': "{{ config(materialized=('table' if target.name == 'prod' else 'view')) }}\nselect 1 as id\n",
    });
    await compile({ projectDir: now, adapters, noCache: true }, 'compile');
    const state = mkdtempSync(join(tmpdir(), 'sm-state-'));
    cpSync(join(now, 'target'), state, { recursive: true });
    appendFileSync(join(now, 'models/core/dim_songs.sql'), '-- changed\n');
    const schema = join(now, 'models/core/schema.yml');
    writeFileSync(schema, readFileSync(schema, 'utf8').replace('  - name: dim_songs\n', '  - name: dim_locations\n    config:\n      tags: [y]\n  - name: dim_songs\n'));
    writeFileSync(join(now, 'models/core/dim_new.sql'), 'select 1 as id\n');
    return { now, state };
  })();
  return prepared;
}

describe('result: against an earlier run_results.json, as dbt answers it', () => {
  // dbt build on the same data: dim_songs errors (raw rows lack song_id), unique on dim_users fails (a user in both sources).
  const DBT_RESULT: [string, string[]][] = [
    ['result:error', ['dim_songs', 'unique_dim_songs_song_id']],
    ['result:fail', ['unique_dim_users_user_id']],
    ['result:skipped', ['assert_wide_equals_fact', 'fact_streams', 'relationships_fact_streams_user_id__user_id__ref_dim_users_', 'unique_dim_songs_song_id', 'wide_streams']],
    ['result:fail+', ['unique_dim_users_user_id']],
    ['result:pass', ['accepted_values_dim_users_level__free__paid', 'dim_users_unions_both', 'not_null_dim_users_user_id', 'source_not_null_raw_page_view_events_ts']],
    ['result:error+', ['assert_wide_equals_fact', 'dim_songs', 'fact_streams', 'relationships_fact_streams_user_id__user_id__ref_dim_users_', 'unique_dim_songs_song_id', 'wide_streams']],
  ];
  let built: Promise<{ proj: string; state: string }> | undefined;
  const buildOnce = () =>
    (built ??= (async () => {
      const proj = writeDbtProject(PARITY_PROJECT);
      mkdirSync(join(proj, 'target'), { recursive: true });
      const session = await createDuckDbAdapter().connect({ type: 'duckdb', name: 'dev', schema: 'main', threads: 1, path: join(proj, 'target/parity.duckdb') }, { projectDir: proj });
      const c = await session.acquire();
      await c.execute('create schema raw');
      await c.execute("create table raw.listen_events as select 1 as user_id, 'free' as level, 'NYC' as city, 'NY' as state");
      await c.execute("create table raw.page_view_events as select 1 as user_id, 'free' as level, now() as ts");
      session.release(c);
      await session.close();
      const o = await execute({ projectDir: proj, adapters, noCache: true }, 'build');
      expect(Object.fromEntries(o.results.map((r) => [r.name, r.status]))).toMatchObject({ dim_songs: 'error', unique_dim_users_user_id: 'fail', dim_users_unions_both: 'pass', wide_streams: 'skipped' });
      const state = mkdtempSync(join(tmpdir(), 'sm-result-state-'));
      cpSync(join(proj, 'target'), state, { recursive: true });
      return { proj, state };
    })());

  it.each(DBT_RESULT)('%s', async (expr, expected) => {
    const { proj, state } = await buildOnce();
    expect(await ls(proj, { select: [expr], state })).toEqual(expected);
  });
});
