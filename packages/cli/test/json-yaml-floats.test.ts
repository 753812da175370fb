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
{% macro fy() %}
{% set d = fromyaml('a: yes\\nb: y\\nc: ~\\nd: 2024-01-02\\ne: 0\\nf: 0o17\\ng: +12\\nh: 1:30\\ni: .5\\nj: 1.\\nk: 0b101\\nl: 0x1F\\nm: 00\\nn: 09\\no: On\\np: NULL\\nq: -.inf\\nr: 1_0.5\\ns: 190:20:30.15\\nt: [1, 2.0, "3"]\\nu: {x: no}\\nv: Off\\nw: 1e+5\\nx: 1.0e5') %}
{% for k, v in d.items() %}{% do log(k ~ '=' ~ v ~ ' ' ~ (v is string) ~ ' ' ~ (v is number) ~ ' ' ~ (v is float), info=True) %}{% endfor %}
{% endmacro %}
{% macro fy2() %}{% do log(fromyaml('d: 2024-13-45') ~ ' ' ~ fromyaml('d: 2024-02-29')['d'].year, info=True) %}{% endmacro %}
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

/** What dbt 1.11.16 logged for the macros fy and fy2 (PyYAML's safe_load: YAML 1.1 scalars). */
const DBT_FROMYAML = `a=True False True False
b=y True False False
c=None False False False
d=2024-01-02 False False False
e=0 False True False
f=0o17 True False False
g=12 False True False
h=90 False True False
i=0.5 False True True
j=1.0 False True True
k=5 False True False
l=31 False True False
m=0 False True False
n=09 True False False
o=True False True False
p=None False False False
q=-inf False True True
r=10.5 False True True
s=685230.15 False True True
t=[1, 2.0, '3'] False False False
u={'x': False} False False False
v=False False True False
w=1e+5 True False False
x=1.0e5 True False False
None 2024`;

const project = () =>
  writeProject({
    'dbt_project.yml': "name: demo\nprofile: demo\nversion: '1.0'\n",
    'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/f.duckdb\n      schema: main\n      threads: 1\n',
    'macros/floats.sql': MACRO,
  });

describe("floats in toyaml, tojson and fromjson, and fromyaml's scalars, as dbt's", () => {
  it('are written and read as PyYAML and Python json do', async () => {
    const dir = project();
    const r = await sm('run-operation', 'floats', '--project-dir', dir);
    expect(r.err).toBe('');
    expect(r.out).toBe(DBT);
    expect(r.code).toBe(0);
  });

  it("reads fromyaml's plain scalars as PyYAML's safe_load does", async () => {
    const dir = project();
    const a = await sm('run-operation', 'fy', '--project-dir', dir);
    const b = await sm('run-operation', 'fy2', '--project-dir', dir);
    expect([a.err, b.err]).toEqual(['', '']);
    expect(`${a.out}\n${b.out}`).toBe(DBT_FROMYAML);
  });
});
