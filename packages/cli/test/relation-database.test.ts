import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { shownRows, sm } from './run-cli.ts';

// dbt-core 1.11.16 + dbt-duckdb 1.11.1, `dbt seed; dbt run -s a; dbt compile` on this project
// (profile `path: target/d.duckdb`, `schema: main`), 7 Dec 2026, wrote:
//   models/b.sql:    select *, '"d"."main"."b"' as t, 'd' as db, 'main' as sc, 'b' as id,
//                    '"d"."main"."b"' as r, '"main"."b"' as nodb, '"d"."main"."a"' as gr,
//                    '"main"."x"' as c1, '"d"."main"."x"' as c2, '"other"."s"."x"' as c3 from "d"."main"."a"
//   models/cfgdb.sql (schema='alt'): select '"d"."main_alt"."cfgdb"' as t
//   models/src.sql:  select * from "d"."main"."r1" union all select * from "other"."s"."r2"
//                    union all select * from 'data/pq.parquet'
//   models/uses_e.sql: with __dbt__cte__e as (\n\nselect * from "d"."main"."a"\n) select * from __dbt__cte__e
//   tests: not_null reads from "d"."main"."a"; relationships from "d"."main"."b" and "d"."main"."a"
//   manifest relation_name: model a "d"."main"."a", cfgdb "d"."main_alt"."cfgdb", e (ephemeral) none,
//     seed s1 "d"."main"."s1", snapshot snap "d"."main"."snap", source raw.r1 "d"."main"."r1",
//     raw2.r2 (database: other) "other"."s"."r2", ext.pq 'data/pq.parquet',
//     test nn_stored (store_failures) "d"."main_dbt_test__audit"."nn_stored", other tests none.
//   `dbt compile --empty`: from (select * from "d"."main"."a" where false limit 0).
//   `path: ":memory:"`: select *, '"memory"."main"."b"' as t from "memory"."main"."a".
// sm printed all of these without the database ("main"."a"), but "other"."s"."r2".
const PROFILE = (path: string) => `demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n${path}      schema: main\n      threads: 1\n`;
const files = {
  'dbt_project.yml': 'name: demo\nversion: "1.0"\nprofile: demo\n',
  'profiles.yml': PROFILE('      path: target/d.duckdb\n'),
  'models/a.sql': 'select 1 as a',
  'models/b.sql': [
    "select *, '{{ this }}' as t,",
    " '{{ this.database }}' as db, '{{ this.schema }}' as sc, '{{ this.identifier }}' as id,",
    " '{{ this.render() }}' as r, '{{ this.include(database=false) }}' as nodb,",
    ` '{{ adapter.get_relation(database=this.database, schema="main", identifier="a") }}' as gr,`,
    ` '{{ api.Relation.create(schema="main", identifier="x") }}' as c1,`,
    ` '{{ api.Relation.create(database="d", schema="main", identifier="x") }}' as c2,`,
    ` '{{ api.Relation.create(database="other", schema="s", identifier="x") }}' as c3`,
    "from {{ ref('a') }}",
  ].join('\n'),
  'models/e.sql': "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('a') }}",
  'models/uses_e.sql': "select * from {{ ref('e') }}",
  'models/cfgdb.sql': "{{ config(schema='alt') }}\nselect '{{ this }}' as t",
  'models/src.sql': "select * from {{ source('raw','r1') }} union all select * from {{ source('raw2','r2') }} union all select * from {{ source('ext','pq') }}",
  'models/schema.yml': `version: 2
sources:
  - name: raw
    schema: main
    tables: [{name: r1}]
  - name: raw2
    database: other
    schema: s
    tables: [{name: r2}]
  - name: ext
    meta: {external_location: "data/{name}.parquet"}
    tables: [{name: pq}]
models:
  - name: a
    columns:
      - name: a
        data_tests:
          - not_null
          - not_null: {name: nn_stored, config: {store_failures: true}}
  - name: b
    columns:
      - name: a
        data_tests:
          - relationships: {to: "ref('a')", field: a}
`,
  'seeds/s1.csv': 'id,v\n1,x\n',
  'snapshots/snap.sql': "{% snapshot snap %}\n{{ config(unique_key='id', strategy='check', check_cols='all', target_schema='main') }}\nselect * from {{ ref('s1') }}\n{% endsnapshot %}\n",
};
const compiled = (dir: string, path: string) => readFileSync(join(dir, 'target', 'compiled', 'demo', path), 'utf8').trim();
const relationNames = (dir: string) => {
  const m = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as Record<'nodes' | 'sources', Record<string, { relation_name?: string | null }>>;
  return Object.fromEntries([...Object.entries(m.nodes), ...Object.entries(m.sources)].map(([k, v]) => [k.replace(/\.[0-9a-f]{10}$/, ''), v.relation_name ?? null]));
};

