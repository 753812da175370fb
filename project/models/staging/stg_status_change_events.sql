-- One row per level change request; `level` is the level before the change.
with source as (
    select * from {{ source('eventsim', 'status_change_events') }}
),

typed as (
    select
        {{ from_epoch_ms('ts') }} as event_ts,
        ts as event_ms,
        session_id,
        item_in_session,
        coalesce(auth, 'NA') as auth,
        coalesce(level, 'NA') as level,
        coalesce(user_id, 0) as user_id,
        {{ text_or_na('first_name') }} as first_name,
        {{ text_or_na('last_name') }} as last_name,
        {{ text_or_na('gender') }} as gender,
        {{ text_or_na('city') }} as city,
        upper({{ text_or_na('state') }}) as state,
        _ingested_at,
        _offset
    from source
)

select * exclude (_ingested_at, _offset)
from typed
qualify row_number() over (partition by session_id, item_in_session, user_id, event_ms order by _ingested_at, _offset) = 1
