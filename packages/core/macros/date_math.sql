{% macro date_trunc(datepart, date) %}{{ return(adapter.dispatch('date_trunc', 'dbt')(datepart, date)) }}{% endmacro %}
{% macro default__date_trunc(datepart, date) %}date_trunc('{{ datepart }}', {{ date }}){% endmacro %}

{#- Add `interval` units of `datepart`. DuckDB has no quarter or week interval unit: they are
    three months and seven days. -#}
{% macro dateadd(datepart, interval, from_date_or_timestamp) %}
  {{- return(adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp)) -}}
{% endmacro %}
{% macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}
{{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }}))
{%- endmacro %}
{% macro duckdb__dateadd(datepart, interval, from_date_or_timestamp) %}

    {# The sum follows a blank line and four spaces: dbt-duckdb 1.11's compiled SQL, byte for byte. #}
    {%- set part = datepart | lower -%}
    {%- if part == 'quarter' -%}
({{ from_date_or_timestamp }} + (cast({{ interval }} as bigint) * 3) * interval 1 month)
    {%- elif part == 'week' -%}
({{ from_date_or_timestamp }} + (cast({{ interval }} as bigint) * 7) * interval 1 day)
    {%- else -%}
({{ from_date_or_timestamp }} + cast({{ interval }} as bigint) * interval 1 {{ part }})
    {%- endif -%}
{% endmacro %}
{#- dateadd and datediff as dbt-snowflake 1.11 compiles them (dbt's default macros), byte for byte. -#}
{% macro snowflake__dateadd(datepart, interval, from_date_or_timestamp) %}

    dateadd(
        {{ datepart }},
        {{ interval }},
        {{ from_date_or_timestamp }}
        )

{% endmacro %}

{#- Whole `datepart` boundaries crossed from first_date to second_date. DuckDB counts weeks as
    Snowflake does (boundaries crossed, not full seven-day spans). -#}
{% macro datediff(first_date, second_date, datepart) %}
  {{- return(adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart)) -}}
{% endmacro %}
{% macro default__datediff(first_date, second_date, datepart) -%}
    datediff(
        {{ datepart }},
        {{ first_date }},
        {{ second_date }}
        )
{%- endmacro %}
{#- Spaced as dbt-duckdb 1.11's output is, byte for byte: weeks are day boundaries crossed, over 7,
    corrected by the days of the week the two dates fall on. -#}
{% macro duckdb__datediff(first_date, second_date, datepart) -%}
    {% if datepart | lower == 'week' %}
            ({{ dbt.datediff(first_date, second_date, 'day') }} // 7 + case
            when date_part('dow', ({{ first_date }})::timestamp) <= date_part('dow', ({{ second_date }})::timestamp) then
                case when {{ first_date }} <= {{ second_date }} then 0 else -1 end
            else
                case when {{ first_date }} <= {{ second_date }} then 1 else 0 end
        end)
    {% else %}
        (date_diff('{{ datepart }}', {{ first_date }}::timestamp, {{ second_date }}::timestamp ))
    {% endif %}
{%- endmacro %}

{#- The last day of the `datepart` period (month, quarter, year, week) holding `date`, as a date. -#}
{% macro last_day(date, datepart) %}{{ return(adapter.dispatch('last_day', 'dbt')(date, datepart)) }}{% endmacro %}
{#- Spaced as dbt's and dbt-duckdb's; the quarter's SQL comment is dbt-duckdb's too, so compiled SQL reads the same. -#}
{% macro default__last_day(date, datepart) -%}
cast(
        {{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }}
        as date)
{%- endmacro %}
{% macro duckdb__last_day(date, datepart) -%}
  {%- if datepart | lower == 'quarter' -%}
-- duckdb dateadd does not support quarter interval.
    cast(
        {{ dbt.dateadd('day', '-1', dbt.dateadd('month', '3', dbt.date_trunc(datepart, date))) }}
        as date)
  {%- else -%}
{{ dbt.default__last_day(date, datepart) }}
  {%- endif -%}
{%- endmacro %}

{#- A date from its parts. -#}
{% macro date(year, month, day) %}{{ return(adapter.dispatch('date', 'dbt')(year, month, day)) }}{% endmacro %}
{% macro default__date(year, month, day) -%}
  {%- set m = ('0' ~ month) if month | int < 10 else (month | string) -%}
  {%- set d = ('0' ~ day) if day | int < 10 else (day | string) -%}
to_date('{{ year }}-{{ m }}-{{ d }}', 'YYYY-MM-DD')
{%- endmacro %}
{% macro duckdb__date(year, month, day) %}make_date({{ year }}, {{ month }}, {{ day }}){% endmacro %}
