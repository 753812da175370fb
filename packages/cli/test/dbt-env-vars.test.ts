import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm, withEnv } from './run-cli.ts';

// dbt reads each of its flags from a DBT_<FLAG> variable when the command line does not give it.
// Orchestrators set DBT_TARGET=prod or DBT_PROJECT_DIR in a task's environment; a tool that
// ignored them would build the wrong target. What dbt-core 1.11.16 did with each: DBT_TARGET or
// DBT_PROFILE naming nothing exits 2, DBT_PROJECT_DIR finds the project, DBT_LOG_FORMAT=json
// prints JSON lines, DBT_QUIET prints nothing on success.
const PROFILES =
  'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n    other:\n      type: duckdb\n      path: demo.duckdb\n      schema: elsewhere\n      threads: 1\n' +
  'second:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: second_schema\n      threads: 1\n';
const files = {
  'profiles.yml': PROFILES,
  'models/a.sql': 'select 1 as id',
  'models/inc.sql': "{{ config(materialized='incremental') }} select {{ 2 if is_incremental() else 1 }} as run",
};

const schemaOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { schema: string }> }).nodes['model.demo.a']!.schema;

describe("dbt's DBT_* variables", () => {
  it('DBT_TARGET and DBT_PROFILE choose the target and profile; the command line wins; one that names nothing is exit 2', async () => {
    const dir = writeProject(files);
    expect((await withEnv({ DBT_TARGET: 'other' }, () => sm('compile', '--project-dir', dir))).code).toBe(0);
    expect(schemaOf(dir)).toBe('elsewhere');
    expect((await withEnv({ DBT_TARGET: 'other' }, () => sm('compile', '--project-dir', dir, '--target', 'dev'))).code).toBe(0);
    expect(schemaOf(dir)).toBe('main');
    const nope = await withEnv({ DBT_TARGET: 'nope' }, () => sm('run', '--project-dir', dir));
    expect(nope.code).toBe(2);
    expect(nope.out + nope.err).toContain('Target "nope" is not in profile "demo"');
    expect((await withEnv({ DBT_PROFILE: 'second' }, () => sm('compile', '--project-dir', dir))).code).toBe(0);
    expect(schemaOf(dir)).toBe('second_schema');
    expect((await withEnv({ DBT_PROFILE: 'nope' }, () => sm('run', '--project-dir', dir))).code).toBe(2);
  });

  it('DBT_PROJECT_DIR finds the project when --project-dir is not given', async () => {
    const dir = writeProject(files);
    const r = await withEnv({ DBT_PROJECT_DIR: dir }, () => sm('ls', '--output', 'name', '--resource-type', 'model'));
    expect(r.code).toBe(0);
    expect(r.out.split('\n').sort()).toEqual(['a', 'inc']);
  });

  it('DBT_FULL_REFRESH rebuilds incremental models; DBT_LOG_FORMAT=json prints JSON lines, a bad one is exit 2; DBT_QUIET prints nothing', async () => {
    const dir = writeProject(files);
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const show = async () => (await sm('show', '--project-dir', dir, '--inline', "select max(run) as r from {{ ref('inc') }}")).out;
    expect(await show()).toContain('| 2 |');
    expect((await withEnv({ DBT_FULL_REFRESH: 'true' }, () => sm('run', '--project-dir', dir, '-s', 'inc'))).code).toBe(0);
    expect(await show()).toContain('| 1 |');
    const json = await withEnv({ DBT_LOG_FORMAT: 'json' }, () => sm('run', '--project-dir', dir, '-s', 'a'));
    expect(json.code).toBe(0);
    for (const line of json.out.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    expect(json.out).toContain('"event":"run_finished"');
    const bad = await withEnv({ DBT_LOG_FORMAT: 'xml' }, () => sm('run', '--project-dir', dir, '-s', 'a'));
    expect(bad.code).toBe(2);
    expect(bad.out + bad.err).toContain('DBT_LOG_FORMAT must be one of text, json, default, debug, not "xml"');
    expect(await withEnv({ DBT_QUIET: 'true' }, () => sm('run', '--project-dir', dir, '-s', 'a'))).toEqual({ code: 0, out: '', err: '' });
  });
});
