import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';
const MODEL = 'select 1 as id\n';

const FILES = {
  'profiles.yml': PROFILE,
  'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\n",
  'packages.yml': 'packages:\n  - local: pkg\n',
  'pkg/dbt_project.yml': "name: pkg\nversion: '1.0'\n",
  'pkg/models/staging/p.sql': MODEL,
  'pkg/models/other/q.sql': MODEL,
  'models/staging/a.sql': MODEL,
  'models/marts/b.sql': MODEL,
  'models/props.yml': 'models:\n  - name: b\n    description: patched\n',
  'seeds/s.csv': 'id\n1\n',
};

/**
 * `dbt ls -q -s <selector>` on these files (dbt-core 1.11.16, 6 Dec 2026). dbt globs the path in
 * the root project's directory and compares what it finds with each node's path within its own
 * package (its file, its YAML patch, the folders above its file): a package's models/staging
 * is selected by the root's `path:models/staging`; `models/other`, which only the package has, and
 * the package's folder itself select nothing. Each selector is asked twice (cold, then warm).
 */
const RECORDED: [selector: string, dbt: string[]][] = [
  ['path:models', ['demo.staging.a', 'demo.marts.b', 'pkg.staging.p', 'pkg.other.q']],
  ['path:models/', ['demo.staging.a', 'demo.marts.b', 'pkg.staging.p', 'pkg.other.q']],
  ['path:models/staging', ['demo.staging.a', 'pkg.staging.p']],
  ['path:models/other', []],
  ['path:pkg/models/staging', []],
  ['path:models/staging/a.sql', ['demo.staging.a']],
  ['path:models/props.yml', ['demo.marts.b']],
  ['path:models/sta*', ['demo.staging.a', 'pkg.staging.p']],
  ['path:models/*/a.sql', ['demo.staging.a']],
  ['path:seeds', ['demo.s']],
];

describe("dbt's path selection method", () => {
  it('selects what dbt ls selects, package nodes by their path within the package', async () => {
    const dir = writeProject(FILES);
    expect((await sm('deps', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    for (const round of ['cold', 'warm']) {
      for (const [selector, dbt] of RECORDED) {
        const r = await sm('ls', '--project-dir', dir, '--profiles-dir', dir, '-q', '-s', selector);
        expect(r.code, `${selector}: ${r.err}`).toBe(0);
        expect({ round, selector, out: r.out.trim().split('\n').filter(Boolean) }).toEqual({ round, selector, out: dbt });
      }
    }
  });
});
