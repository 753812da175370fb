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
{% macro floats() %}
{% set r = run_query("select {'d': 2::decimal(10,2), 'e': 2.50::decimal(10,2), 'g': 2::double, 'h': 'nan'::double} s, [2::decimal(4,1), 3.25::decimal(4,2)] l, [2::double, 1e-7::double] ld, {'my, field': 2::double, 'b\\"q': [{'t': timestamp '2024-01-02 03:04:05', 'n': 3::decimal(5,1)}]} q, map {'a': 1::double, 'b': 2.5::double} m, [[1::float, 2.5::float], null] ll, [1, 2]::bigint[] bi, {'x': 1::decimal(38,0)} d0, {'u': 1::hugeint} hu") %}
{% for c in r.columns %}{% do print(c.name ~ ' ' ~ c.values()[0]) %}{% endfor %}
{% endmacro %}
`;

describe('run_query nested values and intervals, as dbt gives them', () => {
  const dir = writeDuckdbProject({
    'macros/ops.sql': MACROS,
  });
  /** The lines a macro printed; it ran without error. */
  const printed = async (macro: string) => {
    const r = await sm('run-operation', macro, '--project-dir', dir);
    expect([r.err, r.code]).toEqual(['', 0]);
    return r.out.split('\n');
  };

  it('lists, arrays, structs and maps are JSON text', async () => {
    expect(await printed('nested')).toEqual([
      'l ["a", null, "\\u00e9"] string=True first=[',
      's {"x": 1.5, "y": [1, 2], "z": {"w": true}} string=True first={',
      'm {"k": 1, "j": 2} string=True first={',
      'd ["2020-01-02"] string=True first=[',
      't ["2024-05-06T07:08:09.500000"] string=True first=[',
      'e [] string=True first=[',
      'a [1, 2] string=True first=[',
      'iv 2 days, 0:00:00 string=True first=2',
    ]);
  });

  // dbt 1.11.16 + dbt-duckdb 1.11.1, `dbt run-operation floats` (7 Dec 2026): a DECIMAL, DOUBLE or
  // FLOAT inside is a float in the JSON (sm printed `2` for the whole ones); integers stay integers.
  it('a DECIMAL or DOUBLE inside a nested value is a float, by its type', async () => {
    expect(await printed('floats')).toEqual([
      's {"d": 2.0, "e": 2.5, "g": 2.0, "h": NaN}',
      'l [2.0, 3.25]',
      'ld [2.0, 1e-07]',
      'q {"my, field": 2.0, "b\\"q": [{"t": "2024-01-02T03:04:05", "n": 3.0}]}',
      'm {"a": 1.0, "b": 2.5}',
      'll [[1.0, 2.5], null]',
      'bi [1, 2]',
      'd0 {"x": 1.0}',
      'hu {"u": 1}',
    ]);
  });

  it('intervals are the text of a timedelta, a month 30 days', async () => {
    expect(await printed('iv')).toEqual([
      'a 2 days, 0:00:00 string=True',
      'b 30 days, 0:00:00 string=True',
      'c 1 day, 2:03:04.500000 string=True',
      'd -1 day, 23:59:59 string=True',
      'e 0:00:00 string=True',
      'f 360 days, 0:00:00 string=True',
    ]);
  });
});
