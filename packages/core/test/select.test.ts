import { describe, expect, it } from 'vitest';
import { BaseDialect, buildGraph, byId, compile, criterion, intersection, parseSelectionArgs, selectionText, selectNodes, union, type Adapter, type GraphNode, type Selection } from '../src/index.ts';
import { writeProject } from './fixture.ts';

const offline: Adapter = {
  type: 'duckdb',
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('no')),
};

const dir = writeProject({
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: ev\n',
  'models/staging/stg_a.sql': "{{ config(tags=['stg']) }}select * from {{ source('raw', 'ev') }}",
  'models/staging/stg_b.sql': "{{ config(tags=['stg', 'b']) }}select 1 as id",
  'models/marts/dim.sql': "{{ config(materialized='table') }}select * from {{ ref('stg_b') }}",
  'models/marts/fact.sql': "{{ config(materialized='table') }}select * from {{ ref('stg_a') }} join {{ ref('dim') }} using (id)",
  'models/marts/wide.sql': "select * from {{ ref('fact') }}",
  'models/marts/schema.yml': 'version: 2\nmodels:\n  - name: dim\n    columns:\n      - name: id\n        tests: [unique]\n',
});

async function names(select: string[], exclude: string[] = [], command: 'ls' | 'run' = 'run'): Promise<string[]> {
  const c = await compile({ projectDir: dir, adapters: { duckdb: () => offline }, select, exclude }, command);
  return c.selected.map((id) => c.compiled.nodes.get(id)!.name).sort();
}

describe('selection', () => {
  it.each([
    [['fact'], [], ['fact']],
    [['+fact'], [], ['dim', 'fact', 'stg_a', 'stg_b']],
    [['fact+'], [], ['fact', 'wide']],
    [['1+fact'], [], ['dim', 'fact', 'stg_a']],
    [['stg_b+1'], [], ['dim', 'stg_b']],
    [['@dim'], [], ['dim', 'fact', 'stg_a', 'stg_b', 'wide']],
    [['tag:stg'], [], ['stg_a', 'stg_b']],
    [['tag:stg,tag:b'], [], ['stg_b']],
    [['tag:stg', 'wide'], [], ['stg_a', 'stg_b', 'wide']],
    [['path:models/marts'], ['wide'], ['dim', 'fact']],
    [['config.materialized:table'], [], ['dim', 'fact']],
    [['source:raw+'], [], ['fact', 'stg_a', 'wide']],
    [['marts.*'], [], ['dim', 'fact', 'wide']],
    [['tag:stg,path:models/staging'], [], ['stg_a', 'stg_b']],
  ])('%j minus %j', async (select, exclude, expected) => {
    expect(await names(select, exclude)).toEqual(expected);
  });

  it('selects the tests of selected models for ls/test/build', async () => {
    expect(await names(['dim'], [], 'ls')).toEqual(['dim', 'unique_dim_id']);
  });

  it('rejects an unknown method clearly', async () => {
    await expect(names(['nope:x'])).rejects.toMatchObject({ diagnostics: [{ code: 'SM_SELECTOR_INVALID' }] });
  });

  it('parses the command line once into a typed expression, and prints it back as typed', () => {
    const e = parseSelectionArgs(['+fact,tag:stg', 'models/marts/wide.sql', '@dim stg_b+2'])!;
    expect(e).toMatchObject({
      kind: 'union',
      testsOfWhole: true,
      items: [
        { kind: 'intersection', items: [{ method: 'fqn', value: 'fact', parents: Infinity }, { method: 'tag', value: 'stg' }] },
        { kind: 'criterion', method: 'path', value: 'models/marts/wide.sql' },
        { kind: 'criterion', method: 'fqn', value: 'dim', childrensParents: true },
        { kind: 'criterion', method: 'fqn', value: 'stg_b', children: 2 },
      ],
    });
    expect(selectionText(e)).toBe('+fact,tag:stg models/marts/wide.sql @dim stg_b+2');
    expect(selectionText(union([byId('model.demo.fact', true), criterion('tag', 'b', { parents: 1 })]))).toBe('unique_id:model.demo.fact+ 1+tag:b');
  });

  it('a selection built in code selects what the same text selects', async () => {
    const built: Selection = { include: union([intersection([byId('model.demo.stg_b', true), criterion('path', 'models/marts')])]), exclude: criterion('fqn', 'wide') };
    const c = await compile({ projectDir: dir, adapters: { duckdb: () => offline }, selection: built }, 'run');
    expect(c.selected.map((id) => c.compiled.nodes.get(id)!.name).sort()).toEqual(await names(['unique_id:model.demo.stg_b+,path:models/marts'], ['wide']));
    expect(c.selected.map((id) => c.compiled.nodes.get(id)!.name).sort()).toEqual(['dim', 'fact']);
  });

  it('source_status:fresher compares max_loaded_at as instants, to the microsecond, as dbt compares datetimes', () => {
    const src = (name: string) => ({ uniqueId: `source.demo.raw.${name}`, resourceType: 'source', name, sourceName: 'raw', packageName: 'demo', originalFilePath: 'models/sources.yml', path: 'models/sources.yml', fqn: ['demo', 'raw', name], tags: [], config: {}, dependsOn: { nodes: [], macros: [] } }) as unknown as GraphNode;
    const nodes = new Map(['micro', 'zone', 'same', 'older'].map((n) => [`source.demo.raw.${n}`, src(n)]));
    const at = (entries: [string, string][]) => new Map(entries.map(([n, t]) => [`source.demo.raw.${n}`, t]));
    const previous = at([['micro', '2026-01-01T00:00:00+00:00'], ['zone', '2026-01-01T00:00:00Z'], ['same', '2026-01-01T00:00:00.500000+00:00'], ['older', '2026-01-02T00:00:00+00:00']]);
    const current = at([['micro', '2026-01-01T00:00:00.000001+00:00'], ['zone', '2026-01-01T01:00:00+01:00'], ['same', '2026-01-01T00:00:00.500Z'], ['older', '2026-01-01T23:59:59.999999+00:00']]);
    const { graph } = buildGraph(nodes);
    const chosen = selectNodes(graph, nodes, { selection: { include: parseSelectionArgs(['source_status:fresher']) }, state: { sources: { previous, current } } });
    expect([...chosen]).toEqual(['source.demo.raw.micro']);
  });
});
