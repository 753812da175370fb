import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaseDialect, compile, type Adapter } from '../src/index.ts';
import { writeProject } from './fixture.ts';

const offline: Adapter = {
  type: 'duckdb',
  dialect: new BaseDialect(),
  capabilities: { supportsMultipleWriters: false, supportsMerge: false, supportsTransactionalDdl: true, supportsAtomicCreateOrReplace: false },
  connect: () => Promise.reject(new Error('compile must not connect')),
};

/**
 * A node's `depends_on.macros` in the manifest: the macros its own template calls (not those the
 * macros call in turn), in the order first called; a generic test's test macro and the
 * get_where_subquery its model goes through (not for dbt's unique and not_null). The expectation
 * is dbt-core 1.11.16's `dbt parse` of the same project (dbt-duckdb 1.11.1), copied verbatim.
 */
const FILES: Record<string, string> = {
  'sm_project.yml': 'name: dm\nprofile: dm\n',
  'macros/m.sql': [
    '{% macro cents(c) %}({{ c }} / 100){% endmacro %}',
    '{% macro twice(c) %}{{ cents(c) }} * 2{% endmacro %}',
    "{% macro my_disp(x) %}{{ return(adapter.dispatch('my_disp')(x)) }}{% endmacro %}",
    '{% macro default__my_disp(x) %}{{ x }}{% endmacro %}',
    '{% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} < 0{% endtest %}',
    '{% macro my_hook() %}select 1{% endmacro %}',
  ].join('\n'),
  'models/a.sql': "select 1 as id, {{ cents('5') }} as c",
  'models/b.sql': "{{ config(materialized='incremental') }}\nselect id, {{ twice('c') }} as d, {{ my_disp('1') }} as e from {{ ref('a') }}",
  'models/c.sql': "select {{ dbt.current_timestamp() }} as ts, {{ var('v', 1) }} as v, {{ nope_macro() if false else 1 }} as n",
  'models/d.sql': "{% set cols = ['a', 'b'] %}\nselect {% for c in cols %}{{ cents(c) }}{% if not loop.last %},{% endif %}{% endfor %} from {{ ref('a') }}",
  // Its hooks' macros follow its own (elementary's artifact models list their upload macro so).
  'models/h.sql': '{{ config(post_hook="{{ my_hook() }}", pre_hook="select {{ cents(1) }}") }} select {{ twice(1) }} as id',
  // dbt's is_incremental is a macro of its own package, called bare or as dbt.is_incremental().
  'models/i.sql': "{{ config(materialized='incremental') }}\nselect 1 as a {% if is_incremental() %} where false {% endif %}",
  'models/j.sql': "{{ config(materialized='incremental') }}\nselect 1 as a {% if dbt.is_incremental() %} where false {% endif %}",
  'models/e.sql': "{% if false %}{{ cents(1) }}{% endif %}\n{% set x = my_disp(1) %}\nselect {{ dm.cents(2) }} as a, {{ cents(3) }} as b, {{ adapter.dispatch('my_disp')(4) }} as c",
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: a',
    '    columns:',
    '      - name: id',
    '        data_tests: [unique, not_null, is_positive]',
    '      - name: c',
    '        data_tests:',
    '          - accepted_values:',
    '              values: [1, 2]',
    '          - relationships:',
    "              to: ref('b')",
    '              field: id',
    '  - name: e',
    '    columns:',
    '      - name: a',
    '        data_tests:',
    '          - not_null:',
    '              config:',
    '                where: "a > 0"',
    '          - unique:',
    '              config:',
    '                severity: warn',
  ].join('\n'),
  'tests/t.sql': "select * from {{ ref('a') }} where {{ cents('id') }} < 0",
  'seeds/s.csv': 'id,name\n1,a\n',
  'snapshots/snap.sql': "{% snapshot snap %}\n{{ config(target_schema='main', unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('a') }}\n{% endsnapshot %}",
};

const DBT: Record<string, string[]> = {
  'model.dm.a': ['macro.dm.cents'],
  'model.dm.b': ['macro.dm.twice', 'macro.dm.my_disp'],
  'model.dm.c': ['macro.dbt.current_timestamp'],
  'model.dm.d': ['macro.dm.cents'],
  'model.dm.e': ['macro.dm.my_disp', 'macro.dm.cents', 'macro.dm.default__my_disp'],
  'model.dm.h': ['macro.dm.twice', 'macro.dm.cents', 'macro.dm.my_hook'],
  'model.dm.i': ['macro.dbt.is_incremental'],
  'model.dm.j': ['macro.dbt.is_incremental'],
  'seed.dm.s': [],
  'snapshot.dm.snap': [],
  'test.dm.accepted_values_a_c__1__2.401361741f': ['macro.dbt.test_accepted_values', 'macro.dbt.get_where_subquery'],
  'test.dm.is_positive_a_id.388ea087fc': ['macro.dm.test_is_positive', 'macro.dbt.get_where_subquery'],
  'test.dm.not_null_a_id.c1cebc1440': ['macro.dbt.test_not_null'],
  'test.dm.not_null_e_a.e246640be8': ['macro.dbt.test_not_null'],
  'test.dm.relationships_a_c__id__ref_b_.82694baf93': ['macro.dbt.test_relationships', 'macro.dbt.get_where_subquery'],
  'test.dm.t': ['macro.dm.cents'],
  'test.dm.unique_a_id.f6a5f640da': ['macro.dbt.test_unique'],
  'test.dm.unique_e_a.6e1490075b': ['macro.dbt.test_unique'],
};

function dependsOnMacros(dir: string): Record<string, string[]> {
  const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { depends_on: { macros: string[] } }>; macros: Record<string, unknown> };
  for (const n of Object.values(m.nodes)) for (const id of n.depends_on.macros) expect(m.macros, `${id} is listed under macros`).toHaveProperty([id]);
  return Object.fromEntries(Object.entries(m.nodes).map(([k, v]) => [k, v.depends_on.macros]));
}

describe('depends_on.macros lists what dbt lists', () => {
  it('cold, then warm from the render cache, then with the store rebuilt', async () => {
    const dir = writeProject(FILES);
    // What `sm parse` runs: the expectation is dbt's parse (a compile adds what compiling calls: manifest-paths.test.ts in packages/cli).
    const run = () => compile({ projectDir: dir, adapters: { duckdb: () => offline } }, 'ls');
    await run();
    expect(dependsOnMacros(dir)).toEqual(DBT);
    // Warm: nothing renders again; the store and the render cache must carry the lists.
    await run();
    expect(dependsOnMacros(dir)).toEqual(DBT);
    writeFileSync(join(dir, 'models', 'extra.sql'), 'select 1 as x');
    await run();
    expect(dependsOnMacros(dir)).toEqual({ ...DBT, 'model.dm.extra': [] });
  });
});
