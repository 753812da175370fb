import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDuckdbProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * DECIMAL values from run_query, as dbt-duckdb's agate gives them: Python Decimals that keep
 * their scale. What dbt-core 1.11.16 with dbt-duckdb 1.11.1 logged for the same macros
 * (7 Dec 2026) is in each expectation.
 */
const Q = `select cast(2 as decimal(10,2)) as d, cast(1.5 as decimal(10,3)) as e, cast(-0.10 as decimal(5,2)) as f, cast(null as decimal(10,2)) as n, cast(3 as decimal(18,0)) as z`;
const MACROS = `
{% macro probe() %}
{% set r = run_query("${Q}") %}
{% for c in r.columns %}{% set v = c.values()[0] %}
{% do log(c.name ~ ' brace=' ~ v ~ ' str=' ~ (v|string) ~ ' plus1=' ~ (v + 1 if v is not none else 'x') ~ ' times2=' ~ (v * 2 if v is not none else 'x') ~ ' eqint=' ~ (v == 2) ~ ' div3=' ~ (v / 3 if v is not none else 'x') ~ ' isnum=' ~ (v is number) ~ ' int=' ~ (v | int if v is not none else 'x') ~ ' float=' ~ (v|float if v is not none else 'x') ~ ' round=' ~ (v|round if v is not none else 'x'), info=True) %}
{% endfor %}
{% do log('values: ' ~ r.columns[0].values() ~ ' interp: ' ~ r.columns[0].values()[0] ~ '_col', info=True) %}
{% set v = r.rows[0] %}
{% do log((v[0] > 1.5) ~ ' ' ~ (v[0] == 2.0) ~ ' ' ~ ('%s|%d|%.1f' % (v[0], v[0], v[0])) ~ ' ' ~ (v[0] is float) ~ ' ' ~ (v[0] is integer), info=True) %}
{% endmacro %}
{% macro json_of() %}{% do log(tojson(run_query("select cast(2 as decimal(10,2)) as d").columns[0].values()[0]), info=True) %}{% endmacro %}
{% macro distinct() %}{% set c = run_query("select cast(x as decimal(10,2)) as d from (values (1),(1),(2)) t(x)").columns[0] %}{% do log((c.values_distinct() | length) ~ ' ' ~ (c.values() | sum) ~ ' ' ~ (c.values() | max), info=True) %}{% endmacro %}
{% macro dbl() %}
{% set r = run_query("select 1.5::double a, 2.0::double b, 0.1::float c, 1e20::double d") %}
{% for c in r.columns %}{% set v = c.values()[0] %}{% do log(c.name ~ ' ' ~ v ~ ' float=' ~ (v is float) ~ ' number=' ~ (v is number) ~ ' str=' ~ (v | string) ~ ' repr=' ~ ([v] | string), info=True) %}{% endfor %}
{% endmacro %}
{% macro plus_float() %}{% do log(run_query("select cast(2 as decimal(10,2)) as d").columns[0].values()[0] + 0.5, info=True) %}{% endmacro %}
`;

function project(): string {
  return writeDuckdbProject({
    'macros/ops.sql': MACROS,
    'models/m.sql': `{% set r = run_query("select cast(2 as decimal(10,2)) as d") %}\n{% if execute %}{% set v = r.columns[0].values()[0] %}select '{{ v }}' as a, {{ v }} as b, '{{ v ~ "_x" }}' as c{% else %}select 1 as a{% endif %}\n`,
  });
}

describe('run_query DECIMAL values, as dbt-duckdb agate Decimals', () => {
  it('print with their scale and compute as Python Decimals do', async () => {
    const r = await sm('run-operation', 'probe', '--project-dir', project());
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toEqual([
      'd brace=2.00 str=2.00 plus1=3.00 times2=4.00 eqint=True div3=0.6666666666666666666666666667 isnum=True int=2 float=2.0 round=2',
      'e brace=1.500 str=1.500 plus1=2.500 times2=3.000 eqint=False div3=0.500 isnum=True int=1 float=1.5 round=2',
      'f brace=-0.10 str=-0.10 plus1=0.90 times2=-0.20 eqint=False div3=-0.03333333333333333333333333333 isnum=True int=0 float=-0.1 round=-0',
      'n brace=None str=None plus1=x times2=x eqint=False div3=x isnum=False int=x float=x round=x',
      'z brace=3 str=3 plus1=4 times2=6 eqint=False div3=1 isnum=True int=3 float=3.0 round=3',
      "values: (Decimal('2.00'),) interp: 2.00_col",
      'True True 2.00|2|2.0 False False',
    ]);
    expect(r.code).toBe(0);
  });

  it('are distinct by value, and sum and compare as decimals', async () => {
    expect(await sm('run-operation', 'distinct', '--project-dir', project())).toEqual({ code: 0, out: '2 4.00 2.00', err: '' });
  });

  // DOUBLE and FLOAT values too are Decimals in dbt (agate's Number casts a float through its
  // repr), so dbt_project_evaluator's json_serialize_value (`value is float`, else `value | string`)
  // writes them as strings ("0.0"); sm gave floats. dbt 1.11.16's lines for the same macro:
  it('DOUBLE and FLOAT values are the Decimals of their repr', async () => {
    const r = await sm('run-operation', 'dbl', '--project-dir', project());
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toEqual([
      "a 1.5 float=False number=True str=1.5 repr=[Decimal('1.5')]",
      "b 2.0 float=False number=True str=2.0 repr=[Decimal('2.0')]",
      "c 0.10000000149011612 float=False number=True str=0.10000000149011612 repr=[Decimal('0.10000000149011612')]",
      "d 1E+20 float=False number=True str=1E+20 repr=[Decimal('1E+20')]",
    ]);
  });

  it('refuse tojson and a float operand as dbt does (exit 1)', async () => {
    const dir = project();
    const j = await sm('run-operation', 'json_of', '--project-dir', dir);
    expect(j.code).toBe(1);
    expect(j.err).toContain('Object of type Decimal is not JSON serializable');
    const p = await sm('run-operation', 'plus_float', '--project-dir', dir);
    expect(p.code).toBe(1);
    expect(p.err).toContain("unsupported operand type(s) for +: 'decimal.Decimal' and 'float'");
  });

  it("go into a model's SQL with their scale", async () => {
    const dir = project();
    const r = await sm('run', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(dir, 'target/run/demo/models/m.sql'), 'utf8')).toContain("select '2.00' as a, 2.00 as b, '2.00_x' as c");
  });
});
