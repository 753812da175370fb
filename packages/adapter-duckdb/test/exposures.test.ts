import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDuckDbAdapter } from '../src/index.ts';
import { compile, execute, isSmProjectError, type InvocationOptions } from '@smsql/core';
import { PARITY_PROJECT } from './select-parity-fixture.ts';

/*
 * Expected answers are what dbt-core 1.11.16 (dbt-duckdb 1.11.1) printed for the parity project
 * plus EXPOSURES below: `dbt ls --output name -s <expr>`, sorted, and the `exposures` entries of
 * its target/manifest.json (created_at left out: it is the parse time). This test needs no dbt.
 */
const EXPOSURES = `version: 2
exposures:
  - name: streamify_dashboard
    label: Streamify listening
    type: dashboard
    maturity: high
    url: http://localhost:8088/superset/dashboard/streamify/
    description: Listens over time, by state, top songs and artists, paid versus free.
    depends_on:
      - ref('wide_streams')
      - ref('dim_users')
      - source('raw', 'page_view_events')
    owner:
      name: Streamify analytics
      email: analytics@example.com
    tags: [bi]
    meta:
      tool: superset
  - name: songs_notebook
    type: notebook
    depends_on:
      - ref('dim_songs')
    owner:
      email: data@example.com
`;

const DBT_LS: [string, string[]][] = [
  ['exposure:streamify_dashboard', ['streamify_dashboard']],
  ['+exposure:streamify_dashboard', ['accepted_values_dim_users_level__free__paid', 'assert_wide_equals_fact', 'dim_locations', 'dim_songs', 'dim_users', 'dim_users_unions_both', 'fact_streams', 'not_null_dim_users_user_id', 'raw.listen_events', 'raw.page_view_events', 'relationships_fact_streams_user_id__user_id__ref_dim_users_', 'source_not_null_raw_page_view_events_ts', 'state_codes', 'stg_listen_events', 'stg_page_view_events', 'streamify_dashboard', 'unique_dim_songs_song_id', 'unique_dim_users_user_id', 'wide_streams']],
  ['exposure:*', ['songs_notebook', 'streamify_dashboard']],
  ['resource_type:exposure', ['songs_notebook', 'streamify_dashboard']],
  ['dim_users+', ['accepted_values_dim_users_level__free__paid', 'assert_wide_equals_fact', 'dim_users', 'dim_users_unions_both', 'fact_streams', 'not_null_dim_users_user_id', 'relationships_fact_streams_user_id__user_id__ref_dim_users_', 'streamify_dashboard', 'unique_dim_users_user_id', 'wide_streams']],
  ['exposure:streamify_dashboard+', ['streamify_dashboard']],
  ['@exposure:songs_notebook', ['dim_songs', 'raw.listen_events', 'songs_notebook', 'stg_listen_events', 'unique_dim_songs_song_id']],
  ['tag:bi', ['streamify_dashboard']],
  ['source:raw.page_view_events+1', ['raw.page_view_events', 'source_not_null_raw_page_view_events_ts', 'stg_page_view_events', 'streamify_dashboard']],
  ['1+exposure:streamify_dashboard', ['accepted_values_dim_users_level__free__paid', 'assert_wide_equals_fact', 'dim_users', 'dim_users_unions_both', 'not_null_dim_users_user_id', 'raw.page_view_events', 'relationships_fact_streams_user_id__user_id__ref_dim_users_', 'source_not_null_raw_page_view_events_ts', 'streamify_dashboard', 'unique_dim_users_user_id', 'wide_streams']],
  ['exposure:streamify_dashboard,tag:bi', ['streamify_dashboard']],
  ['fqn:streamify_dashboard', ['streamify_dashboard']],
  ['streamify_dashboard', ['streamify_dashboard']],
  ['path:models/core/exposures.yml', ['songs_notebook', 'streamify_dashboard']],
  ['file:exposures.yml', ['songs_notebook', 'streamify_dashboard']],
  ['exposure:streamify_*', ['streamify_dashboard']],
  ['exposure:streamify.streamify_dashboard', ['streamify_dashboard']],
  ['package:streamify,resource_type:exposure', ['songs_notebook', 'streamify_dashboard']],
  // dbt's config method does not look at exposures.
  ['config.tags:bi', []],
  ['config.meta.tool:superset', []],
];

