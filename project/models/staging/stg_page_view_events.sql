-- One row per page view; guests and logged-out sessions have user_id 0 and 'NA' names.
with source as (
    select * from {{ source('eventsim', 'page_view_events') }}
),

typed as (
    select
        {{ from_epoch_ms('ts') }} as event_ts,
        ts as event_ms,
        session_id,
        item_in_session,
        page,
        method,
        status,
        coalesce(auth, 'NA') as auth,
        coalesce(level, 'NA') as level,
        coalesce(user_id, 0) as user_id,
        {{ text_or_na('first_name') }} as first_name,
        {{ text_or_na('last_name') }} as last_name,
        {{ text_or_na('gender') }} as gender,
        {{ from_epoch_ms('registration') }} as registration_ts,
        artist as artist_raw,
        {{ text_or_na('artist') }} as artist,
        song as song_raw,
        {{ text_or_na('song') }} as song,
        duration,
        {{ text_or_na('city') }} as city,
        coalesce(zip, 'NA') as zip,
        upper({{ text_or_na('state') }}) as state,
        {{ clean_text('user_agent') }} as user_agent,
        coalesce(lat, 0.0) as lat,
        coalesce(lon, 0.0) as lon,
        _ingested_at,
        _offset
    from source
)

select * exclude (_ingested_at, _offset)
from typed
qualify row_number() over (partition by session_id, item_in_session, user_id, event_ms order by _ingested_at, _offset) = 1
