{#- Where an incremental run starts reading again: the newest `column` already in {{ this }}
    less the var lookback_hours, so events that land up to that late are still modeled
    (1900-01-01 less the lookback for an empty table). A scalar subquery. -#}
{% macro lookback_start(column) -%}
(select coalesce(max({{ column }}), cast('1900-01-01' as timestamp)) - interval '{{ var("lookback_hours", 3) }} hours' from {{ this }})
{%- endmacro %}
