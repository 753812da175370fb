{#- Surrogate key: lowercase hex MD5 of the fields as text joined with '-', nulls as ''.
    Callers pass text (use ts_text / num_text for timestamps and numbers) so that the same
    row gets the same key on DuckDB and Snowflake. -#}
{% macro surrogate_key(fields) -%}
md5(
  {%- for f in fields %}
  coalesce(cast({{ f }} as varchar), ''){% if not loop.last %} || '-' ||{% endif %}
  {%- endfor %}
)
{%- endmacro %}

{#- The key of every dimension's unknown member. -#}
{% macro unknown_key() -%}
'00000000000000000000000000000000'
{%- endmacro %}

{#- A coordinate as text with six decimals, the same on every warehouse. -#}
{% macro num_text(expr) -%}
cast(cast(round({{ expr }}, 6) as decimal(12, 6)) as varchar)
{%- endmacro %}
