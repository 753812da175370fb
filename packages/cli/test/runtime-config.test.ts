import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { shownRows, sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

// Recorded from `dbt deps && dbt show -s m --output json` (dbt-core 1.11.16, dbt-duckdb 1.11.1) on
// the same files, 6 Dec 2026: dbt's ref carries the RuntimeConfig (`builtins.ref.config`, also
// `adapter.config`), whose `dependencies` name every project loaded (the root, the adapter's, dbt's,
// the packages) with their dbt_project.yml version, and whose `quoting` is the adapter's policy.
describe("dbt's RuntimeConfig in templates", () => {
  it('gives project versions through builtins.ref.config.dependencies, and adapter.config.quoting', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.4.0'\nprofile: demo\n",
      'packages.yml': 'packages:\n  - local: helper\n',
      'helper/dbt_project.yml': "name: helper\nversion: '2.3.1'\n",
      'helper/macros/v.sql': "{% macro helper_version() %}{{ return(builtins.ref.config.dependencies['helper'].version) }}{% endmacro %}\n",
      'models/m.sql': [
        "select '{{ helper.helper_version() }}' as helper_version,",
        "  '{{ builtins.ref.config.dependencies[project_name].version }}' as own_version,",
        "  '{{ builtins.ref.config.project_name }}' as project,",
        "  '{{ builtins.ref.config.dependencies.keys() | list | join(\",\") }}' as projects,",
        '  {{ adapter.config.quoting.identifier }} as quotes_identifiers',
      ].join('\n'),
    });
    expect((await sm('deps', '--project-dir', dir)).code).toBe(0);
    const r = await sm('show', '-s', 'm', '--log-format', 'json', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(shownRows(r.out)).toEqual([{ helper_version: '2.3.1', own_version: '1.4.0', project: 'demo', projects: 'demo,dbt_duckdb,dbt,helper', quotes_identifiers: true }]);
  });
});
