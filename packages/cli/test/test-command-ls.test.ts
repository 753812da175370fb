import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

const files = {
  'profiles.yml': PROFILE,
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: users\n',
  'models/staging/stg_users.sql': "{{ config(tags=['daily']) }}select id, level from {{ source('raw', 'users') }}",
  'models/dim_users.sql': "{{ config(materialized='table') }}select id, level, level = 'paid' as is_paid from {{ ref('stg_users') }}",
  'models/schema.yml': `version: 2
models:
  - name: dim_users
    columns:
      - name: id
        tests: [unique]
unit_tests:
  - name: paid_flag
    model: dim_users
    given:
      - input: ref('stg_users')
        rows: [{id: 1, level: paid}, {id: 2, level: free}]
    expect:
      rows: [{id: 1, is_paid: true}, {id: 2, is_paid: true}]
`,
};

describe('sm ls for orchestrators', () => {
  // The key set and order are those dbt-core 1.11.16 `dbt ls --output json` printed for a model.
  it('--output json has a stable key set per node (the keys dbt ls prints)', async () => {
    const dir = writeProject(files);
    const r = await sm('ls', '--project-dir', dir, '--output', 'json', '--resource-type', 'model', 'seed', 'snapshot');
    expect(r.code, r.err).toBe(0);
    const rows = r.out.split('\n').map((l) => JSON.parse(l));
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['alias', 'config', 'depends_on', 'name', 'original_file_path', 'package_name', 'resource_type', 'tags', 'unique_id']);
      expect(Object.keys(row.depends_on).sort()).toEqual(['macros', 'nodes']);
    }
    expect(rows.find((x) => x.name === 'dim_users')).toMatchObject({
      resource_type: 'model',
      unique_id: 'model.demo.dim_users',
      original_file_path: 'models/dim_users.sql',
      depends_on: { nodes: ['model.demo.stg_users'] },
      config: { materialized: 'table' },
    });
    expect(rows.find((x) => x.name === 'stg_users')).toMatchObject({ tags: ['daily'], depends_on: { nodes: ['source.demo.raw.users'] } });
  });

  // `dbt ls --output json` (dbt-core 1.11.16, dbt-duckdb 1.11.1, 6 Dec 2026) on these files printed
  // fixtures/ls-output-json.dbt-1.11.txt: each node's keys in dbt's order, Python's JSON spacing.
  it('--output json prints what dbt ls prints, byte for byte, for every resource type', async () => {
    const dir = writeProject({
      'profiles.yml': 'lj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: lj.duckdb\n',
      'dbt_project.yml': "name: lj\nversion: '1.0'\nprofile: lj\n",
      'seeds/s.csv': 'id,name\n1,a\n',
      'models/m.sql': "select id from {{ ref('s') }}\n",
      'snapshots/snap.sql': "{% snapshot snap %}\n{{ config(target_schema='snaps', unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('s') }}\n{% endsnapshot %}\n",
      'models/schema.yml': `sources:
  - name: raw
    schema: main
    tables:
      - name: events
        columns:
          - name: id
            data_tests: [not_null]
models:
  - name: m
    description: "\u00fc model"
    columns:
      - name: id
        data_tests: [unique]
exposures:
  - name: dash
    type: dashboard
    owner: {name: me}
    depends_on: [ref('m')]
unit_tests:
  - name: ut
    model: m
    given:
      - input: ref('s')
        rows: [{id: 1, name: a}]
    expect:
      rows: [{id: 1}]
`,
    });
    const r = await sm('ls', '--project-dir', dir, '--output', 'json');
    expect(r.code, r.err).toBe(0);
    expect(`${r.out}\n`).toBe(readFileSync(join(import.meta.dirname, 'fixtures', 'ls-output-json.dbt-1.11.txt'), 'utf8'));
    // A snapshot block's fqn names its file, then the snapshot (dbt ls: lj.snap.snap; fqn:lj.snap.snap selects it).
    expect((await sm('ls', '--project-dir', dir, '--resource-type', 'snapshot', '-q')).out).toBe('lj.snap.snap');
    expect((await sm('ls', '--project-dir', dir, '-s', 'fqn:lj.snap.snap', '-q')).out).toBe('lj.snap.snap');
  });

  it('--output name and path, unit tests included and selectable', async () => {
    const dir = writeProject(files);
    expect((await sm('ls', '--project-dir', dir, '--output', 'name')).out.split('\n').sort()).toEqual(['dim_users', 'paid_flag', 'raw.users', 'stg_users', 'unique_dim_users_id']);
    expect((await sm('ls', '--project-dir', dir, '--output', 'path', '-s', 'tag:daily')).out).toBe('models/staging/stg_users.sql');
    expect((await sm('ls', '--project-dir', dir, '--output', 'name', '-s', 'test_type:unit')).out).toBe('paid_flag');
    // paid_flag stays: its fqn (demo.dim_users.paid_flag) starts with dim_users, which dbt's fqn method matches too.
    expect((await sm('ls', '--project-dir', dir, '--output', 'name', '-s', 'dim_users', '--indirect-selection', 'empty')).out.split('\n').sort()).toEqual(['dim_users', 'paid_flag']);
    expect((await sm('ls', '--project-dir', dir, '--output', 'name', '-s', 'dim_users')).out.split('\n').sort()).toEqual(['dim_users', 'paid_flag', 'unique_dim_users_id']);
  });

  // dbt-core 1.11.16 `dbt ls` on this project printed these lines, in this order (sorted by unique id; a source as
  // package.source.table though its fqn holds its folder; a unit test as unit_test:package.name).
  it('prints the selectors dbt prints, in dbt\'s order, and --output-keys as dbt picks them', async () => {
    const dir = writeProject({ ...files, 'seeds/a_seed.csv': 'id\n1\n', 'models/staging/raw.yml': 'version: 2\nsources:\n  - name: lake\n    tables:\n      - name: events\n' });
    const r = await sm('ls', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')).toEqual(['demo.dim_users', 'demo.staging.stg_users', 'demo.a_seed', 'source:demo.lake.events', 'source:demo.raw.users', 'demo.unique_dim_users_id', 'unit_test:demo.paid_flag']);
    const k = await sm('ls', '--project-dir', dir, '--output', 'json', '--output-keys', 'unique_id name', '--output-keys', 'fqn', 'no_such_key', '-s', 'source:lake', 'dim_users', '--resource-type', 'model', 'source');
    expect(k.out.split('\n').map((l) => JSON.parse(l))).toEqual([
      { unique_id: 'model.demo.dim_users', name: 'dim_users', fqn: ['demo', 'dim_users'] },
      { unique_id: 'source.demo.lake.events', name: 'events', fqn: ['demo', 'staging', 'lake', 'events'] },
    ]);
  });

  // dbt-core 1.11.16's `dbt ls --output json --output-keys ...`, recorded on a small project: keys split at single spaces only.
  it('--output-keys splits keys at spaces, not commas, as dbt does', async () => {
    const dir = writeProject(files);
    const keys = async (...k: string[]) => {
      const r = await sm('ls', '--project-dir', dir, '--output', 'json', '-s', 'dim_users', '--resource-type', 'model', ...k);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out) as unknown;
    };
    const both = { name: 'dim_users', resource_type: 'model' };
    expect(await keys('--output-keys', 'name resource_type')).toEqual(both);
    expect(await keys('--output-keys', 'name', '--output-keys', 'resource_type')).toEqual(both);
    expect(await keys('--output-keys', 'name', 'resource_type')).toEqual(both);
    // One key named "name,resource_type", which no node has.
    expect(await keys('--output-keys', 'name,resource_type')).toEqual({});
    expect(await keys('--output-keys', 'name, resource_type')).toEqual({ resource_type: 'model' });
    expect(await keys('--output-keys', '')).toEqual({});
  });

  // dbt-core 1.11.16 on a project with a seed, a model, a data test and a unit test: these run_results.
  it('build and test take --resource-type(s) and --exclude-resource-type(s) as dbt does', async () => {
    const dir = writeProject({ ...files, 'models/sources.yml': 'version: 2\n', 'seeds/raw_users.csv': 'id,level\n1,paid\n', 'models/staging/stg_users.sql': "select id, level from {{ ref('raw_users') }}" });
    const ran = async (...args: string[]) => {
      const r = await sm(...args, '--project-dir', dir);
      const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string }[] };
      return [r.code, rr.results.map((x) => x.unique_id.split('.').slice(0, 1).join('')).sort()];
    };
    expect(await ran('build', '--resource-type', 'seed')).toEqual([0, ['seed']]);
    expect(await ran('build', '--resource-types', 'model', 'seed')).toEqual([0, ['model', 'model', 'seed']]);
    expect(await ran('build', '--exclude-resource-type', 'unit_test')).toEqual([0, ['model', 'model', 'seed', 'test']]);
    expect(await ran('build', '--exclude-resource-types', 'test', 'unit_test', '--resource-type', 'all')).toEqual([0, ['model', 'model', 'seed']]);
    expect(await ran('test', '--resource-type', 'unit_test')).toEqual([1, ['unit_test']]);
    expect(await ran('test', '--exclude-resource-type', 'unit_test')).toEqual([0, ['test']]);
    expect(await ran('build', '--resource-type', 'source')).toEqual([0, []]);
    expect((await sm('run', '--project-dir', dir, '--resource-type', 'model')).code).toBe(2);
  });

  it('sm test runs unit tests with no warehouse data and prints a readable diff', async () => {
    const dir = writeProject(files);
    const r = await sm('test', '--project-dir', dir, '-s', 'test_type:unit');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL\s+unit_test paid_flag/);
    expect(r.out).toContain('actual differs from expected (1 expected row missing, 1 unexpected)');
    expect(r.out).toMatch(/- 2\s+\| true/);
    expect(r.out).toMatch(/\+ 2\s+\| false/);
  });
});
