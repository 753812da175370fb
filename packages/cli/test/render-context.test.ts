import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * What a render sees of itself, as packages that mock ref() and source() use it
 * (EqualExperts/dbt-unit-testing): `context` as a dict a render's macros write state into and
 * read back, `render(text)` in the same render, `this` in a singular test and
 * `dbt.is_incremental()`. Each expectation is what dbt-core 1.11.16 + dbt-duckdb 1.11.1 compiled
 * and built from the same files (`dbt build` twice, exit 0 both times), its `"d".` database
 * prefix left out as sm writes DuckDB relations.
 */
const FILES: Record<string, string> = {
  'dbt_project.yml': "name: cx\nversion: '1.0'\nprofile: cx\n",
  'profiles.yml': 'cx:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/cx.duckdb\n      schema: main\n      threads: 1\n',
  'macros/state.sql': [
    '{% macro remember(key, value) %}',
    "  {% set state = context.get('__state__', {}) %}",
    '  {% do state.update({key: value}) %}',
    "  {% do context.update({'__state__': state}) %}",
    '{% endmacro %}',
    "{% macro recall(key) %}{{ return(context.get('__state__', {}).get(key, 'none')) }}{% endmacro %}",
    '{% macro shout(x) %}{{ x | upper }}{% endmacro %}',
  ].join('\n'),
  'models/a.sql': 'select 1 as id',
  'models/b.sql':
    "{{ remember('k', 'from b') }}\nselect '{{ recall('k') }}' as k, {{ __state__ is defined }} as as_name, {{ 'ref' in context }} as has_ref, '{{ context['project_name'] }}' as p, '{{ render(\"{{ shout(\\'hi\\') }} {{ recall(\\'k\\') }} {{ this.identifier }}\") }}' as r from {{ ref('a') }}",
  'models/c.sql': "select '{{ recall('k') }}' as k, {{ '__state__' in context }} as seen from {{ ref('b') }}",
  'models/inc.sql': "{{ config(materialized='incremental') }}\nselect {{ 2 if dbt.is_incremental() else 1 }} as run",
  'tests/t.sql': "{{ remember('t', this.name) }}\nselect '{{ this }}' as rel, '{{ recall('t') }}' as name from {{ ref('c') }} where k <> 'none'",
  // Rendered again when it runs (it asks the warehouse): `this` is there too.
  'tests/t2.sql': "{% if execute %}{% set v = run_query('select 5 as x').columns[0].values()[0] %}{% else %}{% set v = 0 %}{% endif %}\nselect '{{ this.name }}' as n, {{ v }} as v where false",
};

const DBT = {
  b: `select 'from b' as k, False as as_name, True as has_ref, 'cx' as p, 'HI from b b' as r from "cx"."main"."a"`,
  c: `select 'none' as k, False as seen from "cx"."main"."b"`,
  t: `select '"cx"."main_dbt_test__audit"."t"' as rel, 't' as name from "cx"."main"."c" where k <> 'none'`,
  t2: `select 't2' as n, 5 as v where false`,
};

const compiled = (dir: string, path: string) => readFileSync(join(dir, 'target', 'compiled', 'cx', path), 'utf8').trim();

describe('a render as templates see it (context, render, this, dbt.is_incremental)', () => {
  it('builds as dbt does, twice', async () => {
    const dir = writeProject(FILES);
    for (let i = 0; i < 2; i++) {
      const r = await sm('build', '--project-dir', dir, '--profiles-dir', dir);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    }
    expect(compiled(dir, 'models/b.sql')).toBe(DBT.b);
    expect(compiled(dir, 'models/c.sql')).toBe(DBT.c);
    expect(compiled(dir, 'tests/t.sql')).toBe(DBT.t);
    expect(compiled(dir, 'tests/t2.sql')).toBe(DBT.t2);
    const db = await DuckDBInstance.create(join(dir, 'target', 'cx.duckdb'));
    const conn = await db.connect();
    try {
      const rows = (await conn.runAndReadAll('select run from main.inc order by run')).getRowObjectsJson();
      expect(rows).toEqual([{ run: 1 }, { run: 2 }]);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
