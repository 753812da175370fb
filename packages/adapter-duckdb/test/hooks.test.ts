import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute, type InvocationOptions } from '@smsql/core';
import { queryTarget as query, writeProject } from '@smsql/test-kit';
import { createDuckDbAdapter } from '../src/index.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';
const log = (what: string) => `insert into main.audit select coalesce(max(seq), 0) + 1, '${what}' from main.audit`;

/** Hooks at every level dbt reads them from, each writing a row in order. */
const FILES = {
  'sm_project.yml': [
    'name: demo',
    'profile: demo',
    "version: '1.0'",
    'on-run-start:',
    '  - "create table if not exists main.audit (seq integer, what varchar)"',
    `  - "${log('run start')}"`,
    'on-run-end:',
    `  - "${log(`run end {{ results | length }} {{ schemas | join(\\",\\") }} {{ database_schemas | length }} {% for r in results %}{{ r.node.name }}={{ r.status }};{% endfor %}`)}"`,
    'models:',
    '  demo:',
    `    +pre-hook: "${log('project pre {{ this.name }}')}"`,
    '    +post-hook:',
    `      - "${log('project post {{ this.name }}')}"`,
    '',
  ].join('\n'),
  'profiles.yml': PROFILE,
  'models/a.sql': `{{ config(pre_hook="${log('model pre a')}", post_hook=[{"sql": "${log('model post a outside')}", "transaction": false}]) }}\nselect 1 as id`,
  'models/b.sql': `{{ config(materialized='table', pre_hook=before_begin("${log('before begin b')}"), post_hook=after_commit("insert into main.audit select coalesce(max(seq), 0) + 1, 'after commit b ' || (select count(*) from {{ this }}) from main.audit")) }}\nselect * from {{ ref('a') }}`,
  'models/schema.yml': `version: 2\nmodels:\n  - name: a\n    config:\n      post_hook: "${log('yaml post a')}"\n`,
};

describe('hooks, as dbt-core 1.11.16 with dbt-duckdb 1.11.1 runs them', () => {
  it('runs on-run-start, each model between its pre- and post-hooks (project, YAML, config(); before_begin, after_commit), then on-run-end with results and schemas', async () => {
    const dir = writeProject(FILES);
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    const o = await execute(opts, 'run');
    expect(o.status).toBe('success');
    // The audit rows dbt wrote for this project, in order.
    expect(await query(opts, 'select seq::int as seq, what from main.audit order by seq')).toEqual(
      [
        'run start',
        'project pre a',
        'model pre a',
        'project post a',
        'yaml post a',
        'model post a outside',
        'before begin b',
        'project pre b',
        'project post b',
        'after commit b 1',
        'run end 2 main 1 a=success;b=success;',
      ].map((what, i) => ({ seq: i + 1, what })),
    );
    // run_results.json lists the hooks as dbt does: operations with their compiled SQL.
    const rr = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string; compiled_code: string | null; thread_id: string }[] };
    expect(rr.results.map((r) => [r.unique_id, r.status])).toEqual([
      ['operation.demo.demo-on-run-start-0', 'success'],
      ['operation.demo.demo-on-run-start-1', 'success'],
      ['model.demo.a', 'success'],
      ['model.demo.b', 'success'],
      ['operation.demo.demo-on-run-end-0', 'success'],
    ]);
    expect(rr.results[0]).toMatchObject({ message: 'demo.on-run-start.0 passed', compiled_code: 'create table if not exists main.audit (seq integer, what varchar)', thread_id: 'main' });
  });

  it('after a failing on-run-start hook skips the rest of them, still runs the models and on-run-end, and fails', async () => {
    const dir = writeProject({ ...FILES, 'sm_project.yml': FILES['sm_project.yml'].replace('on-run-end:', '  - "select * from nope_missing"\non-run-end:') });
    const o = await execute({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} }, 'run');
    expect(o.status).toBe('failure');
    expect(o.results.map((r) => [r.uniqueId, r.status])).toEqual([
      ['operation.demo.demo-on-run-start-0', 'success'],
      ['operation.demo.demo-on-run-start-1', 'success'],
      ['operation.demo.demo-on-run-start-2', 'error'],
      ['model.demo.a', 'success'],
      ['model.demo.b', 'success'],
      ['operation.demo.demo-on-run-end-0', 'success'],
    ]);
    expect(o.results[2]!.message).toMatch(/^demo\.on-run-start\.2 failed, error:\n Catalog Error: Table with name nope_missing does not exist!/);
  });

  it('a failing post-hook inside the transaction leaves yesterday\'s table', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/t.sql': "{{ config(materialized='table', post_hook=\"{{ 'select * from nope' if var('fail', false) else 'select 1' }}\") }}select {{ var('v', 1) }} as v" });
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    expect((await execute(opts, 'run')).status).toBe('success');
    const failed = await execute({ ...opts, vars: { v: 2, fail: true } }, 'run');
    expect(failed.results[0]).toMatchObject({ status: 'error', message: expect.stringContaining('nope') });
    expect(await query(opts, 'select v::int as v from main.t')).toEqual([{ v: 1 }]);
  });

  it('runs no project hook when the selection holds nothing, as dbt', async () => {
    const dir = writeProject(FILES);
    const o = await execute({ projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {}, select: ['no_such_model'] }, 'run');
    expect(o.results).toEqual([]);
  });
});

