import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

const FILES: Record<string, string> = {
  'profiles.yml': PROFILE,
  "dbt_project.yml": "name: demo\nversion: '1.0'\nprofile: demo\nmodels:\n  demo:\n    +materialized: view\n",
  "models/stg_a.sql": "{{ config(tags=['nightly'], meta={'tier': 2, 'owner': 'x'}) }}\nselect 1 as id\n",
  "models/stg_b.sql": "select id from {{ source('app', 'events') }}\n",
  "models/mart.sql": "{{ config(materialized='table') }}\nselect a.id from {{ ref('stg_a') }} a join {{ ref('stg_b') }} b using (id)\n",
  "models/revenue_v1.sql": "select 1 as id\n",
  "models/revenue_v2.sql": "select 2 as id\n",
  "models/schema.yml": "version: 2\nsources:\n  - name: app\n    tables:\n      - name: events\nmodels:\n  - name: stg_a\n    columns:\n      - name: id\n        data_tests: [unique]\n  - name: stg_b\n    columns:\n      - name: id\n        data_tests:\n          - relationships:\n              arguments: {to: \"source('app', 'events')\", field: id}\n          - relationships:\n              arguments: {to: ref('stg_a'), field: id}\n  - name: revenue\n    latest_version: 2\n    versions:\n      - v: 1\n      - v: 2\nunit_tests:\n  - name: mart_joins\n    model: mart\n    given:\n      - input: ref('stg_a')\n        rows: [{id: 1}]\n      - input: ref('stg_b')\n        rows: [{id: 1}]\n    expect:\n      rows: [{id: 1}]\n",
  "selectors.yml": "selectors:\n  - name: nightly\n    definition:\n      tag: nightly\n  - name: again\n    definition:\n      method: selector\n      value: nightly\n  - name: dup\n    definition: stg_a\n  - name: dup\n    definition: stg_b\n  - name: depth_alone\n    definition:\n      method: fqn\n      value: mart\n      parents_depth: 1\n  - name: cautious_b\n    definition:\n      method: fqn\n      value: stg_b\n      indirect_selection: cautious\n  - name: union_eager\n    definition:\n      union:\n        - method: fqn\n          value: stg_a\n          indirect_selection: cautious\n        - method: fqn\n          value: stg_b\n          indirect_selection: cautious\n",
};

/**
 * What `dbt ls -q` printed (dbt-core 1.11.16, dbt-duckdb 1.11.1, 7 Dec 2026) on these files, for
 * selections the selection fuzzer (bench/src/selection-fuzz.ts) found sm answering otherwise:
 * [arguments, exit code, lines]. Python's fnmatch classes, config: compared exactly (an integer
 * meta never equals text), file: by name without extension, source:package.source.table,
 * test_name: naming a unit test, -m listing models only, a version's name, --selector being the
 * whole selection, selectors.yml's one-key mappings, `method: selector`, a name defined twice,
 * depths without parents:/children:, each criterion's indirect_selection, a selectors.yml union
 * being eager, buildable counting sources as built, package:this.
 */
