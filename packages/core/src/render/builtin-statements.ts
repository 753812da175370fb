/**
 * dbt's statement macros in sm's words, in the internal `dbt` package (so a project may
 * override them, and `dbt.run_query()` works): `{% call statement(name, fetch_result=True) %}`
 * runs its body through `adapter.execute()` and stores the result for `load_result(name)`;
 * `run_query(sql)` is a statement whose table it returns. With `execute` false (dbt's parse
 * phase) nothing runs and `run_query()` gives nothing.
 */
export const BUILTIN_STATEMENT_MACROS = `
{% macro statement(name=None, fetch_result=False, auto_begin=True, language='sql') -%}
  {%- if execute -%}
    {%- set compiled_code = caller() -%}
    {%- if language != 'sql' -%}
      {%- do exceptions.raise_compiler_error("statement: sm runs SQL only, not " ~ language) -%}
    {%- endif -%}
    {%- set res, table = adapter.execute(compiled_code, auto_begin=auto_begin, fetch=fetch_result) -%}
    {%- if name is not none -%}
      {{ store_result(name, response=res, agate_table=table) }}
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}

{% macro noop_statement(name=None, message=None, code=None, rows_affected=None, res=None) -%}
  {%- set sql = caller() -%}
  {%- if name is not none -%}
    {{ store_raw_result(name, message=message, code=code, rows_affected=rows_affected, agate_table=res) }}
  {%- endif -%}
{%- endmacro %}

{% macro run_query(sql) %}
  {% call statement("run_query_statement", fetch_result=true, auto_begin=false) %}{{ sql }}{% endcall %}
  {% do return(load_result("run_query_statement").table) %}
{% endmacro %}

{% macro set_sql_header(config) -%}
  {{ config.set('sql_header', caller()) }}
{%- endmacro %}
`;
