import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaseDialect, compile, loadProject, type Adapter, type LoadedProject } from '../src/index.ts';
import { writeProject } from './fixture.ts';

const offline: Adapter = {
  type: 'duckdb',
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('compile must not connect')),
};

/** What a render reads of a loaded project: its nodes as loaded. */
const nodesOf = (p: LoadedProject) => JSON.stringify({ models: p.models, seeds: p.seeds, sources: p.sources, tests: p.tests, unitTests: p.unitTests, exposures: p.exposures, semantic: p.semantic, disabled: p.disabled });

/**
 * A run renders hooks and warehouse-reading templates over the project its cold compile loaded
 * (compile/execution-renderer.ts) rather than loading it again: compiling must leave that
 * project's nodes as loading made them, or those renders would see what compiling did to them.
 */
describe('a cold compile leaves the loaded project as loaded', () => {
  const cases: [string, () => string][] = [
    [
      'the Streamify project',
      () => {
        const dir = mkdtempSync(join(tmpdir(), 'sm-keeps-'));
        const from = resolve(import.meta.dirname, '../../../project');
        cpSync(from, dir, { recursive: true, filter: (src) => !/[\\/](target|logs|dbt_packages|\.venv)$/.test(src) && !src.endsWith('.duckdb') });
        return dir;
      },
    ],
    [
      'config() calls, ephemerals, tests with errors, vars without a value, disabled nodes',
      () =>
        writeProject({
          'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: ':memory:', schema: main, threads: 1}\n",
          'models/a.sql': "{{ config(materialized='table', tags=['x'], meta={'k': 1}, alias='a1') }}select 1 as id",
          'models/eph.sql': "{{ config(materialized='ephemeral') }}select id from {{ ref('a') }}",
          'models/b.sql': "{{ config(schema='s', post_hook='select 1') }}select * from {{ ref('eph') }} where id < {{ var('missing_var') }}",
          'models/off.sql': '{{ config(enabled=false) }}select 1',
          'models/inc.sql': "{{ config(materialized='incremental', unique_key='id') }}select id from {{ ref('a') }}{% if is_incremental() %} where id > (select max(id) from {{ this }}){% endif %}",
          'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    config: {tags: [y]}\n    columns:\n      - name: id\n        tests: [unique, not_null, {accepted_values: {values: [1]}}, no_such_test]\n',
          'seeds/s.csv': 'k,v\n1,2\n',
          'snapshots/snap.sql': "{% snapshot snap %}{{ config(target_schema='snaps', unique_key='id', strategy='check', check_cols='all') }}select * from {{ ref('a') }}{% endsnapshot %}",
        }),
    ],
  ];
  it.each(cases)('%s', async (_name, make) => {
    const dir = make();
    const opts = { projectDir: dir, adapters: { duckdb: () => offline }, env: {}, noCache: true };
    const c = await compile(opts, 'build');
    expect(c.reused).toBe(false);
    expect(c.project.models.length).toBeGreaterThan(2);
    expect(nodesOf(c.project)).toBe(nodesOf(loadProject(opts)));
  });
});
