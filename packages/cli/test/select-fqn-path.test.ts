import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';
const MODEL = 'select 1 as id\n';

/** A root project `demo` with a local package `pkg`. */
const BASE = {
  'profiles.yml': PROFILE,
  'dbt_project.yml': "name: demo\nversion: '1.0'\nprofile: demo\n",
  'packages.yml': 'packages:\n  - local: pkg\n',
  'pkg/dbt_project.yml': "name: pkg\nversion: '1.0'\n",
};

const FILES = {
  ...BASE,
  'pkg/models/core/stg_c.sql': MODEL,
  'models/staging/stg_a.sql': MODEL,
  'models/staging/deep/stg_b.sql': MODEL,
  'models/marts/fct_a.sql': MODEL,
  'models/marts/d_v1.sql': MODEL,
  'models/marts/d_v2.sql': MODEL,
  'models/marts/d.yml': 'models:\n  - name: d\n    latest_version: 2\n    versions:\n      - v: 1\n      - v: 2\n',
  // A unit test's fqn follows its YAML file's folders, not its model's (dbt's UnitTestParser._build_fqn).
  'models/staging/ut.yml': 'unit_tests:\n  - name: ut_a\n    model: fct_a\n    given: []\n    expect:\n      rows:\n        - {id: 1}\n',
};

/**
 * `dbt ls -q -s <selector>` on these files (dbt-core 1.11.16, 6 Dec 2026). dbt's fqn method:
 * the parts before a wildcard equal the fqn's first parts (with or without the package), and
 * fnmatch reads the rest of the fqn joined by dots, so `*` spans folders; a bare wildcard also
 * matches the leaf; a versioned model by name, `name.v1` or `name_v1`.
 */
const RECORDED: [selector: string, dbt: string[]][] = [
  ['stg_*', ['demo.staging.stg_a', 'demo.staging.deep.stg_b', 'pkg.core.stg_c']],
  ['staging.*', ['demo.staging.stg_a', 'demo.staging.deep.stg_b', 'unit_test:demo.ut_a']],
  ['demo.staging', ['demo.staging.stg_a', 'demo.staging.deep.stg_b', 'unit_test:demo.ut_a']],
  ['demo.sta*', ['demo.staging.stg_a', 'demo.staging.deep.stg_b', 'unit_test:demo.ut_a']],
  ['staging.stg_a', ['demo.staging.stg_a']],
  ['*.stg_*', ['demo.staging.stg_a', 'demo.staging.deep.stg_b', 'pkg.core.stg_c']],
  ['demo.*.stg_b', ['demo.staging.deep.stg_b']],
  ['[sm]*', ['demo.marts.d.v1', 'demo.marts.d.v2', 'demo.marts.fct_a', 'demo.staging.stg_a', 'demo.staging.deep.stg_b', 'pkg.core.stg_c', 'unit_test:demo.ut_a']],
  ['st?_a', ['demo.staging.stg_a']],
  ['d', ['demo.marts.d.v1', 'demo.marts.d.v2']],
  ['d.v1', ['demo.marts.d.v1']],
  ['d_v1', ['demo.marts.d.v1']],
  ['d.v*', []],
  ['pkg.core.stg_c', ['pkg.core.stg_c']],
  ['*deep*', ['demo.staging.deep.stg_b']],
];

/** `sm ls -q -s` each recorded selector after `sm deps`, `rounds` times (the first cold, the next warm), against dbt's lines. */
async function expectRecorded(files: Record<string, string>, recorded: [string, string[]][], rounds = 1): Promise<void> {
  const dir = writeProject(files);
  expect((await sm('deps', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
  for (let round = 0; round < rounds; round++) {
    for (const [selector, dbt] of recorded) {
      const r = await sm('ls', '--project-dir', dir, '--profiles-dir', dir, '-q', '-s', selector);
      expect(r.code, `${selector}: ${r.err}`).toBe(0);
      expect({ round, selector, out: r.out.trim().split('\n').filter(Boolean) }).toEqual({ round, selector, out: dbt });
    }
  }
}

describe("dbt's fqn selection method", () => {
  it('selects what dbt ls selects', () => expectRecorded(FILES, RECORDED));
});

const PATH_FILES = {
  ...BASE,
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
const PATH_RECORDED: [selector: string, dbt: string[]][] = [
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
  it('selects what dbt ls selects, package nodes by their path within the package', () => expectRecorded(PATH_FILES, PATH_RECORDED, 2));
});
