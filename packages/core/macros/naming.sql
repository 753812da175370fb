{#- Where a node is built: dbt's naming macros, callable from templates (dbt-codegen calls
    generate_schema_name('raw_data'); a project's own generate_schema_name often calls
    default__generate_schema_name). A root project's generate_schema_name decides where its
    nodes go; these are what a template sees when it calls them. -#}

{% macro generate_schema_name(custom_schema_name=none, node=none) -%}
  {{ return(adapter.dispatch('generate_schema_name', 'dbt')(custom_schema_name, node)) }}
{%- endmacro %}

{#- The target's schema, or the target's schema and the custom one joined by an underscore. -#}
{% macro default__generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}
    {{ return(target.schema) }}
  {%- endif -%}
  {{ return(target.schema ~ '_' ~ (custom_schema_name | trim)) }}
{%- endmacro %}

{#- The custom schema alone, for projects that opt into it. -#}
{% macro generate_schema_name_for_env(custom_schema_name, node) -%}
  {%- if target.name == 'prod' and custom_schema_name is not none -%}
    {{ return(custom_schema_name | trim) }}
  {%- endif -%}
  {{ return(target.schema) }}
{%- endmacro %}

{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
  {{ return(adapter.dispatch('generate_alias_name', 'dbt')(custom_alias_name, node)) }}
{%- endmacro %}

{#- The custom alias, else the node's name (with _v<version> for a model version). -#}
{% macro default__generate_alias_name(custom_alias_name, node) -%}
  {%- if custom_alias_name -%}
    {{ return(custom_alias_name | trim) }}
  {%- endif -%}
  {%- if node.version -%}
    {{ return(node.name ~ '_v' ~ (node.version | replace('.', '_'))) }}
  {%- endif -%}
  {{ return(node.name) }}
{%- endmacro %}

{% macro generate_database_name(custom_database_name=none, node=none) -%}
  {{ return(adapter.dispatch('generate_database_name', 'dbt')(custom_database_name, node)) }}
{%- endmacro %}

{#- The target's database, or the custom one. -#}
{% macro default__generate_database_name(custom_database_name, node) -%}
  {%- if custom_database_name is none -%}
    {{ return(target.database) }}
  {%- endif -%}
  {{ return(custom_database_name | trim) }}
{%- endmacro %}
