import { describe, expect, it } from 'vitest';
import { writeDuckdbProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * agate's print_table() and print_csv() on a run_query() table, which dbt_project_evaluator's
 * on-run-end hook (print_dbt_project_evaluator_issues) uses to show its findings. sm printed
 * nothing. The expectations are what dbt-core 1.11.16 with dbt-duckdb 1.11.1 printed for the
 * same macro (`dbt run-operation probe`, 7 Dec 2026): Text left-justified, other columns
 * right-justified, floats and decimals grouped with the column's common decimals (at most
 * max_precision, then cut with …), integers, booleans and nulls as str() gives them, names and
 * values cut at max_column_width, columns past max_columns and rows past max_rows as `...`.
 */
const Q = `select * from (values ('a', 1, 1234567.891::double, true, null::int, 2.5::decimal(5,2), 'a much longer text value that will be cut'), ('bb', -22, -0.0004::double, false, null, 3.5, null), ('ccc', 3, 20.0::double, null, null, -1234.5, 'x')) v(name, n, f, b, nul, dcm, longtext) order by n`;
const MACROS = `
{% macro probe() %}
  {% set t = run_query("${Q}") %}
  {{ print("--default") }}
  {{ print(t.print_table() or "") }}
  {{ print("--evaluator") }}
  {{ print(t.print_table(max_column_width=80, max_rows=1000) or "") }}
  {{ print("--cut") }}
  {{ print(t.print_table(max_rows=2, max_columns=3) or "") }}
  {{ print("--precision") }}
  {{ print(t.print_table(max_precision=None, max_columns=None, max_column_width=12) or "") }}
  {{ print("--csv") }}
  {{ print(t.print_csv() or "") }}
  {{ print(run_query("select 1 as only where false").print_table() or "") }}
{% endmacro %}
`;

const DEFAULT = [
  '| name |   n |              f |     b | nul |      dcm | ... |',
  '| ---- | --- | -------------- | ----- | --- | -------- | --- |',
  '| bb   | -22 |        -0.000… | False |     |      3.5 | ... |',
  '| a    |   1 | 1,234,567.891… |  True |     |      2.5 | ... |',
  '| ccc  |   3 |        20.000… |       |     | -1,234.5 | ... |',
  '',
];

describe("agate's print_table and print_csv, as dbt prints them", () => {
  it('write the table where print() writes, and return none', async () => {
    const dir = writeDuckdbProject({
      'macros/ops.sql': MACROS,
    });
    const r = await sm('run-operation', 'probe', '--project-dir', dir);
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toEqual([
      '--default',
      ...DEFAULT,
      '--evaluator',
      ...DEFAULT,
      '--cut',
      '| name |   n |              f | ... |',
      '| ---- | --- | -------------- | --- |',
      '| bb   | -22 |        -0.000… | ... |',
      '| a    |   1 | 1,234,567.891… | ... |',
      '| ...  | ... |            ... | ... |',
      '',
      '--precision',
      '| name |   n |            f |     b | nul |      dcm | longtext     |',
      '| ---- | --- | ------------ | ----- | --- | -------- | ------------ |',
      '| bb   | -22 |      -0.0004 | False |     |      3.5 |              |',
      '| a    |   1 | 1,234,567... |  True |     |      2.5 | a much lo... |',
      '| ccc  |   3 |      20.0000 |       |     | -1,234.5 | x            |',
      '',
      '--csv',
      'name,n,f,b,nul,dcm,longtext',
      'bb,-22,-0.0004,False,,3.50,',
      'a,1,1234567.891,True,,2.50,a much longer text value that will be cut',
      'ccc,3,20.0,,,-1234.50,x',
      '',
      '| only |',
      '| ---- |',
      '',
    ]);
    expect(r.code).toBe(0);
  });
});
