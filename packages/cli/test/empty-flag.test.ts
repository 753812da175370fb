import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { shownRows, sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: dev\n      threads: 1\n';

// dbt-core 1.11.16 with dbt-duckdb 1.11.1, `dbt build --empty` on the same project, wrote each
// ref() and source() (a test's model too) as `(select * from "dbt"."dev"."x" where false limit 0)`,
// no alias, `this` untouched; the seed loaded its 3 rows; every model built with no rows; exit 0.
const files = {
  'profiles.yml': PROFILE,
  'seeds/raw_orders.csv': 'id,amount\n1,10\n2,20\n3,30\n',
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: dev\n    tables:\n      - name: events\n        identifier: raw_orders\nmodels:\n  - name: stg_orders\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
  'models/stg_orders.sql': "select id, amount from {{ ref('raw_orders') }}",
  'models/src_orders.sql': "select * from {{ source('raw', 'events') }}",
  'models/big_orders.sql': "{{ config(materialized='table') }}\nselect id, amount * 2 as doubled, '{{ this }}' as me from {{ ref('stg_orders') }} where amount > 15",
};
const compiled = (dir: string, path: string) => readFileSync(join(dir, 'target', 'compiled', 'demo', 'models', path), 'utf8').trim();
// What the build left in the model's relation (`show model` would run its query again, as dbt's does).
const rows = async (dir: string, model: string) => shownRows((await sm('show', '--inline', `select * from {{ ref('${model}') }}`, '--project-dir', dir, '--log-format', 'json', '--limit', '-1')).out);

describe('--empty, as dbt 1.11', () => {
  it('build --empty builds every model with no rows; refs, sources and tests read empty subqueries; seeds load', async () => {
    const dir = writeProject(files);
    // src_orders reads the seed through a source, not ref(): nothing orders it after the seed, and
    // dbt runs it first (model.demo.src_orders before seed.demo.raw_orders), so on a fresh database
    // its view fails in dbt (recorded 7 Dec 2026: ERROR, then 4 of 5 OK) as in sm. The seed is loaded first here.
    expect((await sm('seed', '--project-dir', dir)).code).toBe(0);
    const r = await sm('build', '--project-dir', dir, '--empty');
    expect(r.code, r.out).toBe(0);
    expect(compiled(dir, 'stg_orders.sql')).toBe('select id, amount from (select * from "demo"."dev"."raw_orders" where false limit 0)');
    expect(compiled(dir, 'src_orders.sql')).toBe('select * from (select * from "demo"."dev"."raw_orders" where false limit 0)');
    expect(compiled(dir, 'big_orders.sql')).toBe(`select id, amount * 2 as doubled, '"demo"."dev"."big_orders"' as me from (select * from "demo"."dev"."stg_orders" where false limit 0) where amount > 15`);
    expect(compiled(dir, 'sources.yml/not_null_stg_orders_id.sql')).toContain('from (select * from "demo"."dev"."stg_orders" where false limit 0)');
    expect(await rows(dir, 'raw_orders')).toHaveLength(3);
    expect(await rows(dir, 'big_orders')).toEqual([]);
    // A view keeps the empty subquery in its definition, as dbt-duckdb's does.
    expect(await rows(dir, 'stg_orders')).toEqual([]);
    // Without --empty, the next compile and run are as always (nothing cached from --empty).
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    expect(compiled(dir, 'stg_orders.sql')).toBe('select id, amount from "demo"."dev"."raw_orders"');
    expect(await rows(dir, 'big_orders')).toHaveLength(2);
    expect((await sm('compile', '--project-dir', dir, '--empty', '-s', 'stg_orders')).code).toBe(0);
    expect(compiled(dir, 'stg_orders.sql')).toContain('where false limit 0');
  });
});
