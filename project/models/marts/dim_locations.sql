{{
  config(
    materialized='incremental',
    unique_key='location_key',
    incremental_strategy='delete+insert'
  )
}}
-- One row per (city, state, lat, lon) seen in events, with the state's name from the seed
-- (trimmed on both sides: a seed code with a stray space must not lose its listens), and the
-- newest event seen there. Coordinates are rounded to the six decimals the key renders, so two
-- readings that differ only beyond them are one location, not two rows with the same key.
--
-- An incremental run reads only the events since the newest one modeled, less lookback_hours,
-- and adds them to the locations already in the table; the table is small, so every row is
-- written again and a changed state seed reaches old locations too.
with
{% if is_incremental() %}
cutoff as (select {{ lookback_start('last_event_ts') }} as ts),
{% endif %}

-- Incremental: only the raw rows from the cutoff on, through the staging SQL (macros/staging.sql).
listens as ({{ listen_events_since('(select ts from cutoff)') }}),

page_views as ({{ page_view_events_since('(select ts from cutoff)') }}),

events as (
    select city, state, lat, lon, event_ts from listens
    union all
    select city, state, lat, lon, event_ts from page_views
),

seen as (
    select city, state, round(lat, 6) as lat, round(lon, 6) as lon, event_ts from events
    {% if is_incremental() %}
    union all
    select city, state_code, lat, lon, last_event_ts from {{ this }} where location_key <> {{ unknown_key() }}
    {% endif %}
),

locations as (
    select city, state, lat, lon, max(event_ts) as last_event_ts
    from seen
    group by city, state, lat, lon
),

-- One name per trimmed code, so a seed that repeats a code cannot fan locations out.
states as (
    select upper(trim(state_code)) as state_code, min(trim(state_name)) as state_name
    from {{ ref('state_codes') }}
    group by upper(trim(state_code))
)

select
    {{ surrogate_key(['l.city', 'l.state', num_text('l.lat'), num_text('l.lon')]) }} as location_key,
    l.city,
    l.state as state_code,
    coalesce(states.state_name, 'NA') as state_name,
    l.lat,
    l.lon,
    l.last_event_ts
from locations l
left join states on states.state_code = l.state

union all

select {{ unknown_key() }}, 'NA', 'NA', 'NA', 0.0, 0.0, null
