/**
 * The project the Jinja parity table (jinja-compat.test.ts) renders each case in, shared by the
 * test (sm) and by scripts/record-jinja-parity.ts (real dbt), so both render the same files.
 */

/** The project file: dbt_project.yml for dbt, sm_project.yml for sm (sm reads the same keys). */
export const PARITY_PROJECT_FILE = `name: demo
profile: demo
version: '1.0'
config-version: 2
vars:
  greeting: hi
  flag: true
  regions: [eu, us]
  n: 5
  templated: "{{ 'x' ~ var('greeting') }}"
dispatch:
  - macro_namespace: dispatched
    search_order: ['demo', 'dispatched']
`;

/**
 * A DuckDB file named demo, so dbt-duckdb's database is "demo"; named in the profile too, so the
 * stand-in dialect of the test (which has no file to look at) knows it.
 */
export const PARITY_PROFILES = "demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: 'demo.duckdb'\n      database: demo\n      schema: main\n      threads: 1\n";

/** Macros the cases call (dbt resolves macros from macro files, not from inside a model). */
export const PARITY_MACROS = `{% macro va() %}{{ varargs | length }} {{ kwargs }}{% endmacro %}
{% macro each_row(rows) %}{% for r in rows %}{{ caller(r) }}{% endfor %}{% endmacro %}
{% macro greet(name, greeting='hi') %}{{ greeting }} {{ name }}{% endmacro %}
{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}
{% macro pick(x) %}{% if x > 1 %}{{ return('big') }}{% endif %}{{ return('small') }}{% endmacro %}
{% macro list_cols() %}{{ return(['id', 'name']) }}{% endmacro %}
{% macro project_greet(name, greeting='hello', punct='!') %}{{ greeting }} {{ name }}{{ punct }}{% endmacro %}
{% macro concat2(a, b) %}{{ return(adapter.dispatch('concat2')(a, b)) }}{% endmacro %}
{% macro default__concat2(a, b) %}{{ a }} || {{ b }}{% endmacro %}
{% macro duckdb__concat2(a, b) %}concat('{{ a }}', '{{ b }}'){% endmacro %}
{% macro tricky_defaults(a, b=('x', 'y'), c='1,2', d={'k': [1, 2]}, e="%}") %}{{ a }}|{{ b }}|{{ c }}|{{ d }}|{{ e }}{% endmacro %}
{% macro calls_later() %}[{{ defined_later('z') }}]{% endmacro %}
{% macro two_args(a, b) %}{{ a }}-{{ b }}{% endmacro %}
{% macro mixed(a, b=2) %}{{ a }}/{{ b }}/{{ varargs }}/{{ kwargs }}{% endmacro %}
{% macro caller_args() %}{{ caller(1, 'two') }}|{{ caller(3) }}{% endmacro %}
{% macro ns_dispatch(x) %}{{ return(adapter.dispatch('ns_dispatch', 'dispatched')(x)) }}{% endmacro %}
{% macro default__ns_dispatch(x) %}default {{ x }}{% endmacro %}
{% test is_positive(model, column_name, note='a %} b, c') %}select * from {{ model }} where {{ column_name }} <= 0 -- {{ note }}{% endtest %}
{% materialization sm_parity_mat, adapter='duckdb' %}{{ return({'relations': []}) }}{% endmaterialization %}
{% macro defined_later(x) %}later {{ x }}{% endmacro %}
`;

export const PARITY_FILES: Record<string, string> = {
  'macros/compat.sql': PARITY_MACROS,
  'models/a.sql': 'select 1 as id\n',
  // Its config() is in the file: dbt's graph gives every node's final config.
  'models/z_tabled.sql': "{{ config(materialized='table') }}select 2 as id\n",
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n      - name: events_fresh\n        config:\n          freshness: {warn_after: {count: 12, period: hour}}\n',
  'models/exposures.yml': "version: 2\nexposures:\n  - name: board\n    type: dashboard\n    owner: {name: Ann O'Neil, email: ann@example.com}\n    depends_on: [ref('a')]\n",
};

export const PARITY_ENV = { SM_JINJA_PARITY_SET: 'from-env' };

/** One line of the table: `[name, sql, dbt]` (GAPS add sm's output). Each line is a JSON array. */
export type ParityCase = [name: string, sql: string, dbt: string];
