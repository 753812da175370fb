{#- The relation as the warehouse has it (with its type), or none when it does not exist. -#}
{% macro load_cached_relation(relation) -%}
  {{ return(adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier)) }}
{%- endmacro %}

{% macro load_relation(relation) %}{{ return(dbt.load_cached_relation(relation)) }}{% endmacro %}
