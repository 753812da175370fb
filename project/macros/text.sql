{#- Eventsim text arrives with literal surrounding quotes and backslash-escaped quotes:
    remove every " and \ and trim, so both sides of a join compare the same text.
    chr() keeps the backslash out of string literals, where Snowflake would read it as an escape. -#}
{% macro clean_text(expr) -%}
trim(replace(replace(coalesce({{ expr }}, ''), chr(34), ''), chr(92), ''))
{%- endmacro %}

{#- Text with an explicit default for missing values ('NA'), after cleaning. -#}
{% macro text_or_na(expr) -%}
coalesce(nullif({{ clean_text(expr) }}, ''), 'NA')
{%- endmacro %}
