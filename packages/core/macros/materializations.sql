{#- What a project's own `{% materialization %}` calls of dbt's (run/execute-custom.ts runs one):
    hooks, temporary and backup relations, create and drop statements. sm's own text, the SQL
    as dbt's adapters write it for DuckDB and Snowflake. -#}

{% macro run_hooks(hooks, inside_transaction=True) -%}
  {%- for hook in hooks -%}
    {%- if hook.get('transaction', True) == inside_transaction and (hook.get('sql') | trim) -%}
      {% call statement(auto_begin=inside_transaction) %}{{ hook.get('sql') }}{% endcall %}
    {%- endif -%}
  {%- endfor -%}
{%- endmacro %}

{#- A temporary relation: beside the base one; on DuckDB a temporary table (no schema or
    database, so DuckDB's temp.main) named with the time to the microsecond, as dbt-duckdb's. -#}
{% macro make_temp_relation(base_relation, suffix='__dbt_tmp') -%}
  {{ return(adapter.dispatch('make_temp_relation', 'dbt')(base_relation, suffix)) }}
{%- endmacro %}

{% macro default__make_temp_relation(base_relation, suffix) -%}
  {{ return(base_relation.incorporate(path={'identifier': base_relation.identifier ~ suffix})) }}
{%- endmacro %}

{% macro duckdb__make_temp_relation(base_relation, suffix) -%}
  {{ return(base_relation.incorporate(path={'identifier': base_relation.identifier ~ suffix ~ py_current_timestring(), 'schema': none, 'database': none})) }}
{%- endmacro %}

{% macro py_current_timestring() -%}
  {{ return(modules.datetime.datetime.now().strftime('%Y%m%d%H%M%S%f')) }}
{%- endmacro %}

{#- An intermediate relation is always beside the base one (dbt's default__make_temp_relation). -#}
{% macro make_intermediate_relation(base_relation, suffix='__dbt_tmp') -%}
  {{ return(dbt.default__make_temp_relation(base_relation, suffix)) }}
{%- endmacro %}

{% macro make_backup_relation(base_relation, backup_relation_type, suffix='__dbt_backup') -%}
  {{ return(base_relation.incorporate(path={'identifier': base_relation.identifier ~ suffix}, type=backup_relation_type)) }}
{%- endmacro %}

{% macro drop_relation_if_exists(relation) -%}
  {%- if relation is not none -%}{% do adapter.drop_relation(relation) %}{%- endif -%}
{%- endmacro %}

{% macro get_create_table_as_sql(temporary, relation, sql) -%}
  {{ return(adapter.dispatch('get_create_table_as_sql', 'dbt')(temporary, relation, sql)) }}
{%- endmacro %}

{% macro default__get_create_table_as_sql(temporary, relation, sql) -%}
  {{ return('create ' ~ ('temporary ' if temporary else '') ~ 'table ' ~ relation ~ ' as (\n' ~ sql ~ '\n)') }}
{%- endmacro %}

{#- dbt-snowflake replaces the table, transient unless the model sets `transient: false`. -#}
{% macro snowflake__get_create_table_as_sql(temporary, relation, sql) -%}
  {%- set kind = 'temporary ' if temporary else ('transient ' if config.get('transient', true) else '') -%}
  {{ return('create or replace ' ~ kind ~ 'table ' ~ relation ~ ' as (\n' ~ sql ~ '\n)') }}
{%- endmacro %}

{% macro create_table_as(temporary, relation, compiled_code, language='sql') -%}
  {{ dbt.get_create_table_as_sql(temporary, relation, compiled_code) }}
{%- endmacro %}

{% macro get_create_view_as_sql(relation, sql) -%}
  {{ return(adapter.dispatch('get_create_view_as_sql', 'dbt')(relation, sql)) }}
{%- endmacro %}

{% macro default__get_create_view_as_sql(relation, sql) -%}
  {{ return('create view ' ~ relation ~ ' as (\n' ~ sql ~ '\n)') }}
{%- endmacro %}

{#- dbt-snowflake replaces the view. -#}
{% macro snowflake__get_create_view_as_sql(relation, sql) -%}
  {{ return('create or replace view ' ~ relation ~ ' as (\n' ~ sql ~ '\n)') }}
{%- endmacro %}

{% macro create_view_as(relation, sql) -%}
  {{ dbt.get_create_view_as_sql(relation, sql) }}
{%- endmacro %}

{#- Comments and grants are sm's own business after a node is built (persist_docs) or not done (grants). -#}
{% macro persist_docs(relation, model, for_relation=true, for_columns=true) -%}{%- endmacro %}
{% macro apply_grants(relation, grant_config, should_revoke=True) -%}{%- endmacro %}
{% macro should_revoke(existing_relation, full_refresh_mode=True) -%}{{ return(false) }}{%- endmacro %}
