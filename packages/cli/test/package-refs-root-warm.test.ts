import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

/**
 * PackageNodeDependsOnRootProjectNode is a parse warning: dbt-core 1.11.16 gave it (7 Dec 2026,
 * same files, a local package whose model refs a root model) on the first `dbt parse`, not on a
 * second `dbt parse` nor `dbt ls` (partial parsing reused the manifest), not after a root model
 * changed, and again once the package's model changed.
 */
describe("a package's ref to a root project node, warned as dbt's parse warns", () => {
  it('when the node is parsed, not when the last parse is reused', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'dbt_project.yml': "name: demo\nversion: '1.0.0'\nprofile: demo\n",
      'models/root_m.sql': 'select 1 as id\n',
      'dbt_packages/pk/dbt_project.yml': "name: pk\nversion: '1.0.0'\n",
      'dbt_packages/pk/models/pk_m.sql': "select * from {{ ref('root_m') }}\n",
    });
    const warned = async (...argv: string[]) => {
      const r = await sm(...argv, '--project-dir', dir, '--profiles-dir', dir);
      expect(r.code, r.err).toBe(0);
      return `${r.out}\n${r.err}`.split('\n').filter((l) => l.includes('SM_PACKAGE_REFS_ROOT')).length;
    };
    expect(await warned('parse')).toBe(1);
    expect(await warned('parse')).toBe(0);
    expect(await warned('ls')).toBe(0);
    writeFileSync(join(dir, 'models/root_m.sql'), 'select 2 as id\n');
    expect(await warned('parse')).toBe(0);
    writeFileSync(join(dir, 'dbt_packages/pk/models/pk_m.sql'), "select * from {{ ref('root_m') }} -- changed\n");
    expect(await warned('parse')).toBe(1);
    expect(await warned('ls')).toBe(0);
  });
});
