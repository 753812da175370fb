import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * The built-in generic tests compile to dbt's SQL, whitespace aside. Recorded with dbt 1.11.16 +
 * dbt-duckdb 1.11.1, `dbt compile` on this fixture (whitespace runs made one space, `"d".` dropped):
 * accepted_values selects `*` and lists `'x','z'`, relationships selects `from_field`; sm selected
 * `value_field, n_records` / `child.from_field` and wrote `'x', 'z'` (71 Tuva tests differed so).
 */
const DBT: Record<string, string> = {
  accepted_values_m_a__x__z: `with all_values as ( select a as value_field, count(*) as n_records from "demo"."main"."m" group by a ) select * from all_values where value_field not in ( 'x','z' )`,
  av_num: `with all_values as ( select a as value_field, count(*) as n_records from "demo"."main"."m" group by a ) select * from all_values where value_field not in ( 1,2 )`,
  relationships_m_a__id__ref_p_: `with child as ( select a as from_field from "demo"."main"."m" where a is not null ), parent as ( select id as to_field from "demo"."main"."p" ) select from_field from child left join parent on child.from_field = parent.to_field where parent.to_field is null`,
  unique_m_a: `select a as unique_field, count(*) as n_records from "demo"."main"."m" where a is not null group by a having count(*) > 1`,
  not_null_m_a: `select a from "demo"."main"."m" where a is null`,
};

describe('built-in generic tests compile as dbt', () => {
  it('has the select list and value separators of dbt 1.11', async () => {
    const dir = writeProject({
      'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: 'target/demo.duckdb', schema: main, threads: 1}\n",
      'models/p.sql': 'select 1 as id',
      'models/m.sql': 'select 1 as a',
      'models/m.yml': [
        'models:',
        '  - name: m',
        '    columns:',
        '      - name: a',
        '        data_tests: [unique, not_null, {accepted_values: {arguments: {values: [x, z]}}}, {relationships: {arguments: {to: "ref(\'p\')", field: id}}},',
        '          {accepted_values: {name: av_num, arguments: {values: [1, 2], quote: false}}}]',
      ].join('\n'),
    });
    const r = await sm('compile', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    const got = Object.fromEntries(Object.keys(DBT).map((n) => [n, readFileSync(join(dir, 'target/compiled/demo/models/m.yml', `${n}.sql`), 'utf8').replace(/\s+/g, ' ').trim()]));
    expect(got).toEqual(DBT);
  });
});