const RECORDED: [args: string[], code: number, lines: string[]][] = [
  [['-s', 'tag:nightl[yx]'], 0, ['demo.stg_a', 'demo.relationships_stg_b_id__id__ref_stg_a_', 'demo.unique_stg_a_id']],
  [['-s', 'config.materialized:vie*'], 0, []],
  [['-s', 'config.materialized:TABLE'], 0, []],
  [['-s', 'config.meta.tier:2'], 0, []],
  [['-s', 'config.meta.owner:x'], 0, ['demo.stg_a', 'demo.relationships_stg_b_id__id__ref_stg_a_', 'demo.unique_stg_a_id']],
  [['-s', 'file:stg_a'], 0, ['demo.stg_a', 'demo.relationships_stg_b_id__id__ref_stg_a_', 'demo.unique_stg_a_id']],
  [['-s', 'source:demo.app.events'], 0, ['source:demo.app.events', 'demo.relationships_stg_b_id__id__source_app_events_']],
  [['-s', 'source:demo.app.events.x'], 2, []],
  [['-s', 'test_name:mart_joins'], 0, ['unit_test:demo.mart_joins']],
  [['-m', '+mart'], 0, ['demo.mart', 'demo.stg_a', 'demo.stg_b']],
  [['-m', 'mart', '-s', 'stg_a'], 2, []],
  [['-m', 'mart', '--resource-type', 'model'], 2, []],
  [['-s', 'revenue', '--output', 'name'], 0, ['revenue.v1', 'revenue.v2']],
  [['--selector', 'nightly', '-s', 'mart', '--exclude', 'stg_a'], 0, ['demo.stg_a', 'demo.relationships_stg_b_id__id__ref_stg_a_', 'demo.unique_stg_a_id']],
  [['--selector', 'again'], 0, ['demo.stg_a', 'demo.relationships_stg_b_id__id__ref_stg_a_', 'demo.unique_stg_a_id']],
  [['--selector', 'dup'], 0, ['demo.stg_b', 'demo.relationships_stg_b_id__id__ref_stg_a_', 'demo.relationships_stg_b_id__id__source_app_events_']],
  [['--selector', 'depth_alone'], 0, ['demo.mart', 'unit_test:demo.mart_joins']],
  [['--selector', 'cautious_b'], 0, ['demo.stg_b']],
  [['--selector', 'union_eager'], 0, ['demo.stg_a', 'demo.stg_b', 'demo.unique_stg_a_id']],
  [['-s', 'stg_a', 'stg_b', '--indirect-selection', 'cautious'], 0, ['demo.stg_a', 'demo.stg_b', 'demo.relationships_stg_b_id__id__ref_stg_a_', 'demo.unique_stg_a_id']],
  [['-s', 'stg_b', '--indirect-selection', 'buildable'], 0, ['demo.stg_b', 'demo.relationships_stg_b_id__id__source_app_events_']],
  [['-s', 'path:'], 2, []],
  [['-s', 'package:this', '--resource-type', 'model'], 0, ['demo.mart', 'demo.revenue.v1', 'demo.revenue.v2', 'demo.stg_a', 'demo.stg_b']],
  [['-s', 'exposure:a.b.c'], 2, []],
];

describe('selection as dbt 1.11 answers what the selection fuzzer found', () => {
  it.each(RECORDED)('ls %j exits %i with dbt\'s lines', async (args, code, lines) => {
    const dir = writeProject(FILES);
    const r = await sm('ls', '--project-dir', dir, '--profiles-dir', dir, '-q', ...args);
    expect(r.code, r.err).toBe(code);
    expect(r.out.split('\n').filter(Boolean).sort()).toEqual([...lines].sort());
  });

  // dbt 1.11 reads selectors.yml for every command: each of these stopped `dbt ls` (no --selector) with exit 2.
  const BROKEN: [string, RegExp][] = [
    ['selectors:\n  - name: a\n    definition:\n      union:\n        - tag:x\n        - exclude: [tag:y]\n        - exclude: [tag:z]\n', /more than one `exclude:`/],
    ['selectors:\n  - name: a\n    definition:\n      method: selector\n      value: a\n', /no selector named "a" above this one/],
    ['selectors:\n  - name: a\n    definition:\n      method: tag\n', /unknown method "method"/],
    ['selectors:\n  - name: a\n    definition:\n      method: tag\n      value: x\n      indirect_selection: bogus\n', /indirect_selection must be one of/],
    ['selectors:\n  - name: a\n    definition: tag:x\n    default: true\n  - name: b\n    definition: tag:y\n    default: true\n', /More than one selector/],
    ['selectors: [', /selectors\.yml/],
  ];
  it.each(BROKEN)('a broken selectors.yml stops ls that names no selector: %j', async (yml, message) => {
    const dir = writeProject(FILES);
    writeFileSync(join(dir, 'selectors.yml'), yml);
    const r = await sm('ls', '--project-dir', dir, '--profiles-dir', dir, '-s', 'stg_a');
    expect(r.code, r.out).toBe(2);
    expect(r.err).toMatch(message);
  });
});

