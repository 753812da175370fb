import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/**
 * dbt 1.11.16 (recorded on the same files): "[WARNING]: Configuration paths exist in your
 * dbt_project.yml file which do not apply to any resources. There are 5 unused configuration
 * paths: - models.h6 - models.h5.stagin - models.h5.persist_docs - sources.h5.raw -
 * data_tests.h5.nope", exit 0 (exit 2 under --warn-error), on every parse, partial or not. sm said
 * nothing: a misspelt folder's `+materialized: table` built views without a word.
 */
describe('configuration paths of the project file that apply to nothing', () => {
  const PROJECT = [
    'name: demo',
    "version: '1.0.0'",
    'profile: demo',
    'models:',
    '  +materialized: view',
    '  demo:',
    '    persist_docs: {relation: true}',
    '    staging:',
    '      +tags: [s]',
    '    stagin:',
    '      +materialized: table',
    '  demo2:',
    '    +materialized: table',
    'seeds:',
    '  +quote_columns: false',
    'tests:',
    '  demo:',
    '    nope:',
    '      +severity: warn',
    'snapshots:',
    '  demo:',
    '    +enabled: true',
    'sources:',
    '  demo:',
    '    raw:',
    '      +enabled: true',
    '',
  ].join('\n');
  const files = {
    'dbt_project.yml': PROJECT,
    'profiles.yml': PROFILE,
    'models/staging/stg.sql': 'select 1 as id',
    // A disabled node's fqn counts as used, for every resource type (seeds: and snapshots: above have no node of their own).
    'models/off/dis.sql': 'select 1 as id',
    'models/off/s.yml': 'models:\n  - name: dis\n    config:\n      enabled: false\n',
  };

  it('are one warning listing each with its line, as dbt; the run goes on (exit 0)', async () => {
    const dir = writeProject(files);
    const r = await sm('run', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    const text = `${r.out}\n${r.err}`;
    expect(text).toContain('warning SM_PROJECT_INVALID at dbt_project.yml:7: Configuration paths exist in dbt_project.yml which do not apply to any resources.\nThere are 5 unused configuration paths:\n');
    for (const line of ['- models.demo.persist_docs (line 7)', '- models.demo.stagin (line 10)', '- models.demo2 (line 12)', '- data_tests.demo.nope (line 18)', '- sources.demo.raw (line 25)']) expect(text).toContain(line);
    expect(text).not.toMatch(/- (models\.demo\.staging|models |seeds|snapshots)/);
    expect(text.match(/Configuration paths exist/g)).toHaveLength(1);
  });

  it('is an error under --warn-error (exit 2, nothing run), and its JSON log line is UnusedResourceConfigPath with the paths', async () => {
    const dir = writeProject(files);
    const r = await sm('run', '--project-dir', dir, '--warn-error');
    expect(r.code).toBe(2);
    expect(r.err).toContain('error SM_PROJECT_INVALID at dbt_project.yml:7: Configuration paths exist');
    const json = await sm('parse', '--project-dir', dir, '--log-format', 'json');
    const line = json.out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { info?: { name?: string }; data?: { unused_config_paths?: string[] } }).find((l) => l.info?.name === 'UnusedResourceConfigPath');
    expect(line?.data?.unused_config_paths?.sort()).toEqual(['data_tests.demo.nope', 'models.demo.persist_docs', 'models.demo.stagin', 'models.demo2', 'sources.demo.raw']);
  });

  it('says nothing when every path names a node: folders, a file, a source table, a test folder, a package', async () => {
    const dir = writeProject({
      'dbt_project.yml': [
        'name: demo',
        'profile: demo',
        'models:',
        '  demo:',
        '    staging:',
        '      +materialized: table',
        '      stg:',
        '        +tags: [a]',
        'sources:',
        '  demo:',
        '    staging:',
        '      raw:',
        '        t1:',
        '          +enabled: true',
        'data_tests:',
        '  demo:',
        '    staging:',
        '      +severity: warn',
        '',
      ].join('\n'),
      'profiles.yml': PROFILE,
      'models/staging/stg.sql': 'select 1 as id',
      'models/staging/s.yml': 'sources:\n  - name: raw\n    tables:\n      - name: t1\nmodels:\n  - name: stg\n    columns:\n      - name: id\n        data_tests: [unique]\n',
    });
    const r = await sm('parse', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(`${r.out}${r.err}`).not.toContain('Configuration paths');
  });

  // Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1 (dbt parse --no-partial-parse, 7 Dec 2026) on these
  // files: "There are 1 unused configuration paths: - snapshots.demo.yml_snaps". A seed or snapshot
  // disabled in its file, by YAML or by the path itself still uses its path (its fqn is among the
  // disabled; a snapshot's holds its file's name, then its own); a YAML snapshot's fqn has no file name.
  it('counts seeds and snapshots disabled in their file, by YAML or by the path, as dbt; cold and warm', async () => {
    const snap = (name: string, off: boolean) => `{% snapshot ${name} %}\n{{ config(unique_key='id', strategy='check', check_cols='all', target_schema='main'${off ? ', enabled=false' : ''}) }}\nselect 1 as id\n{% endsnapshot %}\n`;
    const dir = writeProject({
      'dbt_project.yml': [
        'name: demo',
        'profile: demo',
        'seeds:',
        '  demo:',
        '    sd_path_off: {+enabled: false}',
        '    sd_yaml: {+tags: [x]}',
        '    sub:',
        '      +tags: [x]',
        '      sd_sub: {+tags: [y]}',
        'snapshots:',
        '  demo:',
        '    file_a:',
        '      +tags: [x]',
        '      snap_b: {+tags: [y]}',
        '    sub: {+tags: [x]}',
        '    snap_path_off: {+enabled: false}',
        '    snap_yaml: {+tags: [x]}',
        '    yml_snaps: {+tags: [x]}',
        '',
      ].join('\n'),
      'profiles.yml': PROFILE,
      'models/m.sql': 'select 1 as id',
      'seeds/sd_path_off.csv': 'id\n1\n',
      'seeds/sd_yaml.csv': 'id\n1\n',
      'seeds/sub/sd_sub.csv': 'id\n1\n',
      'seeds/s.yml': 'seeds:\n  - name: sd_sub\n    config: {enabled: false}\n  - name: sd_yaml\n    config: {enabled: false}\n',
      'snapshots/file_a.sql': snap('snap_b', true),
      'snapshots/sub/snap_c.sql': snap('snap_c', true),
      'snapshots/snap_path_off.sql': snap('snap_path_off', false),
      'snapshots/snap_yaml.sql': snap('snap_yaml', false),
      'snapshots/s.yml': 'snapshots:\n  - name: snap_yaml\n    config: {enabled: false}\n',
      'snapshots/yml_snaps.yml': "snapshots:\n  - name: snap_y\n    relation: ref('m')\n    config: {unique_key: id, strategy: check, check_cols: all, enabled: false}\n",
    });
    for (const when of ['cold', 'warm']) {
      const r = await sm('parse', '--project-dir', dir, '--log-format', 'json');
      expect(r.code, `${when}: ${r.err}`).toBe(0);
      const line = r.out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { info?: { name?: string }; data?: { unused_config_paths?: string[] } }).find((l) => l.info?.name === 'UnusedResourceConfigPath');
      expect(line?.data?.unused_config_paths, when).toEqual(['snapshots.demo.yml_snaps']);
    }
  });
});