const DBT_MANIFEST_EXPOSURES = {
  'exposure.streamify.streamify_dashboard': {
    name: 'streamify_dashboard', resource_type: 'exposure', package_name: 'streamify', path: 'core/exposures.yml', original_file_path: 'models/core/exposures.yml',
    unique_id: 'exposure.streamify.streamify_dashboard', fqn: ['streamify', 'core', 'streamify_dashboard'], type: 'dashboard',
    owner: { email: 'analytics@example.com', name: 'Streamify analytics' },
    description: 'Listens over time, by state, top songs and artists, paid versus free.', label: 'Streamify listening', maturity: 'high',
    meta: { tool: 'superset' }, tags: ['bi'], config: { enabled: true, tags: ['bi'], meta: { tool: 'superset' } }, unrendered_config: {},
    url: 'http://localhost:8088/superset/dashboard/streamify/',
    depends_on: { macros: [], nodes: ['source.streamify.raw.page_view_events', 'model.streamify.wide_streams', 'model.streamify.dim_users'] },
    refs: [{ name: 'wide_streams', package: null, version: null }, { name: 'dim_users', package: null, version: null }],
    sources: [['raw', 'page_view_events']], metrics: [],
  },
  'exposure.streamify.songs_notebook': {
    name: 'songs_notebook', resource_type: 'exposure', package_name: 'streamify', path: 'core/exposures.yml', original_file_path: 'models/core/exposures.yml',
    unique_id: 'exposure.streamify.songs_notebook', fqn: ['streamify', 'core', 'songs_notebook'], type: 'notebook',
    owner: { email: 'data@example.com', name: null }, description: '', label: null, maturity: null, meta: {}, tags: [],
    config: { enabled: true, tags: [], meta: {} }, unrendered_config: {}, url: null,
    depends_on: { macros: [], nodes: ['model.streamify.dim_songs'] }, refs: [{ name: 'dim_songs', package: null, version: null }], sources: [], metrics: [],
  },
};

const adapters = { duckdb: createDuckDbAdapter };

function writeDbtProject(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'sm-exposures-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(d, rel)), { recursive: true });
    writeFileSync(join(d, rel), text);
  }
  return d;
}

async function ls(dir: string, o: Partial<InvocationOptions>): Promise<string[]> {
  const c = await compile({ projectDir: dir, adapters, noCache: true, ...o }, 'ls');
  return c.selected.map((id) => {
    const n = c.compiled.nodes.get(id)!;
    return n.resourceType === 'source' ? `${n.sourceName}.${n.name}` : n.name;
  }).sort();
}

/** The compile error's messages, or [] when it compiles. */
async function errorsOf(files: Record<string, string>): Promise<string[]> {
  try {
    await compile({ projectDir: writeDbtProject({ ...PARITY_PROJECT, ...files }), adapters, noCache: true }, 'compile');
    return [];
  } catch (e) {
    if (!isSmProjectError(e)) throw e;
    return e.diagnostics.map((d) => `${d.code} ${d.location?.file}:${d.location?.line} ${d.message}`);
  }
}

