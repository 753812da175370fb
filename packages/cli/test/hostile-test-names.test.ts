import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

/** Names of tests declared in YAML become file names under target/: none may write outside it. */
describe('hostile test names', () => {
  // dbt 1.11.16 (recorded): `name: "../../../../../models/b"` on a test makes `dbt test` write the
  // test's compiled SQL over models/b.sql (target/compiled/demo/models/s.yml/ + that name).
  it('a test name or alias with a ".." segment is a project error (exit 2), and no project file is overwritten', async () => {
    const model = "select * from {{ ref('a') }}";
    for (const entry of ['name: "../../../../../models/b"', 'config: {alias: "../../../../../models/b"}']) {
      const dir = writeProject({
        'profiles.yml': PROFILE,
        'models/a.sql': 'select 1 as id',
        'models/b.sql': model,
        'models/s.yml': `version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests:\n          - accepted_values:\n              ${entry}\n              arguments: {values: [2]}\n`,
      });
      for (const argv of [['compile'], ['test', '--store-failures'], ['build']]) {
        const r = await sm(...argv, '--project-dir', dir);
        expect(r.code, `${entry} ${argv.join(' ')}`).toBe(2);
        expect(r.err).toMatch(/Test (name|alias) "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/models\/b" has a "\.\." path segment: its compiled SQL would be written outside target\//);
        expect(r.err).toContain('models/s.yml');
        expect(readFileSync(join(dir, 'models/b.sql'), 'utf8')).toBe(model);
      }
    }
  });

  it('a test name with a space names the YAML file to change, not a file to rename', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id', 'models/s.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests:\n          - not_null:\n              name: my test\n' });
    const r = await sm('compile', '--project-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Change its name: in models/s.yml so its name has no spaces');
  });
});
