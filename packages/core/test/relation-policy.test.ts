import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.ts';
import { offline, writeProject } from './fixture.ts';
import { PARITY_PROFILES } from './jinja-parity-fixture.ts';

/**
 * A relation's quote_policy and include_policy as attributes. dbt 1.11.16 (dbt-duckdb 1.11.1)
 * compiles `{{ this.quote_policy }}` to `Policy(database=True, schema=True, identifier=True)`,
 * `{{ this.quote_policy.identifier }}` to `True`, `{{ this.include(database=False).include_policy }}`
 * to `Policy(database=False, schema=True, identifier=True)`, `.get('schema')`/`.get_part('schema')`
 * to `True`, `.replace(database=False)` to a Policy with database=False, `.to_dict()` to
 * `{'database': True, 'schema': True, 'identifier': True}`, `this.get('quote_policy')` to the Policy,
 * and an information schema's policies to `Policy(database=True, schema=True, identifier=False)`
 * (quote) and `Policy(database=True, schema=False, identifier=True)` (include).
 */
describe('relation quote_policy / include_policy', () => {
  it('answers as dbt Policy objects', async () => {
    const exprs = [
      'this.quote_policy',
      'this.quote_policy.identifier',
      'this.include_policy.database',
      'this.include(database=False).include_policy',
      'this.quote(identifier=False).quote_policy',
      "this.quote_policy.get('schema')",
      "this.quote_policy.get_part('schema')",
      'this.quote_policy.replace(database=False)',
      'this.quote_policy.to_dict()',
      "this.get('quote_policy')",
      'this.quote_policy is mapping',
      'this.quote_policy == this.include_policy',
      'this.information_schema().quote_policy',
      'this.information_schema().include_policy',
    ];
    const dir = writeProject({
      'sm_project.yml': 'name: demo\nprofile: demo\n',
      'profiles.yml': PARITY_PROFILES,
      'models/qp.sql': `select 1 as id\n${exprs.map((e) => `-- {{ ${e} }}`).join('\n')}\n`,
    });
    const c = await compile({ projectDir: dir, adapters: { duckdb: () => offline } });
    const m = c.compiled.nodes.get('model.demo.qp') as { compiledCode: string };
    expect(m.compiledCode.split('\n').slice(1, exprs.length + 1)).toEqual([
      '-- Policy(database=True, schema=True, identifier=True)',
      '-- True',
      '-- True',
      '-- Policy(database=False, schema=True, identifier=True)',
      '-- Policy(database=True, schema=True, identifier=False)',
      '-- True',
      '-- True',
      '-- Policy(database=False, schema=True, identifier=True)',
      "-- {'database': True, 'schema': True, 'identifier': True}",
      '-- Policy(database=True, schema=True, identifier=True)',
      '-- True',
      '-- True',
      '-- Policy(database=True, schema=True, identifier=False)',
      '-- Policy(database=True, schema=False, identifier=True)',
    ]);
  });
});
