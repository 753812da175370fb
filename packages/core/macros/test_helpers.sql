{#- Whether a test keeps its failing rows: its `store_failures_as` (ephemeral: no), else its `store_failures` config (dbt's config.get gives it so settled), else the --store-failures flag. -#}
{% macro should_store_failures() -%}
  {%- set configured = config.get('store_failures') -%}
  {%- set store_as = config.get('store_failures_as') -%}
  {%- if store_as is not none -%}{%- set configured = store_as != 'ephemeral' -%}{%- endif -%}
  {%- if configured is none -%}{%- set configured = flags.STORE_FAILURES -%}{%- endif -%}
  {{ return(configured) }}
{%- endmacro %}

{#- The relation a generic test reads: narrowed by the test's `where` config when it has one. -#}
{% macro get_where_subquery(relation) %}{{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}{% endmacro %}
{% macro default__get_where_subquery(relation) -%}
  {%- set where = config.get('where', '') -%}
  {%- if where -%}
    {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
  {%- endif -%}
  {{ return(relation) }}
{%- endmacro %}

{#- A test's query with a row limit (none: every row), as the test materialization runs it. -#}
{% macro get_limit_subquery_sql(sql, limit) %}{{ return(adapter.dispatch('get_limit_sql', 'dbt')(sql, limit)) }}{% endmacro %}
{% macro default__get_limit_sql(sql, limit) -%}
  {{ sql }}{% if limit is not none %} limit {{ limit }}{% endif %}
{%- endmacro %}
