import { describe, expect, it } from 'vitest';
import { writeDuckdbProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * LIST, ARRAY, STRUCT and MAP values from run_query are JSON text in dbt (its
 * table_from_data_flat dumps lists and dicts), and an INTERVAL is the text of a Python
 * timedelta; sm gave lists, objects and {months, days, micros}, so `v is string`, `v[0]`
 * and `'{{ v }}'` differed (dbt_project_evaluator's on-run-end table prints a path as
 * ["a", "b"]). Recorded from dbt-core 1.11.16 + dbt-duckdb 1.11.1 (7 Dec 2026,
 * `dbt run-operation nested` and `iv` with these macros): the lines below.
 */
const MACROS = `
{% macro nested() %}
{% set r = run_query("select ['a', null, 'é'] l, {'x': 1.5, 'y': [1, 2], 'z': {'w': true}} s, map {'k': 1, 'j': 2} m, [date '2020-01-02'] d, [timestamp '2024-05-06 07:08:09.5'] t, [] e, [1, 2]::integer[2] a, interval 2 day iv") %}
{% for c in r.columns %}{% set v = c.values()[0] %}{% do print(c.name ~ ' ' ~ v ~ ' string=' ~ (v is string) ~ ' first=' ~ v[0]) %}{% endfor %}
{% endmacro %}
{% macro iv() %}
{% set r = run_query("select interval 2 day a, interval 1 month b, interval '1 day 2 hours 3 minutes 4.5 seconds' c, - interval 1 second d, interval 0 second e, interval 1 year f") %}
{% for c in r.columns %}{% set v = c.values()[0] %}{% do print(c.name ~ ' ' ~ v ~ ' string=' ~ (v is string)) %}{% endfor %}
{% endmacro %}
`;

describe('run_query nested values and intervals, as dbt gives them', () => {
  const dir = writeDuckdbProject({
    'macros/ops.sql': MACROS,
  });

  it('lists, arrays, structs and maps are JSON text', async () => {
    const r = await sm('run-operation', 'nested', '--project-dir', dir);
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toEqual([
      'l ["a", null, "\\u00e9"] string=True first=[',
      's {"x": 1.5, "y": [1, 2], "z": {"w": true}} string=True first={',
      'm {"k": 1, "j": 2} string=True first={',
      'd ["2020-01-02"] string=True first=[',
      't ["2024-05-06T07:08:09.500000"] string=True first=[',
      'e [] string=True first=[',
      'a [1, 2] string=True first=[',
      'iv 2 days, 0:00:00 string=True first=2',
    ]);
    expect(r.code).toBe(0);
  });

  it('intervals are the text of a timedelta, a month 30 days', async () => {
    const r = await sm('run-operation', 'iv', '--project-dir', dir);
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toEqual([
      'a 2 days, 0:00:00 string=True',
      'b 30 days, 0:00:00 string=True',
      'c 1 day, 2:03:04.500000 string=True',
      'd -1 day, 23:59:59 string=True',
      'e 0:00:00 string=True',
      'f 360 days, 0:00:00 string=True',
    ]);
    expect(r.code).toBe(0);
  });
});
