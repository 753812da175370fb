{#- The smallest n with 2^n >= upper_bound: how many doublings generate_series cross joins. -#}
{% macro get_powers_of_two(upper_bound) %}{{ return(adapter.dispatch('get_powers_of_two', 'dbt')(upper_bound)) }}{% endmacro %}
{% macro default__get_powers_of_two(upper_bound) -%}
  {%- if upper_bound <= 0 -%}
    {{ exceptions.raise_compiler_error('get_powers_of_two needs an upper bound of 1 or more, not ' ~ upper_bound) }}
  {%- endif -%}
  {%- set ns = namespace(bits=0) -%}
  {%- for _ in range(64) -%}
    {%- if 2 ** ns.bits < upper_bound -%}{%- set ns.bits = ns.bits + 1 -%}{%- endif -%}
  {%- endfor -%}
  {{ return(ns.bits) }}
{%- endmacro %}

{#- A query of one column, generated_number, from 1 to upper_bound. -#}
{% macro generate_series(upper_bound) %}{{ return(adapter.dispatch('generate_series', 'dbt')(upper_bound)) }}{% endmacro %}
{#- Spaced as dbt 1.11's output is, byte for byte: on Snowflake (dbt's default) doublings cross
    joined, on DuckDB its generate_series function. -#}
{% macro default__generate_series(upper_bound) %}

    {% set bits = dbt.get_powers_of_two(upper_bound) %}

    with p as (
        select 0 as generated_number union all select 1
    ), unioned as (

    select

    {% for i in range(bits) %}
    p{{ i }}.generated_number * power(2, {{ i }})
    {% if not loop.last %} + {% endif %}
    {% endfor %}
    + 1
    as generated_number

    from

    {% for i in range(bits) %}
    p as p{{ i }}
    {% if not loop.last %} cross join {% endif %}
    {% endfor %}

    )

    select *
    from unioned
    where generated_number <= {{ upper_bound }}
    order by generated_number

{% endmacro %}
{% macro duckdb__generate_series(upper_bound) %}
    select
        generate_series as generated_number
    from generate_series(1, {{ upper_bound }})
{% endmacro %}

{#- The number of datepart intervals between two dates, asked of the warehouse; 1 when nothing
    can be asked (compiling without a warehouse). -#}
{% macro get_intervals_between(start_date, end_date, datepart) %}
  {{- return(adapter.dispatch('get_intervals_between', 'dbt')(start_date, end_date, datepart)) -}}
{% endmacro %}
{% macro default__get_intervals_between(start_date, end_date, datepart) -%}
  {%- if execute -%}
    {%- set result = run_query('select ' ~ dbt.datediff(start_date, end_date, datepart)) -%}
    {%- if result is not none and result.rows | length > 0 -%}
      {{ return(result.rows[0][0]) }}
    {%- endif -%}
  {%- endif -%}
  {{ return(1) }}
{%- endmacro %}

{#- One row per datepart from start_date (included) up to end_date, in a column named date_<datepart>. -#}
{% macro date_spine(datepart, start_date, end_date) %}{{ return(adapter.dispatch('date_spine', 'dbt')(datepart, start_date, end_date)) }}{% endmacro %}
{% macro default__date_spine(datepart, start_date, end_date) %}


    {# Spaced as dbt 1.11's output is, byte for byte. #}


    with rawdata as (

        {{ dbt.generate_series(dbt.get_intervals_between(start_date, end_date, datepart)) }}

    ),

    all_periods as (

        select (
            {{ dbt.dateadd(datepart, 'row_number() over (order by 1) - 1', start_date) }}
        ) as date_{{ datepart }}
        from rawdata

    ),

    filtered as (

        select *
        from all_periods
        where date_{{ datepart }} <= {{ end_date }}

    )

    select * from filtered

{% endmacro %}
