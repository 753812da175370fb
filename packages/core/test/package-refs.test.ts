import { describe, expect, it } from 'vitest';
import { BaseDialect, compile, type Adapter } from '../src/index.ts';
import { writeProject } from './fixture.ts';

const offline: Adapter = {
  type: 'duckdb',
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('compile must not connect')),
};

/**
 * A package's `ref('x')` that finds the root project's x, as dbt-core 1.11.16's `dbt parse`
 * (dbt-duckdb 1.11.1) gave it for these files: a PackageNodeDependsOnRootProjectNode warning per
 * such ref (b's ref('a'); e's ref('d') and ref('a')), none for ref('rp', 'a'); with
 * `flags: {require_ref_searches_node_package_before_root: true}` no warning, and e's ref('d')
 * finds the package's own d (model.pk.d) instead of the root's.
 */
const files = (flag: boolean): Record<string, string> => ({
  'dbt_project.yml': `name: rp\nversion: '1.0'\nprofile: rp\n${flag ? 'flags:\n  require_ref_searches_node_package_before_root: true\n' : ''}`,
  'packages.yml': 'packages:\n  - local: pk\n',
  'models/a.sql': "select 'root' as src",
  'models/d.sql': "select 'root' as src",
  'dbt_packages/pk/dbt_project.yml': "name: pk\nversion: '1.0'\n",
  'dbt_packages/pk/models/d.sql': "{{ config(alias='pk_d') }} select 'pk' as src",
  'dbt_packages/pk/models/b.sql': "select * from {{ ref('a') }}",
  'dbt_packages/pk/models/c.sql': "select * from {{ ref('rp', 'a') }}",
  'dbt_packages/pk/models/e.sql': "select * from {{ ref('d') }} union all select * from {{ ref('a') }}",
});

async function run(flag: boolean) {
  const c = await compile({ projectDir: writeProject(files(flag)), adapters: { duckdb: () => offline } });
  const warned = c.diagnostics.filter((d) => d.event === 'PackageNodeDependsOnRootProjectNode').map((d) => d.eventData);
  const deps = Object.fromEntries(['b', 'c', 'e'].map((n) => [n, c.compiled.nodes.get(`model.pk.${n}`)?.dependsOn.nodes]));
  return { warned, deps };
}

describe("a package's ref that finds a root project node", () => {
  it('warns per ref as dbt does, unless the project looks in the package first', async () => {
    const plain = await run(false);
    expect(plain.warned).toEqual(
      expect.arrayContaining([
        { node_name: 'b', package_name: 'pk', root_project_unique_id: 'model.rp.a' },
        { node_name: 'e', package_name: 'pk', root_project_unique_id: 'model.rp.d' },
        { node_name: 'e', package_name: 'pk', root_project_unique_id: 'model.rp.a' },
      ]),
    );
    expect(plain.warned).toHaveLength(3);
    expect(plain.deps).toEqual({ b: ['model.rp.a'], c: ['model.rp.a'], e: ['model.rp.d', 'model.rp.a'] });

    const flagged = await run(true);
    expect(flagged.warned).toEqual([]);
    expect(flagged.deps).toEqual({ b: ['model.rp.a'], c: ['model.rp.a'], e: ['model.pk.d', 'model.rp.a'] });
  });
});
