{#- The relation as the warehouse has it (with its type), or none when it does not exist. -#}
{% macro load_cached_relation(relation) -%}
  {{ return(adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier)) }}
{%- endmacro %}

{% macro load_relation(relation) %}{{ return(dbt.load_cached_relation(relation)) }}{% endmacro %}

{#- Whether this node rebuilds in full: its `full_refresh` config when set (false protects a table
    that cannot be rebuilt), else the --full-refresh flag. -#}
{% macro should_full_refresh() -%}
  {%- set configured = config.get('full_refresh') -%}
  {%- if configured is none -%}{%- set configured = flags.FULL_REFRESH -%}{%- endif -%}
  {{ return(configured) }}
{%- endmacro %}
