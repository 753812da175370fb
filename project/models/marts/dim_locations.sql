-- One row per (city, state, lat, lon) seen in events, with the state's name from the seed
-- (trimmed on both sides: a seed code with a stray space must not lose its listens).
-- Coordinates are rounded to the six decimals the key renders, so two readings that differ
-- only beyond them are one location, not two rows with the same key.
with seen as (
    select city, state, round(lat, 6) as lat, round(lon, 6) as lon from {{ ref('stg_listen_events') }}
    union
    select city, state, round(lat, 6) as lat, round(lon, 6) as lon from {{ ref('stg_page_view_events') }}
),

-- One name per trimmed code, so a seed that repeats a code cannot fan locations out.
states as (
    select upper(trim(state_code)) as state_code, min(trim(state_name)) as state_name
    from {{ ref('state_codes') }}
    group by upper(trim(state_code))
)

select
    {{ surrogate_key(['seen.city', 'seen.state', num_text('seen.lat'), num_text('seen.lon')]) }} as location_key,
    seen.city,
    seen.state as state_code,
    coalesce(states.state_name, 'NA') as state_name,
    seen.lat,
    seen.lon
from seen
left join states on states.state_code = seen.state

union all

select {{ unknown_key() }}, 'NA', 'NA', 'NA', 0.0, 0.0
