{#- Epoch milliseconds (UTC) to a timestamp without time zone. -#}
{% macro from_epoch_ms(expr) -%}
{%- if target.type == 'snowflake' -%}
to_timestamp_ntz({{ expr }}, 3)
{%- else -%}
make_timestamp(({{ expr }}) * 1000)
{%- endif -%}
{%- endmacro %}

{#- A timestamp as 'YYYY-MM-DD HH:MI:SS' text, identical on DuckDB and Snowflake (surrogate keys depend on it). -#}
{% macro ts_text(expr) -%}
{%- if target.type == 'snowflake' -%}
to_char({{ expr }}, 'YYYY-MM-DD HH24:MI:SS')
{%- else -%}
strftime({{ expr }}, '%Y-%m-%d %H:%M:%S')
{%- endif -%}
{%- endmacro %}

{#- ISO day of week: 1 = Monday ... 7 = Sunday. -#}
{% macro iso_day_of_week(expr) -%}
{%- if target.type == 'snowflake' -%}
dayofweekiso({{ expr }})
{%- else -%}
isodow({{ expr }})
{%- endif -%}
{%- endmacro %}

{#- One row per hour from start to end inclusive, as column `hour_start`. -#}
{% macro hour_series(start_expr, end_expr) -%}
{%- if target.type == 'snowflake' -%}
{#- seq4() may skip numbers, row_number() does not; Snowflake's QUALIFY needs a window
    function, so the bound is a WHERE around a subquery. 200,000 hours is about 22 years. #}
select hour_start from (
    select dateadd(hour, row_number() over (order by seq4()) - 1, {{ start_expr }}) as hour_start
    from table(generator(rowcount => 200000)) g
) hours
where hour_start <= {{ end_expr }}
{%- else -%}
select unnest(generate_series({{ start_expr }}, {{ end_expr }}, interval 1 hour)) as hour_start
{%- endif -%}
{%- endmacro %}

{#- A timestamp without time zone as epoch milliseconds (UTC), the inverse of from_epoch_ms.
    datediff with a quoted part is spelled the same on DuckDB and Snowflake; exact for
    timestamps in whole milliseconds, which is all events carry. -#}
{% macro to_epoch_ms(expr) -%}
datediff('millisecond', cast('1970-01-01 00:00:00' as timestamp), {{ expr }})
{%- endmacro %}