describe('exposures as dbt 1.11 reads, selects and writes them', () => {
  const dir = writeDbtProject({ ...PARITY_PROJECT, 'models/core/exposures.yml': EXPOSURES });

  it.each(DBT_LS)('ls -s %s', async (select, expected) => {
    expect(await ls(dir, { select: [select] })).toEqual(expected);
  });

  it('writes the exposures into manifest.json as dbt does, and into parent_map and child_map', async () => {
    await compile({ projectDir: dir, adapters, noCache: true }, 'compile');
    const m = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    for (const e of Object.values(m.exposures) as Record<string, unknown>[]) delete e.created_at;
    expect(m.exposures).toEqual(DBT_MANIFEST_EXPOSURES);
    // Same key order as dbt's, for tools that diff manifests as text.
    expect(Object.keys(m.exposures['exposure.streamify.songs_notebook'])).toEqual(Object.keys(DBT_MANIFEST_EXPOSURES['exposure.streamify.songs_notebook']));
    expect(m.parent_map['exposure.streamify.streamify_dashboard']).toEqual(['model.streamify.dim_users', 'model.streamify.wide_streams', 'source.streamify.raw.page_view_events']);
    expect(m.child_map['model.streamify.wide_streams']).toEqual(['exposure.streamify.streamify_dashboard', 'test.streamify.assert_wide_equals_fact']);
    expect(m.child_map['exposure.streamify.streamify_dashboard']).toEqual([]);
  });

  it('builds what an exposure needs, and lists the exposure itself among them as dbt 1.11 does (a NO-OP result)', async () => {
    const c = await compile({ projectDir: dir, adapters, noCache: true, select: ['+exposure:songs_notebook'] }, 'build');
    expect(c.selected.map((id) => c.compiled.nodes.get(id)!.name).sort()).toEqual(['dim_songs', 'songs_notebook', 'stg_listen_events', 'unique_dim_songs_song_id']);
    const r = await compile({ projectDir: dir, adapters, noCache: true, select: ['+exposure:songs_notebook'] }, 'run');
    expect(r.selected.map((id) => r.compiled.nodes.get(id)!.name).sort()).toEqual(['dim_songs', 'stg_listen_events']);
  });

  // dbt-core 1.11.16 (dbt-duckdb 1.11.1) `dbt build` on this project: the exposure's result is
  // {status: no-op, message: NO-OP, failures: 0, compiled: null}, after the model; when the model fails, skipped.
  it('build gives an exposure a no-op result after what it depends on, or skips it when that fails', async () => {
    const d = mkdtempSync(join(tmpdir(), 'sm-exposure-run-'));
    const files: Record<string, string> = {
      'sm_project.yml': "name: rt\nversion: '1.0'\nprofile: rt\n",
      'profiles.yml': 'rt:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/rt.duckdb\n      threads: 1\n',
      'models/m.sql': 'select 1 as id',
      'models/x.yml': 'version: 2\nexposures:\n  - name: dash\n    type: dashboard\n    owner: {email: a@b.c}\n    depends_on: [ref(\'m\')]\n',
    };
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(dirname(join(d, f)), { recursive: true });
      writeFileSync(join(d, f), text);
    }
    const opts = { projectDir: d, adapters, env: {} };
    const ok = await execute(opts, 'build');
    expect(ok.status).toBe('success');
    expect(ok.results.map((x) => [x.uniqueId, x.status])).toEqual([['model.rt.m', 'success'], ['exposure.rt.dash', 'no-op']]);
    const rr = JSON.parse(readFileSync(join(d, 'target/run_results.json'), 'utf8')) as { results: Record<string, unknown>[] };
    expect(rr.results[1]).toMatchObject({ unique_id: 'exposure.rt.dash', status: 'no-op', message: 'NO-OP', failures: 0, compiled: null, compiled_code: null, relation_name: null, adapter_response: {} });
    expect((await execute(opts, 'run')).results.map((x) => x.uniqueId)).toEqual(['model.rt.m']);
    writeFileSync(join(d, 'models/m.sql'), 'select * from no_such_table');
    const bad = await execute(opts, 'build');
    expect(bad.results.map((x) => [x.uniqueId, x.status])).toEqual([['model.rt.m', 'error'], ['exposure.rt.dash', 'skipped']]);
  });

  it('a depends_on naming nothing is an error naming the exposure and its file, as in dbt', async () => {
    const errs = await errorsOf({ 'models/core/exposures.yml': EXPOSURES.replace("ref('dim_songs')", "ref('nope')").replace("source('raw', 'page_view_events')", "source('raw', 'missing')") });
    expect(errs).toEqual([
      "SM_SOURCE_NOT_FOUND models/core/exposures.yml:3 Exposure 'exposure.streamify.streamify_dashboard' (models/core/exposures.yml) depends on a source named 'raw.missing' which was not found",
      "SM_REF_NOT_FOUND models/core/exposures.yml:19 Exposure 'exposure.streamify.songs_notebook' (models/core/exposures.yml) depends on a node named 'nope' which was not found",
    ]);
  });

  it('checks type, owner, maturity, name and depends_on with the line of the mistake', async () => {
    const cases: [string, string, RegExp][] = [
      ['type: notebook', 'type: report', /exposures\.yml:20 Exposure "songs_notebook": `type:` must be one of dashboard, notebook, analysis, ml, application, not "report"/],
      ['    type: notebook\n', '', /exposures\.yml:19 Exposure "songs_notebook": `type:` must be one of/],
      ['    owner:\n      email: data@example.com\n', '    owner: {}\n', /exposures\.yml:23 Exposure "songs_notebook": `owner:` needs a `name:` or an `email:`/],
      ['maturity: high', 'maturity: huge', /exposures\.yml:6 Exposure "streamify_dashboard": `maturity:` must be low, medium or high, not "huge"/],
      ['name: songs_notebook', 'name: songs notebook', /exposures\.yml:19 Exposure "songs notebook": a name may contain only letters, digits and underscores/],
      ["      - ref('dim_songs')", "      - dim_songs", /exposures\.yml:19 Exposure 'exposure\.streamify\.songs_notebook' \(models\/core\/exposures\.yml\): cannot read depends_on entry "dim_songs"/],
    ];
    for (const [from, to, expected] of cases) {
      const errs = await errorsOf({ 'models/core/exposures.yml': EXPOSURES.replace(from, to) });
      expect(errs.join('\n'), to).toMatch(expected);
    }
    const dup = await errorsOf({ 'models/core/exposures.yml': EXPOSURES.replace('name: songs_notebook', 'name: streamify_dashboard') });
    expect(dup.join('\n')).toMatch(/SM_DUPLICATE_NODE .*an exposure of that name is already declared in models\/core\/exposures\.yml/);
  });

  it('leaves out a disabled exposure', async () => {
    const d = writeDbtProject({ ...PARITY_PROJECT, 'models/core/exposures.yml': EXPOSURES.replace('    type: notebook\n', '    type: notebook\n    config:\n      enabled: false\n') });
    expect(await ls(d, { select: ['exposure:*'] })).toEqual(['streamify_dashboard']);
  });
});
