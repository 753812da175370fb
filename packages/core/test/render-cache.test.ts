import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaseDialect, compile, type Adapter } from '../src/index.ts';
import { writeProject } from './fixture.ts';

const offline: Adapter = {
  type: 'duckdb',
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('no')),
};

describe('render cache', () => {
  it('reuses unchanged renders and invalidates exactly: own file, upstream alias, vars, env', async () => {
    const dir = writeProject({
      'models/a.sql': "{{ config(alias='a1') }}select 1 as id",
      'models/b.sql': "select * from {{ ref('a') }} where id < {{ var('n', 5) }}",
      'models/c.sql': "select '{{ env_var('SM_CACHE_TEST', 'x') }}' as e",
    });
    const sqlOf = async (vars?: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => {
      const c = await compile({ projectDir: dir, adapters: { duckdb: () => offline }, vars, env });
      const get = (n: string) => (c.compiled.nodes.get(`model.demo.${n}`) as { compiledCode: string }).compiledCode;
      return { a: get('a'), b: get('b'), c: get('c') };
    };
    expect(await sqlOf()).toEqual({ a: 'select 1 as id', b: 'select * from "main"."a1" where id < 5', c: "select 'x' as e" });
    // Warm: the same answers from the cache.
    expect((await sqlOf()).b).toBe('select * from "main"."a1" where id < 5');
    writeFileSync(join(dir, 'models/a.sql'), "{{ config(alias='a2') }}select 1 as id");
    expect((await sqlOf()).b).toBe('select * from "main"."a2" where id < 5');
    expect((await sqlOf({ n: 9 })).b).toBe('select * from "main"."a2" where id < 9');
    // A model that reads the environment is never served from the cache.
    expect((await sqlOf(undefined, { SM_CACHE_TEST: 'y' })).c).toBe("select 'y' as e");
    writeFileSync(join(dir, 'models/b.sql'), "select id from {{ ref('a') }}");
    expect((await sqlOf()).b).toBe('select id from "main"."a2"');
  });
});
