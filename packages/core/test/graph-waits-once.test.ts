import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BaseDialect, compile, writeCompileResults, type Adapter } from '../src/index.ts';
import { ProjectHost } from '../src/render/project-host.ts';
import { RenderScheduler } from '../src/render/render-scheduler.ts';
import { age, writeProject } from './fixture.ts';

const offline: Adapter = {
  type: 'duckdb',
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('compile must not connect')),
};

afterEach(() => vi.restoreAllMocks());

describe('`graph` waits for every node not rendered yet at once', () => {
  it("a project hook reading graph is rendered twice, not once per node (it was: minutes on 10,000 models)", async () => {
    const N = 40;
    const files: Record<string, string> = {
      'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: ':memory:', schema: main, threads: 1}\n",
      'sm_project.yml': 'name: demo\nprofile: demo\non-run-end:\n  - "{% if execute %}select {{ graph.nodes.values() | selectattr(\'resource_type\', \'equalto\', \'model\') | list | length }} as models, {{ graph.nodes | length }} as nodes{% endif %}"\n',
      'models/m0.sql': 'select 1 as id',
      'models/schema.yml': `version: 2\nmodels:\n${Array.from({ length: N }, (_, i) => `  - name: m${i}\n    columns:\n      - name: id\n        tests: [not_null]\n`).join('')}`,
    };
    for (let i = 1; i < N; i++) files[`models/m${i}.sql`] = `select id from {{ ref('m${i - 1}') }}`;
    const dir = writeProject(files);
    age(dir);
    const graph = vi.spyOn(ProjectHost.prototype, 'graph');
    const opts = { projectDir: dir, adapters: { duckdb: () => offline }, env: {} };
    const c = await compile(opts, 'compile');
    const compileCalls = graph.mock.calls.length;
    writeCompileResults(c, opts, { which: 'compile', startedAt: performance.now(), args: {} });
    const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; compiled_code: string }[] };
    expect(results.results.find((r) => r.unique_id === 'operation.demo.demo-on-run-end-0')?.compiled_code).toBe(`select ${N} as models, ${2 * N + 1} as nodes`); // and the hook itself, as dbt lists it among the nodes
    // Rendered twice: stopped at its first read of graph for every node it waits for, then to the end
    // (two reads): three calls. A wait for one node at a time stopped the hook once per node (2N times).
    expect(graph.mock.calls.length - compileCalls).toBe(3);
  });

  it('the scheduler renders what a node waits for in the order given, then the node', () => {
    const order: string[] = [];
    const done = new Set<string>();
    let readerTries = 0;
    const s = new RenderScheduler({
      isRendered: (id) => done.has(id),
      staticDeps: () => [],
      renderOnce: (id) => {
        if (id === 'reader' && readerTries++ === 0) return ['a', 'b', 'c'];
        order.push(id);
        done.add(id);
        return undefined;
      },
      finished: () => [],
    });
    s.ensure('reader');
    expect(order).toEqual(['a', 'b', 'c', 'reader']);
    expect(readerTries).toBe(2);
  });
});
