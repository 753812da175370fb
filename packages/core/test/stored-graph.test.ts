import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, type Compilation } from '../src/index.ts';
import { executionRenderer } from '../src/compile/execution-renderer.ts';
import { graphStore } from '../src/compile/stored-graph.ts';
import { operationNode } from '../src/render/render-parts.ts';
import { age, noConnection, offline, writeProject } from './fixture.ts';


const files = {
  'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: ':memory:', schema: main, threads: 1}\n",
  'sm_project.yml': 'name: demo\nprofile: demo\n',
  // A config() call: the graph must carry the final config, which only a render gives.
  'models/a.sql': "{{ config(alias='a1', materialized='table', tags=['t1'], meta={'owner': 'x'}) }}select 1 as id",
  'models/b.sql': "select id from {{ ref('a') }}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    description: the first\n    columns:\n      - name: id\n        tests: [unique, not_null]\n',
  'seeds/s.csv': 'id\n1\n',
};

/** What elementary-like hooks read of `graph`: every entry whole, and some fields. */
const texts = [
  '{{ tojson(graph) }}',
  "{% for n in graph.nodes.values() | sort(attribute='unique_id') %}{{ n.unique_id }}:{{ n.config.materialized }}:{{ n.alias }}:{{ n.depends_on.nodes | join('+') }};{% endfor %}",
  // A package's own key in graph (elementary's cache) is the run's own: not kept, not shared.
  "{% do graph.update({'cache': 1}) %}{{ graph.cache }}",
];

function renderer(dir: string, c: Compilation, store: boolean) {
  const opts = { projectDir: dir, adapters: { duckdb: () => offline }, env: {} };
  const live = executionRenderer({
    load: opts,
    dialect: c.adapter.dialect,
    invocationId: 'inv-1',
    runStartedAt: new Date(),
    flags: { WHICH: 'run' },
    cachePath: join(dir, 'target/.sm/render-cache.json'),
    selectedResources: c.selected,
    project: c.project,
    reused: c.reused,
    graphStore: store ? graphStore(join(dir, 'target'), c.stableDigest, c.project.secrets) : undefined,
  });
  const node = operationNode('demo', 'operation.demo.demo-on-run-end-0', 'demo-on-run-end-0', 'operation', './sm_project.yml');
  return (text: string) => live({ text, name: 'demo.on-run-end.0', node }, noConnection).then(String, (e: Error) => `error: ${e.message}`);
}

describe('`graph` kept between commands for the same inputs', () => {
  it('a warm run reads it from the store, equal to the graph built from every node, without loading the project', async () => {
    const dir = writeProject(files);
    age(dir);
    const opts = { projectDir: dir, adapters: { duckdb: () => offline }, env: {} };
    const cold = await compile(opts, 'run');
    expect(cold.stableDigest).toBeDefined();
    // Built from the loaded project and every node's render: the answer to keep.
    const want: string[] = [];
    for (const t of texts) want.push(await renderer(dir, cold, false)(t));
    expect(want[1]).toMatch(/^model\.demo\.a:table:a1:;model\.demo\.b:view:b:model\.demo\.a;seed\.demo\.s:seed:s:;test\.demo\.not_null_a_id\.\w+:test:not_null_a_id:model\.demo\.a;test\.demo\.unique_a_id\.\w+:test:unique_a_id:model\.demo\.a;$/);
    expect(existsSync(join(dir, 'target/.sm/graph.json')), 'nothing kept without a store').toBe(false);
    // A renderer with the store builds it (from every node) and keeps it, as it was before the hook changed it.
    expect(await renderer(dir, cold, true)(texts[2]!)).toBe('1');
    expect(existsSync(join(dir, 'target/.sm/graph.json'))).toBe(true);
    const warm = await compile(opts, 'run');
    expect(warm.reused, 'the second compile is a warm start').toBe(true);
    expect(warm.stableDigest).toBe(cold.stableDigest);
    // From here on, loading the project fails: the kept graph answers without it.
    writeFileSync(join(dir, 'models/schema.yml'), 'version: 2\nmodels: [\n');
    const got: string[] = [];
    for (const t of texts) got.push(await renderer(dir, warm, true)(t));
    expect(got).toEqual(want);
    // Without the store the same render needs the nodes, and says what is broken.
    expect(await renderer(dir, warm, false)(texts[1]!)).toMatch(/schema\.yml/);
  });

  it('is not used for other inputs, nor kept when a node rendered from the clock or the environment', async () => {
    const dir = writeProject(files);
    age(dir);
    const opts = { projectDir: dir, adapters: { duckdb: () => offline }, env: {} };
    const first = await compile(opts, 'run');
    await renderer(dir, first, true)(texts[1]!);
    expect(existsSync(join(dir, 'target/.sm/graph.json'))).toBe(true);
    // Another config: a new digest, and the graph says what the files say now.
    writeFileSync(join(dir, 'models/b.sql'), "{{ config(materialized='table') }}select id from {{ ref('a') }}");
    age(dir);
    const second = await compile(opts, 'run');
    expect(second.stableDigest).not.toBe(first.stableDigest);
    expect(await renderer(dir, second, true)(texts[1]!)).toContain('model.demo.b:table:b:model.demo.a;');
    expect(readFileSync(join(dir, 'target/.sm/graph.json'), 'utf8')).toContain(second.stableDigest!);
    // The store's own check: a digest other than the file's reads nothing.
    expect(graphStore(join(dir, 'target'), first.stableDigest, [])!.read()).toBeUndefined();
    expect(graphStore(join(dir, 'target'), second.stableDigest, [])!.read()).toHaveProperty('nodes');
  });

  it('keeps nothing built while a node asked the warehouse', async () => {
    const dir = writeProject({ ...files, 'models/c.sql': "{% set r = run_query('select 1') %}select 2 as id" });
    age(dir);
    const opts = { projectDir: dir, adapters: { duckdb: () => offline }, env: {} };
    const c = await compile(opts, 'run');
    // c.sql asked the warehouse at compile: at execution it renders again (asking it), and a graph built then is not kept.
    const out = await renderer(dir, c, true)(texts[1]!);
    expect(out).toContain('model.demo.c:view:c:;');
    expect(existsSync(join(dir, 'target/.sm/graph.json'))).toBe(false);
  });
});
