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
});
