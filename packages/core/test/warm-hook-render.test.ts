import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaseDialect, compile, type Adapter, type Compilation, type Connection } from '../src/index.ts';
import { executionRenderer } from '../src/compile/execution-renderer.ts';
import { operationNode } from '../src/render/render-parts.ts';
import { age, writeProject } from './fixture.ts';

const offline: Adapter = {
  type: 'duckdb',
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('compile must not connect')),
};

/** A hook renders without asking the warehouse: no statement reaches this connection. */
const noConnection = new Proxy({}, { get: (_t, k) => (k === 'then' ? undefined : () => Promise.reject(new Error(`the hook's render used the connection (${String(k)})`))) }) as Connection;

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
    // One that refs a model needs the nodes: loading them now reports the broken file.
    await expect(render("select * from {{ ref('a') }}")).rejects.toThrow(/schema\.yml/);
  });

  it("load the nodes when a hook reads ref(), source() or graph, and render as a cold start's would", async () => {
    const dir = writeProject(files);
    const { render } = await warmRenderer(dir);
    expect(await render("grant select on {{ ref('b') }} to r; -- {{ ref('a') }}")).toBe('grant select on "main"."b" to r; -- "main"."a1"');
    expect(await render("{{ graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | map(attribute='name') | sort | join(',') }}")).toBe('a,b');
    expect(await render("{{ graph.nodes | length }}")).toBe('3');
  });
});
