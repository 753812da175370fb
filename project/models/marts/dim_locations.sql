-- One row per (city, state, lat, lon) seen in events, with the state's name from the seed
-- (trimmed on both sides: a seed code with a stray space must not lose its listens).
with seen as (
    select city, state, lat, lon from {{ ref('stg_listen_events') }}
    union
    select city, state, lat, lon from {{ ref('stg_page_view_events') }}
),

states as (
    select upper(trim(state_code)) as state_code, trim(state_name) as state_name
    from {{ ref('state_codes') }}
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