describe('DuckDB relations print their database, as dbt-duckdb prints them', () => {
  it('ref, source, this, api.Relation, adapter.get_relation, tests, ephemerals, seeds, snapshots and relation_name', async () => {
    const dir = writeProject(files);
    expect((await sm('seed', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    expect((await sm('run', '-s', 'a', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    const r = await sm('compile', '--project-dir', dir, '--profiles-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    expect(compiled(dir, 'models/b.sql')).toBe(
      [
        `select *, '"d"."main"."b"' as t,`,
        ` 'd' as db, 'main' as sc, 'b' as id,`,
        ` '"d"."main"."b"' as r, '"main"."b"' as nodb,`,
        ` '"d"."main"."a"' as gr,`,
        ` '"main"."x"' as c1,`,
        ` '"d"."main"."x"' as c2,`,
        ` '"other"."s"."x"' as c3`,
        'from "d"."main"."a"',
      ].join('\n'),
    );
    expect(compiled(dir, 'models/cfgdb.sql')).toBe(`select '"d"."main_alt"."cfgdb"' as t`);
    expect(compiled(dir, 'models/src.sql')).toBe(`select * from "d"."main"."r1" union all select * from "other"."s"."r2" union all select * from 'data/pq.parquet'`);
    expect(compiled(dir, 'models/uses_e.sql')).toBe('with __dbt__cte__e as (\n\nselect * from "d"."main"."a"\n) select * from __dbt__cte__e');
    expect(compiled(dir, 'models/schema.yml/not_null_a_a.sql')).toContain('from "d"."main"."a"');
    const rel = compiled(dir, 'models/schema.yml/relationships_b_a__a__ref_a_.sql');
    expect(rel).toContain('from "d"."main"."b"');
    expect(rel).toContain('from "d"."main"."a"');
    expect(relationNames(dir)).toMatchObject({
      'model.demo.a': '"d"."main"."a"',
      'model.demo.b': '"d"."main"."b"',
      'model.demo.cfgdb': '"d"."main_alt"."cfgdb"',
      'model.demo.e': null,
      'seed.demo.s1': '"d"."main"."s1"',
      'snapshot.demo.snap': '"d"."main"."snap"',
      'source.demo.raw.r1': '"d"."main"."r1"',
      'source.demo.raw2.r2': '"other"."s"."r2"',
      'source.demo.ext.pq': "'data/pq.parquet'",
      'test.demo.nn_stored': '"d"."main_dbt_test__audit"."nn_stored"',
      'test.demo.not_null_a_a': null,
    });
    // --empty wraps the printed name, database and all.
    expect((await sm('compile', '--empty', '-s', 'b', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    expect(compiled(dir, 'models/b.sql')).toContain('from (select * from "d"."main"."a" where false limit 0)');
    // The names run: a build of everything the file holds (all but the missing sources) passes, and b stored its own name.
    const b = await sm('build', '--exclude', 'src', '--project-dir', dir, '--profiles-dir', dir);
    expect(b.code, b.out + b.err).toBe(0);
    const shown = await sm('show', '--inline', "select t from {{ ref('b') }}", '--project-dir', dir, '--profiles-dir', dir, '--log-format', 'json');
    expect(shownRows(shown.out)).toEqual([{ t: '"d"."main"."b"' }]);
  });

  it('in memory the database is memory; without a path, the target/<target>.duckdb file sm opens', async () => {
    const mem = writeProject({ ...files, 'profiles.yml': PROFILE('      path: ":memory:"\n'), 'models/b.sql': "select *, '{{ this }}' as t from {{ ref('a') }}" });
    expect((await sm('compile', '-s', 'a', 'b', '--project-dir', mem, '--profiles-dir', mem)).code).toBe(0);
    expect(compiled(mem, 'models/b.sql')).toBe(`select *, '"memory"."main"."b"' as t from "memory"."main"."a"`);
    // dbt-duckdb opens no file without a path (memory); sm opens target/dev.duckdb, which DuckDB names dev.
    const none = writeProject({ 'dbt_project.yml': files['dbt_project.yml'], 'profiles.yml': PROFILE(''), 'models/a.sql': 'select 1 as a', 'models/b.sql': "select * from {{ ref('a') }}" });
    const r = await sm('run', '--project-dir', none, '--profiles-dir', none);
    expect(r.code, r.out + r.err).toBe(0);
    expect(compiled(none, 'models/b.sql')).toBe('select * from "dev"."main"."a"');
  });

  it('a warm compile after the file is renamed prints the new database (the render cache is keyed on the path)', async () => {
    const dir = writeProject({ 'dbt_project.yml': files['dbt_project.yml'], 'profiles.yml': files['profiles.yml'], 'models/a.sql': 'select 1 as a', 'models/b.sql': "select * from {{ ref('a') }}" });
    expect((await sm('compile', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    expect(compiled(dir, 'models/b.sql')).toBe('select * from "d"."main"."a"');
    writeFileSync(join(dir, 'profiles.yml'), PROFILE('      path: target/e.duckdb\n'));
    expect((await sm('compile', '--project-dir', dir, '--profiles-dir', dir)).code).toBe(0);
    expect(compiled(dir, 'models/b.sql')).toBe('select * from "e"."main"."a"');
    expect((await sm('compile', '-s', 'b', '-q', '--project-dir', dir, '--profiles-dir', dir)).out.trim()).toBe('select * from "e"."main"."a"');
  });
  // dbt 1.11.16 + dbt-duckdb 1.11.1 (7 Dec 2026, `dbt compile`): with the project's `quoting:` all false,
  // models/b.sql `select * from {{ ref('a') }} -- {{ this }}` compiles to `select * from d.main.a -- d.main.b`;
  // with `identifier: false` alone `"d"."main".a` (relation_name `"d"."main".a`, seed `"d"."main".sd`);
  // with `schema: false` `"d".main."a"`; a source keeps its own quoting (`"d"."main"."a"`). sm quoted every part.
  it("the project's quoting: false writes those parts bare, as dbt-duckdb", async () => {
    const compiled = async (quoting: string) => {
      const dir = writeProject({
        'dbt_project.yml': `name: demo\nversion: "1.0"\nprofile: demo\nquoting:\n${quoting}`,
        'profiles.yml': PROFILE('      path: target/d.duckdb\n'),
        'models/a.sql': 'select 1 as a',
        'models/b.sql': "select * from {{ ref('a') }} -- {{ this }}",
        'models/s.yml': 'sources:\n  - name: raw\n    schema: main\n    tables:\n      - name: a\n',
        'models/c.sql': "select * from {{ source('raw', 'a') }}",
        'seeds/sd.csv': 'id\n1\n',
      });
      const r = await sm('build', '--project-dir', dir);
      expect(r.code, r.out + r.err).toBe(0);
      const m = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
      return [readFileSync(join(dir, 'target/compiled/demo/models/b.sql'), 'utf8'), m.nodes['seed.demo.sd'].relation_name];
    };
    expect(await compiled('  database: false\n  schema: false\n  identifier: false\n')).toEqual(['select * from d.main.a -- d.main.b', 'd.main.sd']);
    expect(await compiled('  identifier: false\n')).toEqual(['select * from "d"."main".a -- "d"."main".b', '"d"."main".sd']);
    expect(await compiled('  schema: false\n')).toEqual(['select * from "d".main."a" -- "d".main."b"', '"d".main."sd"']);
  });
});
