import { describe, expect, it } from 'vitest';
import { BaseDialect, compile, type Adapter } from '../src/index.ts';
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
});
