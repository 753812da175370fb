import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

/** dbt 1.11's group:, access:, version: and unit_test: methods; each answer recorded from `dbt ls -s ... -q` on the same files (6 Dec 2026). */
const RECORDED: [selector: string, dbt: string[]][] = [
  ['group:finance', ['demo.a', 'demo.unique_a_id', 'unit_test:demo.ut_a']],
  ['group:fin*', ['demo.a', 'demo.b', 'demo.unique_a_id', 'unit_test:demo.ut_a']],
  ['access:public', ['demo.a', 'demo.unique_a_id', 'unit_test:demo.ut_a']],
  ['access:protected', ['demo.c', 'demo.d.v1', 'demo.d.v2', 'demo.d.v3']],
  ['access:private', ['demo.b']],
  ['version:latest', ['demo.d.v2']],
  ['version:old', ['demo.d.v1']],
  ['version:prerelease', ['demo.d.v3']],
  ['version:none', ['demo.a', 'demo.b', 'demo.c', 'demo.unique_a_id', 'unit_test:demo.ut_a']],
  ['unit_test:ut_a', ['unit_test:demo.ut_a']],
  ['unit_test:demo.ut_*', ['unit_test:demo.ut_a']],
];

const FILES = {
  'profiles.yml': PROFILE,
  'dbt_project.yml': "name: demo\nversion: '1.0.0'\nprofile: demo\n",
  'models/a.sql': 'select 1 as id\n',
  'models/b.sql': 'select 1 as id\n',
  'models/c.sql': 'select 1 as id\n',
  'models/d_v1.sql': 'select 1 as id\n',
  'models/d_v2.sql': 'select 1 as id\n',
  'models/d_v3.sql': 'select 1 as id\n',
  'models/s.yml': `groups:
  - {name: finance, owner: {name: Fin}}
  - {name: fintech, owner: {name: Ft}}
models:
  - name: a
    config: {group: finance, access: public}
    columns:
      - name: id
        data_tests: [unique]
  - name: b
    config: {group: fintech, access: private}
  - name: c
  - name: d
    latest_version: 2
    versions: [{v: 1}, {v: 2}, {v: 3}]
unit_tests:
  - name: ut_a
    model: a
    given: []
    expect: {rows: [{id: 1}]}
`,
};

describe("dbt's group, access, version and unit_test selection methods", () => {
  it('select what dbt selects, cold and warm', async () => {
    const dir = writeProject(FILES);
    for (const pass of ['cold', 'warm']) {
      for (const [selector, dbt] of RECORDED) {
        const r = await sm('ls', '--project-dir', dir, '-s', selector, '-q');
        expect(r.code, `${pass} ${selector}: ${r.err}`).toBe(0);
        expect(r.out.split('\n').filter(Boolean).sort(), `${pass} ${selector}`).toEqual(dbt);
      }
    }
  });

  it('a version: value other than latest, prerelease, old or none is exit 2', async () => {
    const dir = writeProject(FILES);
    const r = await sm('ls', '--project-dir', dir, '-s', 'version:bogus');
    expect(r.code).toBe(2);
    expect(r.err).toContain('use latest, prerelease, old or none');
  });
});
