import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

describe('hostile --vars / --args', () => {
  // dbt 1.11.16 (recorded): `dbt run-operation hello --args '{name: x, name: y}'` logs "hi y", exit 0;
  // `dbt ls --vars '{a: 1, a: 2}'` lists as usual. Its YAML reader keeps a repeated key's last value.
  it('a key given twice takes its last value, as in dbt, instead of failing as invalid YAML', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'macros/hello.sql': "{% macro hello(name) %}{{ log('hi ' ~ name ~ ' ' ~ var('a', 'none'), info=True) }}{% endmacro %}",
      'models/a.sql': 'select 1 as id',
    });
    const r = await sm('run-operation', 'hello', '--args', '{name: x, name: y}', '--vars', '{a: 1, a: 2}', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('hi y 2');
  });
});
