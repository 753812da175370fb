import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, type Compilation } from '../src/index.ts';
import { executionRenderer } from '../src/compile/execution-renderer.ts';
import { operationNode } from '../src/render/render-parts.ts';
import { age, noConnection, offline, writeProject } from './fixture.ts';


const files = {
  'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: ':memory:', schema: main, threads: 1}\n",
  'sm_project.yml': 'name: demo\nprofile: demo\nvars:\n  n: 5\n',
  'models/a.sql': "{{ config(alias='a1') }}select 1 as id",
  'models/b.sql': "select id from {{ ref('a') }}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique]\n',
  'macros/shout.sql': "{% macro shout(c) %}upper('{{ c }}'){% endmacro %}",
};

/** A run's renderer of on-run hooks after a warm compile of `dir`, as execute() makes it. */
async function warmRenderer(dir: string): Promise<{ c: Compilation; render: (text: string) => Promise<string> }> {
  age(dir);
  const opts = { projectDir: dir, adapters: { duckdb: () => offline }, env: {} };
  await compile(opts, 'run');
  const c = await compile(opts, 'run');
  expect(c.reused, 'the second compile is a warm start').toBe(true);
  const live = executionRenderer({ load: opts, dialect: c.adapter.dialect, invocationId: 'inv-1', runStartedAt: new Date(), flags: { WHICH: 'run' }, cachePath: join(dir, 'target/.sm/render-cache.json'), selectedResources: c.selected, project: c.project, reused: c.reused });
  const node = operationNode('demo', 'operation.demo.demo-on-run-end-0', 'demo-on-run-end-0', 'operation', './sm_project.yml');
  return { c, render: (text) => live({ text, name: 'demo.on-run-end.0', node }, noConnection) };
}

describe("a run's on-run hooks after a warm compile", () => {
  it('render from the stored macros, vars and target without loading the project', async () => {
    const dir = writeProject(files);
    const { render } = await warmRenderer(dir);
    // Loading the project from here on fails: a hook that needs no node must not load it.
    writeFileSync(join(dir, 'models/schema.yml'), 'version: 2\nmodels: [\n');
    expect(await render("insert into log values ({{ shout('x') }}, '{{ target.schema }}', {{ var('n') }}, '{{ invocation_id }}', {{ this is none }})")).toBe("insert into log values (upper('x'), 'main', 5, 'inv-1', True)");
    // One that refs a model or reads a source finds it among the stored nodes, as compiled: still no load.
    expect(await render("select * from {{ ref('a') }}")).toBe('select * from "main"."a1"');
    // One that reads `graph` needs the nodes: loading them now reports the broken file.
    await expect(render('{{ graph.nodes | length }}')).rejects.toThrow(/schema\.yml/);
  });

  it("render ref(), source() and graph as a cold start's would", async () => {
    const dir = writeProject(files);
    const { render } = await warmRenderer(dir);
    expect(await render("grant select on {{ ref('b') }} to r; -- {{ ref('a') }}")).toBe('grant select on "main"."b" to r; -- "main"."a1"');
    expect(await render("{{ graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | map(attribute='name') | sort | join(',') }}")).toBe('a,b');
    expect(await render("{{ graph.nodes | length }}")).toBe('3');
  });
});

describe('ref() and source() after a warm compile, from the stored nodes', () => {
  const more = {
    ...files,
    'seeds/s.csv': 'k\n1\n',
    'models/e.sql': "{{ config(materialized='ephemeral') }}select id from {{ ref('a') }}",
    'models/v_v1.sql': 'select 1 as x',
    'models/v_v2.sql': 'select 2 as x',
    'models/off.sql': "{{ config(enabled=false) }}select 1",
    'models/other.yml':
      'version: 2\nmodels:\n  - name: v\n    latest_version: 2\n    versions:\n      - v: 1\n      - v: 2\nsources:\n  - name: raw\n    schema: landing\n    tables:\n      - name: events\n        identifier: ev_all\n',
  };
  const texts = [
    "{{ ref('b') }} {{ ref('demo', 'a') }} {{ ref('s') }} {{ source('raw', 'events') }}",
    "{{ ref('v') }} {{ ref('v', v=1) }} {{ ref('v', version=2) }}",
    "{{ ref('a').identifier }}.{{ ref('a').schema }} {{ source('raw', 'events').identifier }} {{ ref('s').is_table }}",
    "select * from {{ ref('e') }}",
    "{{ ref('missing') }}",
    "{{ ref('off') }}",
    "{{ ref('v', v=9) }}",
    "{{ source('raw', 'nope') }}",
  ];

  it('render as a cold start renders, without loading the project unless an ephemeral or an unknown name is read', async () => {
    const dir = writeProject(more);
    age(dir);
    const opts = { projectDir: dir, adapters: { duckdb: () => offline }, env: {} };
    const node = operationNode('demo', 'operation.demo.demo-on-run-end-0', 'demo-on-run-end-0', 'operation', './sm_project.yml');
    const rendererOf = (c: Compilation) => {
      const live = executionRenderer({ load: opts, dialect: c.adapter.dialect, invocationId: 'inv-1', runStartedAt: new Date(), flags: { WHICH: 'run' }, cachePath: join(dir, 'target/.sm/render-cache.json'), selectedResources: c.selected, project: c.project, reused: c.reused });
      return (text: string) => live({ text, name: 'demo.on-run-end.0', node }, noConnection).then(String, (e: Error) => `error: ${e.message}`);
    };
    const cold = await compile(opts, 'run');
    expect(cold.reused).toBe(false);
    const warm = await compile(opts, 'run');
    expect(warm.reused, 'the second compile is a warm start').toBe(true);
    const [c, w] = [rendererOf(cold), rendererOf(warm)];
    const want = await Promise.all(texts.map(c));
    expect(want[0]).toBe('"main"."b" "main"."a1" "main"."s" "landing"."ev_all"');
    expect(want[1]).toBe('"main"."v_v2" "main"."v_v1" "main"."v_v2"');
    expect(want[3]).toMatch(/__dbt__cte__e/);
    expect(await Promise.all(texts.map(w))).toEqual(want);
    // The stored nodes answered: a project broken after the warm compile is not read for them.
    const w2 = rendererOf(await compile(opts, 'run'));
    writeFileSync(join(dir, 'models/schema.yml'), 'version: 2\nmodels: [\n');
    expect(await Promise.all(texts.slice(0, 3).map(w2))).toEqual(want.slice(0, 3));
    // An ephemeral model renders here (its CTE), which needs the loaded project: it says what is broken.
    expect(await w2(texts[3]!)).toMatch(/schema\.yml/);
  });
});
