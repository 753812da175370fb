import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

const SELECTORS = `selectors:
  - name: no_views
    default: true
    definition:
      union:
        - union:
          - method: path
            value: "*"
          - exclude:
            - method: config.materialized
              value: view
        - method: resource_type
          value: test
`;

/**
 * selectors.yml's `default: true` selector (Mattermost's skip_views_but_test_views). What
 * dbt-core 1.11.16 listed for these files (6 Dec 2026): plain `dbt ls` and `--selector no_views`
 * gave demo.t and demo.not_null_v_id; `-s v` and `--exclude t` ignore the default (demo.v,
 * demo.not_null_v_id); `--resource-type model` keeps it (demo.t).
 */
describe('the default selector', () => {
  const dir = writeProject({
    'profiles.yml': PROFILE,
    'dbt_project.yml': "name: demo\nversion: '1.0.0'\nprofile: demo\n",
    'models/v.sql': "{{ config(materialized='view') }}select 1 as id",
    'models/t.sql': "{{ config(materialized='table') }}select * from {{ ref('v') }}",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: v\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
    'selectors.yml': SELECTORS,
  });
  const ls = async (...args: string[]) => {
    const r = await sm('ls', '--project-dir', dir, '--profiles-dir', dir, ...args);
    expect(r.code, r.err).toBe(0);
    return r.out.trim().split('\n').sort();
  };
  it.each([
    [[], ['demo.not_null_v_id', 'demo.t']],
    [['--selector', 'no_views'], ['demo.not_null_v_id', 'demo.t']],
    [['-s', 'v'], ['demo.not_null_v_id', 'demo.v']],
    [['--exclude', 't'], ['demo.not_null_v_id', 'demo.v']],
    [['--resource-type', 'model'], ['demo.t']],
  ])('ls %j lists what dbt does', async (args, expected) => {
    expect(await ls(...args)).toEqual(expected);
  });
});
