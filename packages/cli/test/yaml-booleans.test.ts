import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryDuckDb, writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';
const PROJECT = "name: demo\nversion: '1.0'\nprofile: demo\n";

/**
 * dbt reads YAML with PyYAML (YAML 1.1): a plain yes/no/on/off is a boolean. dbt 1.11.16 (recorded):
 * `config: {enabled: no}` in models/s.yml, then `ls` lists the other nodes, exit 0; so does
 * `models: {demo: {+enabled: off}}` in dbt_project.yml. sm read them as text (YAML 1.2) and refused
 * the project: `enabled` must be true or false, not the text "no", exit 2.
 */
describe('YAML 1.1 booleans, as dbt reads them', () => {
  it('enabled: no in a schema file, +enabled: off in dbt_project.yml, yes in --vars', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': `${PROJECT}models:\n  demo:\n    off_folder:\n      +enabled: off\n`,
      'models/a.sql': "select '{{ 'T' if var('flag') is sameas true else 'F' }}' as flag",
      'models/b.sql': 'select 1 as id',
      'models/off_folder/c.sql': 'select 1 as id',
      // Long enough and block-style, so the fast reader takes it; the flow mapping goes to `yaml`.
      'models/s.yml': 'version: 2\nmodels:\n  - name: b\n    config:\n      enabled: No\n  - name: a\n    config: {enabled: YES}\n',
    });
    const ls = await sm('ls', '--project-dir', dir, '--resource-type', 'model');
    expect(ls.code).toBe(0);
    expect(ls.out.trim().split('\n')).toEqual(['demo.a']);
    expect((await sm('run', '--project-dir', dir, '--vars', '{flag: on}')).code).toBe(0);
    expect(await queryDuckDb(join(dir, 'target', 'demo.duckdb'), 'select flag from main.a')).toEqual([{ flag: 'T' }]);
  });
});
