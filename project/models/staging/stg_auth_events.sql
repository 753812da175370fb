-- One row per login attempt outcome.
with source as (
    select * from {{ source('eventsim', 'auth_events') }}
),

typed as (
    select
        {{ from_epoch_ms('ts') }} as event_ts,
        ts as event_ms,
        session_id,
        item_in_session,
        coalesce(level, 'NA') as level,
        coalesce(user_id, 0) as user_id,
        {{ text_or_na('first_name') }} as first_name,
        {{ text_or_na('last_name') }} as last_name,
        {{ text_or_na('gender') }} as gender,
        {{ text_or_na('city') }} as city,
        upper({{ text_or_na('state') }}) as state,
        coalesce(lat, 0.0) as lat,
        coalesce(lon, 0.0) as lon,
        success,
        _ingested_at,
        _offset
    from source
)

select * exclude (_ingested_at, _offset)
from typed
qualify row_number() over (partition by session_id, item_in_session, user_id, event_ms order by _ingested_at, _offset) = 1