/**
 * `dbt ls -q --state S` (dbt-core 1.11.16, 7 Dec 2026) with S the manifest `dbt parse` wrote for
 * FILES (fixtures/select-state-manifest.dbt-1.11.json keeps the parts state: reads: each node's
 * checksum, config and unrendered_config, each unit test's fixtures, the sources' ids), after
 * stg_a.sql changed, new_model.sql and the source table app.clicks were added. A seed's or
 * snapshot's materialization, a unit test's fixtures as dbt writes them (format dict, fixture
 * null) and a source compare as dbt compares them; dbt's defaults count for config.x:; a path
 * ending in `/` names folders only.
 */
const STATE_RECORDED: [args: string[], lines: string[]][] = [
  [['-s', 'state:modified'], ['demo.new_model', 'demo.stg_a', 'demo.relationships_stg_b_id__id__ref_stg_a_', 'demo.unique_stg_a_id']],
  [['-s', 'state:new'], ['demo.new_model', 'source:demo.app.clicks']],
  [['-s', 'state:unmodified'], ['demo.mart', 'demo.revenue.v1', 'demo.revenue.v2', 'demo.stg_b', 'source:demo.app.clicks', 'source:demo.app.events', 'demo.relationships_stg_b_id__id__ref_stg_a_', 'demo.relationships_stg_b_id__id__source_app_events_', 'demo.unique_stg_a_id', 'unit_test:demo.mart_joins']],
  [['-s', 'state:old', '--resource-type', 'source', 'unit_test'], ['source:demo.app.events', 'unit_test:demo.mart_joins']],
  [['-s', 'state:modified.contract'], ['demo.new_model']],
  [['-s', 'state:modified.persisted_descriptions'], ['demo.new_model']],
  [['-s', 'state:modified.macros'], []],
  [['-s', 'state:modified.configs', '--resource-type', 'source'], ['source:demo.app.clicks']],
  [['-s', 'state:modified.body', '--resource-type', 'source'], []],
  [['-s', 'config.enabled:true', '--resource-type', 'model', 'source'], ['demo.mart', 'demo.new_model', 'demo.revenue.v1', 'demo.revenue.v2', 'demo.stg_a', 'demo.stg_b', 'source:demo.app.clicks', 'source:demo.app.events']],
  [['-s', 'config.on_schema_change:ignore', '--resource-type', 'model'], ['demo.mart', 'demo.new_model', 'demo.revenue.v1', 'demo.revenue.v2', 'demo.stg_a', 'demo.stg_b']],
  [['-s', 'path:models/mart.sql/'], []],
];

describe('state: against dbt 1.11\'s manifest, config defaults and folder paths, as dbt answers', () => {
  const state = mkdtempSync(join(tmpdir(), 'sm-dbt-state-'));
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, 'manifest.json'), readFileSync(join(import.meta.dirname, 'fixtures', 'select-state-manifest.dbt-1.11.json'), 'utf8'));
  const changed = {
    ...FILES,
    'models/new_model.sql': 'select 2 as id\n',
    'models/stg_a.sql': `${FILES['models/stg_a.sql']!.trimEnd()} -- changed\n`,
    'models/schema.yml': FILES['models/schema.yml']!.replace('      - name: events\n', '      - name: events\n      - name: clicks\n'),
  };
  it.each(STATE_RECORDED)('ls %j', async (args, lines) => {
    const dir = writeProject(changed);
    const r = await sm('ls', '--project-dir', dir, '--profiles-dir', dir, '-q', '--state', state, ...args);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n').filter(Boolean).sort()).toEqual([...lines].sort());
  });
});

