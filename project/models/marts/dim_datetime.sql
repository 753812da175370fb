{{
  config(
    materialized='incremental',
    unique_key='date_key',
    incremental_strategy='delete+insert'
  )
}}
-- One row per hour. The range follows the data (first to last listen) unless the vars
-- start_date / end_date set it: never a fixed range that later events fall outside of.
-- A date-only end_date ('2026-11-30') includes that whole day, up to its 23:00 hour.
-- An incremental run takes the range of the hours already in the table and of the listens
-- from its newest hour less lookback_hours, and writes the (small) table again; after
-- changing start_date or end_date, run it with --full-refresh.
{%- set start_date = var('start_date', none) %}
{%- set end_date = var('end_date', none) %}

with listens as (
    {{ listen_events_since(lookback_start('hour_start')) }}
),

-- data_bounds is always exactly one row (an aggregate), so either var can be set alone or both.
data_bounds as (
    select
        date_trunc('hour', min(event_ts)) as first_hour,
        date_trunc('hour', max(event_ts)) as last_hour
    from (
        select event_ts from listens
        {% if is_incremental() %}
        union all
        select hour_start from {{ this }} where hour_start is not null
        {% endif %}
    ) seen
),

bounds as (
    select
        {% if start_date %}date_trunc('hour', cast('{{ start_date }}' as timestamp)){% else %}first_hour{% endif %} as first_hour,
        {% if end_date and (end_date | string | length) == 10 -%}
        cast('{{ end_date }}' as timestamp) + interval '23 hours'
        {%- elif end_date -%}
        date_trunc('hour', cast('{{ end_date }}' as timestamp))
        {%- else -%}
        last_hour
        {%- endif %} as last_hour
    from data_bounds
),

hours as (
    {{ hour_series('(select first_hour from bounds)', '(select last_hour from bounds)') }}
)

select
    {{ surrogate_key([ts_text('hour_start')]) }} as date_key,
    hour_start,
    cast(hour_start as date) as date_day,
    extract(hour from hour_start) as hour_of_day,
    {{ iso_day_of_week('hour_start') }} as day_of_week,
    case {{ iso_day_of_week('hour_start') }}
        when 1 then 'Monday' when 2 then 'Tuesday' when 3 then 'Wednesday' when 4 then 'Thursday'
        when 5 then 'Friday' when 6 then 'Saturday' else 'Sunday'
    end as day_name,
    extract(day from hour_start) as day_of_month,
    weekofyear(hour_start) as week_of_year,
    extract(month from hour_start) as month,
    extract(year from hour_start) as year,
    {{ iso_day_of_week('hour_start') }} in (6, 7) as is_weekend
from hours
where hour_start is not null

union all

select {{ unknown_key() }}, null, null, null, null, 'Unknown', null, null, null, null, false
