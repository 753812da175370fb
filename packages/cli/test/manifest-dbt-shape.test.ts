import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

type Manifest = { nodes: Record<string, Record<string, any>>; sources: Record<string, Record<string, any>> };
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as Manifest;

// Every expected value below was recorded from `dbt parse` (dbt-core 1.11.16, dbt-duckdb 1.11.1)
// on the same files (5 Dec 2026), except the schema's name, which follows each profile.
describe('manifest.json nodes in the shape dbt 1.11 writes them', () => {
  const files = {
    'profiles.yml': PROFILE,
    'sm_project.yml': "name: demo\nprofile: demo\nmodels:\n  demo:\n    +post-hook: 'select 1'\n",
    // Blank lines around the SQL: dbt strips them from raw_code and hashes what is left.
    'models/a.sql': '\n\n-- leading blank lines\nselect 1 as id, current_timestamp as updated_at\n\n',
    'models/a.yml': `models:
  - name: a
    deprecation_date: 2024-01-01
    columns:
      - name: id
        data_type: "{{ 'UInt8' if target.type == 'clickhouse' else 'integer' }}"
        data_tests:
          - unique
          - accepted_values:
              values: ['one_long_value_here', 'another_long_value_here', 'third']
              severity: warn
sources:
  - name: raw
    description: the raw source
    tables:
      - name: t1
      - name: t2
        description: table two
`,
    'snapshots/s.sql': "{% snapshot s %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at', target_schema='snaps') }}\nselect * from {{ ref('a') }}\n{% endsnapshot %}\n",
    'seeds/sd.csv': 'x,y\n1,2\n',
  };

  it('config with every default in dbt order, raw_code and checksum of the stripped file, tests named and placed as dbt does', async () => {
    const dir = writeProject(files);
    const r = await sm('compile', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    const m = manifestOf(dir);
    const a = m.nodes['model.demo.a']!;
    expect(Object.keys(a.config)).toEqual([
      'enabled', 'alias', 'schema', 'database', 'tags', 'meta', 'group', 'static_analysis', 'materialized', 'incremental_strategy', 'batch_size', 'lookback', 'begin',
      'persist_docs', 'post-hook', 'pre-hook', 'quoting', 'column_types', 'full_refresh', 'unique_key', 'on_schema_change', 'on_configuration_change', 'grants',
      'packages', 'docs', 'contract', 'event_time', 'concurrent_batches', 'access', 'freshness',
    ]);
    expect(a.config).toMatchObject({ materialized: 'view', lookback: 1, on_schema_change: 'ignore', on_configuration_change: 'apply', access: 'protected', docs: { show: true, node_color: null }, contract: { enforced: false, alias_types: true } });
    expect(a.config['post-hook']).toEqual([{ sql: 'select 1', transaction: true, index: null }]);
    expect(a.raw_code).toBe('-- leading blank lines\nselect 1 as id, current_timestamp as updated_at');
    expect(a.checksum).toEqual({ name: 'sha256', checksum: 'c09f853e64cbd295981dbc7c5d6718c3ff8e698e021c1befc4ddcdd694599cb6' });
    // dbt reads a date without a zone in the machine's (+00:00 on a UTC machine).
    expect(a.deprecation_date).toMatch(/^2024-01-01T00:00:00[+-]\d\d:\d\d$/);
    // Jinja in a column's data_type is rendered at parse.
    expect(a.columns.id.data_type).toBe('integer');
    expect(Object.keys(a.columns.id)).toEqual(['name', 'description', 'meta', 'data_type', 'constraints', 'quote', 'config', 'tags', 'granularity', 'doc_blocks']);
    // dbt infers the primary key from the column's unique test.
    expect(a.primary_key).toEqual(['id']);
    expect([a.doc_blocks, a.functions]).toEqual([[], []]);

    const seed = m.nodes['seed.demo.sd']!;
    expect(Object.keys(seed.config).slice(-3)).toEqual(['concurrent_batches', 'delimiter', 'quote_columns']);
    const snap = m.nodes['snapshot.demo.s']!;
    expect(snap.config).toMatchObject({ strategy: 'timestamp', target_schema: 'snaps', target_database: null, updated_at: 'updated_at', check_cols: null, dbt_valid_to_current: null });
    expect(snap.config.snapshot_meta_column_names).toEqual({ dbt_valid_to: null, dbt_valid_from: null, dbt_scd_id: null, dbt_updated_at: null, dbt_is_deleted: null });

    const unique = m.nodes['test.demo.unique_a_id.f6a5f640da']!;
    expect(unique.config).toMatchObject({ schema: 'dbt_test__audit', severity: 'ERROR', fail_calc: 'count(*)', warn_if: '!= 0', error_if: '!= 0', store_failures: null, alias: null });
    expect(unique.schema).toBe('main_dbt_test__audit');
    expect(unique.alias).toBe('unique_a_id');
    expect(unique.checksum).toEqual({ name: 'none', checksum: '' });
    expect(unique.raw_code).toBe('{{ test_unique(**_dbt_generic_test_kwargs) }}');
    // A name of 64 characters or more: the alias is its first 30 characters of test and model, then md5 of the whole name.
    const long = m.nodes['test.demo.accepted_values_a_id__one_long_value_here__another_long_value_here__third.842574452f']!;
    expect(long.alias).toBe('accepted_values_a_88cf53b631e51c6d9066c51261fab6e0');
    expect(long.config.alias).toBe('accepted_values_a_88cf53b631e51c6d9066c51261fab6e0');
    expect(long.config.severity).toBe('warn');
    expect(long.raw_code).toBe('{{ test_accepted_values(**_dbt_generic_test_kwargs) }}{{ config(severity="warn",alias="accepted_values_a_88cf53b631e51c6d9066c51261fab6e0") }}');
    expect(readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', 'a.yml', 'accepted_values_a_88cf53b631e51c6d9066c51261fab6e0.sql'), 'utf8').length).toBeGreaterThan(0);

    // A table's description is its own; its source's is source_description.
    expect([m.sources['source.demo.raw.t1']!.description, m.sources['source.demo.raw.t1']!.source_description]).toEqual(['', 'the raw source']);
    expect([m.sources['source.demo.raw.t2']!.description, m.sources['source.demo.raw.t2']!.source_description]).toEqual(['table two', 'the raw source']);
  });

  it("a run writes a long generic test's compiled and run SQL under its alias, as compile and dbt do", async () => {
    const dir = writeProject(files);
    await sm('build', '--project-dir', dir);
    for (const kind of ['compiled', 'run']) {
      expect(existsSync(join(dir, 'target', kind, 'demo', 'models', 'a.yml', 'accepted_values_a_88cf53b631e51c6d9066c51261fab6e0.sql')), kind).toBe(true);
    }
  });

  it('state:modified finds nothing changed against a manifest alone (defaults written there, not in the project), and sees a real change', async () => {
    const dir = writeProject(files);
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    const state = writeProject({ 'manifest.json': readFileSync(join(dir, 'target', 'manifest.json'), 'utf8') });
    const same = await sm('ls', '--project-dir', dir, '-s', 'state:modified', '--state', state, '--output', 'name');
    expect(same.code, same.err).toBe(0);
    expect(same.out.trim()).toBe('');
    const changed = writeProject({ ...files, 'models/a.sql': 'select 2 as id, current_timestamp as updated_at' });
    const ls = await sm('ls', '--project-dir', changed, '-s', 'state:modified', '--state', state, '--output', 'name');
    expect(ls.out.split('\n').map((l) => l.trim())).toContain('a');
  });

  it("a package's YAML entry for a seed it disables applies to the root project's seed of that name, as in dbt", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'sm_project.yml': 'name: demo\nprofile: demo\nseeds:\n  pkg:\n    exceptions:\n      +enabled: false\n',
      'packages.yml': 'packages:\n  - local: vendor/pkg\n',
      'seeds/exceptions.csv': 'fct_name,id_to_exclude\nfct_a,123\n',
      'vendor/pkg/dbt_project.yml': 'name: pkg\n',
      'vendor/pkg/seeds/exceptions.csv': 'fct_name,id_to_exclude\n',
      'vendor/pkg/seeds/seeds.yml':
        "seeds:\n  - name: exceptions\n    description: What not to report.\n    config:\n      column_types:\n        id_to_exclude: \"{{ 'varchar' }}\"\n    columns:\n      - name: fct_name\n        description: the fact\n      - name: id_to_exclude\n        description: the id\n",
    });
    expect((await sm('deps', '--project-dir', dir)).code).toBe(0);
    const seed = await sm('seed', '--project-dir', dir);
    expect(seed.code, seed.err).toBe(0);
    const s = manifestOf(dir).nodes['seed.demo.exceptions']!;
    expect(s.description).toBe('What not to report.');
    expect(Object.keys(s.columns)).toEqual(['fct_name', 'id_to_exclude']);
    expect(s.config.column_types).toEqual({ id_to_exclude: 'varchar' });
    const show = await sm('show', '--project-dir', dir, '--inline', "select typeof(id_to_exclude) || '!' as t from {{ ref('exceptions') }}");
    expect(show.code, show.err).toBe(0);
    expect(show.out).toContain('VARCHAR!');
  });

  it("`graph` gives another node's macros, parents, time spine and constraints as dbt's parse records them", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'macros/m.sql': '{% macro inner() %}1{% endmacro %}\n{% macro outer() %}{{ inner() }}{% endmacro %}\n{% macro at_run() %}2{% endmacro %}\n{% macro hook_macro() %}select 1{% endmacro %}\n',
      'models/reader.sql': [
        '{% if execute %}',
        "-- down macros: {{ graph.nodes['model.demo.down'].depends_on.macros | tojson }}",
        "-- down nodes: {{ graph.nodes['model.demo.down'].depends_on.nodes | tojson }}",
        "-- spine: {{ graph.nodes['model.demo.down'].time_spine | tojson }}",
        "-- constraints: {{ graph.nodes['model.demo.down'].columns['id'].constraints | tojson }}",
        "-- unique: {{ graph.nodes['test.demo.unique_down_id.e0c5db7c9a'].depends_on.macros | tojson }}",
        "-- accepted: {{ graph.nodes['test.demo.accepted_values_down_id__1.038d3d1712'].depends_on.macros | tojson }}",
        '{% endif %}',
        'select 1 as id',
      ].join('\n'),
      // Rendered after the reader (it refs it): its hook's macro counts, a call under `if execute` does not (dbt's parse has execute false).
      'models/down.sql': "{{ config(post_hook=\"{{ hook_macro() }}\") }}\n{% if execute %}{% set x = at_run() %}{% endif %}\nselect {{ outer() }} as id from {{ ref('reader') }}\n",
      'models/down.yml':
        'models:\n  - name: down\n    time_spine:\n      standard_granularity_column: id\n    columns:\n      - name: id\n        granularity: day\n        constraints:\n          - type: not_null\n        data_tests: [unique, {accepted_values: {values: [1]}}]\n',
    });
    const r = await sm('compile', '--project-dir', dir, '-s', 'reader', '-q');
    expect(r.code, r.err).toBe(0);
    // dbt-core 1.11.16's compiled reader.sql on the same files.
    expect(r.out).toContain(
      [
        '-- down macros: ["macro.demo.outer", "macro.demo.hook_macro"]',
        '-- down nodes: ["model.demo.reader"]',
        '-- spine: {"custom_granularities": [], "standard_granularity_column": "id"}',
        '-- constraints: [{"expression": null, "name": null, "to": null, "to_columns": [], "type": "not_null", "warn_unenforced": true, "warn_unsupported": true}]',
        '-- unique: ["macro.dbt.test_unique"]',
        '-- accepted: ["macro.dbt.test_accepted_values", "macro.dbt.get_where_subquery"]',
      ].join('\n'),
    );
  });

  it("a test's tags are its own and its column's (and its source's), not its model's config tags, and select it as dbt's do", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'sm_project.yml': 'name: demo\nprofile: demo\nmodels:\n  demo:\n    +tags: [proj]\n',
      'models/a.sql': 'select 1 as id',
      'models/s.yml':
        'models:\n  - name: a\n    config: {tags: [yamlcfg]}\n    columns:\n      - name: id\n        tags: [coltag]\n        data_tests: [unique]\n' +
        'sources:\n  - name: raw\n    tags: [srctag]\n    config: {tags: [srccfg]}\n    tables:\n      - name: t\n        tags: [tbltag]\n        columns:\n          - name: id\n            tags: [zcol]\n            data_tests: [not_null]\n',
    });
    expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
    const m = manifestOf(dir);
    // dbt-core 1.11.16 on the same files.
    expect([m.nodes['test.demo.unique_a_id.f6a5f640da']!.tags, m.nodes['test.demo.unique_a_id.f6a5f640da']!.config.tags]).toEqual([['coltag'], []]);
    expect(m.nodes['test.demo.source_not_null_raw_t_id.e00a82bbac']!.tags).toEqual(['srctag', 'tbltag', 'zcol']);
    expect([m.sources['source.demo.raw.t']!.tags, m.sources['source.demo.raw.t']!.config.tags]).toEqual([
      ['srccfg', 'srctag', 'tbltag'],
      ['srccfg', 'srctag', 'tbltag'],
    ]);
    const ls = async (sel: string) => (await sm('ls', '--project-dir', dir, '-s', sel, '--output', 'name', '-q')).out.trim().split(/\s+/).filter(Boolean);
    // Eager indirect selection brings a's test; with `empty` only a (dbt: the same).
    expect(await ls('tag:yamlcfg')).toEqual(['a', 'unique_a_id']);
    expect((await sm('ls', '--project-dir', dir, '-s', 'tag:yamlcfg', '--indirect-selection', 'empty', '--output', 'name', '-q')).out.trim()).toBe('a');
    expect(await ls('tag:coltag')).toEqual(['unique_a_id']);
    expect((await ls('tag:srccfg')).sort()).toEqual(['raw.t', 'source_not_null_raw_t_id']);
  });

  it('invocation_args_dict, dbt_metadata_envs and graph checksums, which dbt_artifacts uploads', async () => {
    // A project of one seed and nothing to compile: `compile` failed on the folder it had not made (ENOENT).
    const dir = writeProject({ 'profiles.yml': PROFILE, 'seeds/sd.csv': 'x,y\n1,2\n' });
    const inline = "{{ invocation_args_dict.which }}|{{ dbt_metadata_envs }}|{{ graph.nodes['seed.demo.sd'].checksum.name }}|{% do invocation_args_dict.update({'x': 1}) %}{{ invocation_args_dict.x }}";
    process.env.DBT_ENV_CUSTOM_ENV_TEAM = 'data';
    const r = await sm('compile', '--project-dir', dir, '-q', '--inline', inline).finally(() => delete process.env.DBT_ENV_CUSTOM_ENV_TEAM);
    expect(r.code, r.err).toBe(0);
    // dbt-core 1.11.16, the same --inline on a project with that seed and variable.
    expect(r.out.trim()).toBe("compile|{'TEAM': 'data'}|sha256|1");
  });
});