describe("state: against dbt 1.11's manifest of a generic test named by a hash", () => {
  // `dbt parse` (1.11.16) on these files wrote this unrendered_config for the test whose name reaches 64 characters
  // (its alias only: not the materialization sm loads it with) and no checksum for a generic test;
  // `dbt ls -s state:modified --state` on the same files then listed nothing.
  it('is not modified for the alias dbt gave it', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\n",
      'models/customer_orders_summary.sql': 'select 1 as customer_identifier\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: customer_orders_summary\n    columns:\n      - name: customer_identifier\n        data_tests:\n          - accepted_values:\n              arguments: {values: [1, 2, 3]}\n',
    });
    const state = mkdtempSync(join(tmpdir(), 'sm-dbt-state-'));
    const id = 'test.demo.accepted_values_customer_orders_summary_customer_identifier__1__2__3.a347edaeb3';
    const entry = { checksum: { name: 'none', checksum: '' }, unrendered_config: {"alias": "accepted_values_customer_order_7d187dfdfc31b31cdf366c5da571ffc6"}, config: {"enabled": true, "alias": "accepted_values_customer_order_7d187dfdfc31b31cdf366c5da571ffc6", "schema": "dbt_test__audit", "materialized": "test", "severity": "ERROR", "fail_calc": "count(*)", "warn_if": "!= 0", "error_if": "!= 0"} };
    writeFileSync(join(state, 'manifest.json'), JSON.stringify({ metadata: { dbt_version: '1.11.16' }, nodes: { [id]: entry, 'model.demo.customer_orders_summary': { checksum: { name: 'sha256', checksum: 'a5e243bd9b6903bc6eb2ae8ac37d14176d1cc1474fc0ab075cdd8a6bfe0ec96d' }, unrendered_config: {}, config: { enabled: true, materialized: 'view' } } } }));
    const r = await sm('ls', '--project-dir', dir, '--profiles-dir', dir, '-q', '--state', state, '-s', 'state:modified');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('');
  });
});

describe("state: against dbt 1.11's unrendered_config", () => {
  // `dbt parse` (1.11.16) on these files wrote these unrendered_config (the schema's Jinja kept; the seed's column_types
  // of its YAML alone, the project file's replaced, not merged) and checksums; `dbt ls -s state:modified --state` then listed nothing.
  it('compares the config as written, not as rendered and merged', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\nmodels:\n  demo:\n    +schema: \"x_{{ var('suffix', 'dev') }}\"\nseeds:\n  demo:\n    +column_types: {synced: timestamp}\n",
      'models/m.sql': 'select 1 as id\n',
      'seeds/s.csv': 'id,created,synced\n1,2024-01-01,2024-01-01\n',
      'seeds/seeds.yml': 'version: 2\nseeds:\n  - name: s\n    config:\n      column_types: {created: timestamp}\n',
    });
    const state = mkdtempSync(join(tmpdir(), 'sm-dbt-state-'));
    const nodes = {
      'model.demo.m': { checksum: { name: 'sha256', checksum: '3ea0f972fa1b56aa2dc2f56ee784b6a5796312f9a813d59ae70fd8855f10d16d' }, unrendered_config: { schema: "x_{{ var('suffix', 'dev') }}" }, config: { enabled: true, schema: 'x_dev', materialized: 'view' } },
      'seed.demo.s': { checksum: { name: 'sha256', checksum: '94afe51ebbd9e270c2b55bfc7e86f1a2594461e1148b8abb0169ad4ea826e9f7' }, unrendered_config: { column_types: { created: 'timestamp' } }, config: { enabled: true, materialized: 'seed', column_types: { synced: 'timestamp', created: 'timestamp' } } },
    };
    writeFileSync(join(state, 'manifest.json'), JSON.stringify({ metadata: { dbt_version: '1.11.16' }, nodes }));
    const r = await sm('ls', '--project-dir', dir, '--profiles-dir', dir, '-q', '--state', state, '-s', 'state:modified');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('');
  });
});
