import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * Floats through dbt's toyaml (PyYAML's safe_dump), tojson and fromjson (Python's json). The
 * expected lines are what dbt-core 1.11.16 logged for the same macro (7 Dec 2026).
 */
const MACRO = `
{% macro floats() %}
{% set vals = {'a': 1e20, 'b': 1e16, 'c': 1e15, 'd': 1e-7, 'e': -0.0, 'f': 1.5e300, 'h': 0.1, 'i': 1e-4, 'j': 1e-5, 'k': 2.5e-10, 'l': 12345678.9, 'm': -1e20, 'n': 1.0, 'o': 1e22, 'p': 3.0e-5} %}
{% set sp = fromjson('[Infinity, -Infinity, NaN]') %}
{% do log(toyaml(vals), info=True) %}
{% do log(toyaml({'inf': sp[0], 'ninf': sp[1], 'nan': sp[2]}), info=True) %}
{% do log(tojson(vals), info=True) %}
{% do log(tojson({'inf': sp[0], 'ninf': sp[1], 'nan': sp[2]}), info=True) %}
{% do log(tojson({'é': 'naïve ☃ 😀', 'l': [1, 2.5, {}], 'e': []}), info=True) %}
{% do log({'b': [1, 1e20, {'c': none}], 'a': 'é', 'z': {}} | tojson(indent=2), info=True) %}
{% do log(fromjson('[1.0, 2, 1e2, -0.0]') ~ ' ' ~ (fromjson('1.0') is float) ~ ' ' ~ fromjson('[NaN, Infinity, -Infinity, "NaN"]'), info=True) %}
{% do log(toyaml(fromjson('{"a": 1e20}')), info=True) %}
{% endmacro %}
`;

const DBT = `a: 1.0e+20
b: 1.0e+16
c: 1000000000000000.0
d: 1.0e-07
e: -0.0
f: 1.5e+300
h: 0.1
i: 0.0001
j: 1.0e-05
k: 2.5e-10
l: 12345678.9
m: -1.0e+20
n: 1.0
o: 1.0e+22
p: 3.0e-05

inf: .inf
ninf: -.inf
nan: .nan

{"a": 1e+20, "b": 1e+16, "c": 1000000000000000.0, "d": 1e-07, "e": -0.0, "f": 1.5e+300, "h": 0.1, "i": 0.0001, "j": 1e-05, "k": 2.5e-10, "l": 12345678.9, "m": -1e+20, "n": 1.0, "o": 1e+22, "p": 3e-05}
{"inf": Infinity, "ninf": -Infinity, "nan": NaN}
{"\\u00e9": "na\\u00efve \\u2603 \\ud83d\\ude00", "l": [1, 2.5, {}], "e": []}
{
  "a": "\\u00e9",
  "b": [
    1,
    1e+20,
    {
      "c": null
    }
  ],
  "z": {}
}
[1.0, 2, 100.0, -0.0] True [nan, inf, -inf, 'NaN']
a: 1.0e+20
`;

describe("floats in toyaml, tojson and fromjson, as dbt's", () => {
  it('are written and read as PyYAML and Python json do', async () => {
    const dir = writeProject({
      'dbt_project.yml': "name: demo\nprofile: demo\nversion: '1.0'\n",
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/f.duckdb\n      schema: main\n      threads: 1\n',
      'macros/floats.sql': MACRO,
    });
    const r = await sm('run-operation', 'floats', '--project-dir', dir);
    expect(r.err).toBe('');
    expect(r.out).toBe(DBT);
    expect(r.code).toBe(0);
  });
});
