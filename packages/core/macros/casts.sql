{% macro cast(field, type) %}{{ return(adapter.dispatch('cast', 'dbt')(field, type)) }}{% endmacro %}
{#- Spaced as dbt's output is, byte for byte (dbt-core 1.11.16, dbt-duckdb 1.11.1). -#}
{% macro default__cast(field, type) %}
    cast({{ field }} as {{ type }})
{% endmacro %}
{#- dbt-snowflake's: to_geography/to_geometry for those types, and spaced its way. -#}
{% macro snowflake__cast(field, type) %}
    {% if type | upper == 'GEOGRAPHY' -%}
        to_geography({{ field }})
    {% elif type | upper == 'GEOMETRY' -%}
        to_geometry({{ field }})
    {% else -%}
        cast({{ field }} as {{ type }})
    {% endif -%}
{% endmacro %}

{#- A cast that gives null instead of failing. DuckDB's dbt adapter keeps the plain cast (as
    dbt-duckdb does); Snowflake has try_cast. -#}
{% macro safe_cast(field, type) %}{{ return(adapter.dispatch('safe_cast', 'dbt')(field, type)) }}{% endmacro %}
{% macro default__safe_cast(field, type) %}
    {# spaced as dbt's: a blank line before the cast, a newline after #}
    cast({{ field }} as {{ type }})
{% endmacro %}
{#- Snowflake (spaced as dbt-snowflake 1.11.6 renders it): try_cast reads only text, so a number
    (a boolean too) is given as a string literal; geometry and geography have their own try_
    functions; variant, which try_cast cannot make, is a plain cast. -#}
{% macro snowflake__safe_cast(field, type) %}
    {%- if type | upper in ('GEOMETRY', 'GEOGRAPHY') %}
    try_to_{{ type | lower }}({{ field }})
    {% elif type | upper == 'VARIANT' %}
    
    cast({{ field }} as {{ type }})
    
    {% else %}
    
        try_cast({{ dbt.string_literal(field) if field is number else field }} as {{ type }})
    {% endif -%}
{% endmacro %}

{#- dbt's outputs what it dispatches to between its own newlines, rather than returning it. -#}
{% macro cast_bool_to_text(field) %}
  {{ adapter.dispatch('cast_bool_to_text', 'dbt')(field) }}
{% endmacro %}
{% macro default__cast_bool_to_text(field) %}
    cast({{ field }} as {{ dbt.type_string() }})
{% endmacro %}