/** Seeds and snapshots have hooks too; on-run-start/on-run-end run for every command that runs nodes. */
const NODES = {
  'sm_project.yml': [
    'name: demo',
    'profile: demo',
    "version: '1.0'",
    'on-run-start:',
    '  - "create table if not exists main.audit (seq integer, what varchar)"',
    `  - "${log('start {{ flags.WHICH }}')}"`,
    `on-run-end: "${log('end {{ flags.WHICH }} {% for r in results %}{{ r.node.resource_type }}:{{ r.node.name }}={{ r.status }};{% endfor %}')}"`,
    'seeds:',
    '  demo:',
    `    +post-hook: "${log('seed post {{ this.name }} {{ this.schema }}')}"`,
    'snapshots:',
    '  demo:',
    `    +pre-hook: "${log('snap pre {{ this.name }}')}"`,
    '',
  ].join('\n'),
  'profiles.yml': PROFILE,
  'seeds/s.csv': 'id,v\n1,a\n2,b\n',
  'seeds/schema.yml': `version: 2\nseeds:\n  - name: s\n    config:\n      pre_hook: "${log('seed yaml pre {{ this.identifier }}')}"\n`,
  'snapshots/snap.sql': `{% snapshot snap %}\n{{ config(target_schema='main', unique_key='id', strategy='check', check_cols='all', post_hook="${log('snap post {{ this.name }} ')}") }}\nselect * from {{ ref('s') }}\n{% endsnapshot %}\n`,
  'models/m.sql': `{{ config(materialized='table', pre_hook="{% if var('fail', false) %}select * from nope{% else %}${log('model pre m')}" ~ "{% endif %}") }}\nselect {{ var('v', 1) }} as v\n`,
};

describe('hooks on seeds, snapshots and failing models, as dbt-core 1.11.16 with dbt-duckdb 1.11.1', () => {
  it('seed, snapshot, run, a run whose pre-hook fails and build each run their hooks in dbt\'s order; the failed model keeps its table', async () => {
    const dir = writeProject(NODES);
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    expect((await execute(opts, 'seed')).status).toBe('success');
    expect((await execute(opts, 'snapshot')).status).toBe('success');
    expect((await execute(opts, 'run')).status).toBe('success');
    const failed = await execute({ ...opts, vars: { fail: true, v: 2 } }, 'run');
    expect(failed.status).toBe('failure');
    expect(failed.results.find((r) => r.name === 'm')).toMatchObject({ status: 'error', message: expect.stringContaining('Table with name nope does not exist') });
    expect((await execute({ ...opts, select: ['s'] }, 'build')).status).toBe('success');
    // What dbt wrote for the same commands on the same files.
    expect(await query(opts, 'select seq::int as seq, what from main.audit order by seq')).toEqual(
      [
        'start seed',
        'seed yaml pre s',
        'seed post s main',
        'end seed seed:s=success;',
        'start snapshot',
        'snap pre snap',
        'snap post snap ',
        'end snapshot snapshot:snap=success;',
        'start run',
        'model pre m',
        'end run model:m=success;',
        'start run',
        'end run model:m=error;',
        'start build',
        'seed yaml pre s',
        'seed post s main',
        'end build seed:s=success;',
      ].map((what, i) => ({ seq: i + 1, what })),
    );
    expect(await query(opts, 'select v::int as v from main.m')).toEqual([{ v: 1 }]);
  });
});

describe('hooks on external Parquet models (sm only)', () => {
  it('runs pre-hooks before the files are written and post-hooks once the view reads them', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/ext.sql': `{{ config(materialized='external', pre_hook=["create table if not exists main.audit (seq integer, what varchar)", "${log('pre')}"], post_hook="insert into main.audit select coalesce(max(seq), 0) + 1, 'post ' || (select count(*) from {{ this }}) from main.audit") }}select range as id from range(0, 3)`,
    });
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    expect((await execute(opts, 'run')).status).toBe('success');
    expect(await query(opts, 'select seq::int as seq, what from main.audit order by seq')).toEqual([
      { seq: 1, what: 'pre' },
      { seq: 2, what: 'post 3' },
    ]);
  });
});

describe('hooks compile can render', () => {
  it('are handed to the run as SQL; hooks that ask the warehouse or read run-time values render when they run', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'sm_project.yml': `name: demo\nprofile: demo\non-run-start: "create table if not exists main.audit (seq integer, what varchar)"\nmodels:\n  demo:\n    +post-hook: "${log('{{ this.identifier }} {{ var(\\"tag\\", \\"none\\") }}')}"\n`,
      'models/a.sql': 'select 1 as id',
      'models/b.sql': `{{ config(pre_hook="${log("n={{ run_query('select count(*) from main.audit').columns[0].values()[0] }}")}") }}select 2 as id`,
      'models/c.sql': `{{ config(post_hook="${log('{{ flags.WHICH }}')}") }}select 3 as id`,
    });
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {}, threads: 1, vars: { tag: 't1' } };
    const o = await execute(opts, 'run');
    expect(o.status).toBe('success');
    const hooks = (id: string) => o.compilation.compiled.nodes.get(`model.demo.${id}`)!.renderedHooks;
    expect(hooks('a')).toEqual({ pre: [], post: [{ sql: log('a t1'), transaction: true }] });
    // b asks the warehouse, c reads flags (which change from command to command): rendered as they run.
    expect(hooks('b')).toBeUndefined();
    expect(hooks('c')).toBeUndefined();
    expect(await query(opts, 'select what from main.audit order by seq')).toEqual([{ what: 'a t1' }, { what: 'n=1' }, { what: 'b t1' }, { what: 'c t1' }, { what: 'run' }]);
  });
});

describe('a hook rendered when it runs, in a model whose config() names its schema', () => {
  it("sees `this` in that schema and the relation just built (dbt 1.11.16 logged 'rel: True', n 2)", async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'sm_project.yml': 'name: demo\nprofile: demo\n',
      'macros/count_this.sql': [
        '{% macro count_this() %}',
        '{% if execute %}',
        '{% set rel = adapter.get_relation(this.database, this.schema, this.identifier) %}',
        "{% do run_query('create or replace table main.seen as select ' ~ (this.schema | tojson | replace('\"', \"'\")) ~ ' as s, ' ~ (rel is not none) ~ ' as found') %}",
        '{% endif %}',
        "{{ return('') }}",
        '{% endmacro %}',
      ].join('\n'),
      'models/hooked.sql': "{{ config(materialized='table', schema='other', post_hook='{{ count_this() }}') }}\nselect 1 as id union all select 2",
    });
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    const o = await execute(opts, 'run');
    expect(o.status).toBe('success');
    expect(await query(opts, 'select s, found from main.seen')).toEqual([{ s: 'main_other', found: true }]);
  });
});

describe('what hooks ref, as dbt 1.11 finds it at parse', () => {
  const files = (extra: Record<string, string> = {}) => ({
    'profiles.yml': PROFILE,
    'sm_project.yml': 'name: demo\nprofile: demo\nmodels:\n  demo:\n    +materialized: table\n',
    // Without the hook's ref, a_main would run first (one thread, no other edge) and its hook would find no z_log.
    'models/a_main.sql': `{{ config(post_hook="insert into {{ ref('z_log') }} select 'a_main', count(*) from {{ this }}") }}select 1 as id`,
    'models/a_inc.sql': `{{ config(materialized='incremental', pre_hook="insert into {{ ref('z_log') }} select 'a_inc', 0") }}select 2 as id`,
    'models/z_log.sql': "select 'created' as what, 0::bigint as n",
    ...extra,
  });

  it('makes the models a hook refs dependencies of its node, so they are built first', async () => {
    const dir = writeProject(files());
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {}, threads: 1 };
    const o = await execute(opts, 'run');
    expect(o.status).toBe('success');
    const deps = (id: string) => o.compilation.compiled.nodes.get(`model.demo.${id}`)!.dependsOn.nodes;
    expect(deps('a_main')).toEqual(['model.demo.z_log']);
    expect(deps('a_inc')).toEqual(['model.demo.z_log']);
    const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { depends_on: { nodes: string[] }; refs: { name: string }[] }> };
    expect(manifest.nodes['model.demo.a_main']!.depends_on.nodes).toEqual(['model.demo.z_log']);
    expect(manifest.nodes['model.demo.a_main']!.refs.map((r) => r.name)).toEqual(['z_log']);
    expect(await query(opts, 'select what, n::int as n from main.z_log order by what')).toEqual([
      { what: 'a_inc', n: 0 },
      { what: 'a_main', n: 1 },
      { what: 'created', n: 0 },
    ]);
  });

  it('reports a hook that refs a model that does not exist before anything runs, as dbt does at parse', async () => {
    const dir = writeProject(files({ 'models/b.sql': `{{ config(pre_hook="delete from {{ ref('no_such_model') }}") }}select 1 as id` }));
    const opts: InvocationOptions = { projectDir: dir, adapters: { duckdb: createDuckDbAdapter }, env: {} };
    await expect(execute(opts, 'run')).rejects.toThrow(/SM_REF_NOT_FOUND at models\/b\.sql:1: Model "b" refers to "no_such_model"/);
    expect(existsSync(join(dir, 'target', 'demo.duckdb'))).toBe(false);
  });
});
