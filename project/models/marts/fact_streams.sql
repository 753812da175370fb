{{
  config(
    materialized='incremental',
    unique_key='stream_key', incremental_strategy='merge',
    on_schema_change='append_new_columns',
    incremental_predicates=["DBT_INTERNAL_DEST.event_ts >= " ~ lookback_start('event_ts')]
  )
}}
-- One row per listen with keys to all five dimensions. A listen whose dimension row is
-- missing points to that dimension's unknown member: never dropped, never fanned out
-- (every join below is to a unique key).
-- Incremental: a window behind the newest modeled listen is read again so late events land
-- too, only those raw rows, through the staging SQL (macros/staging.sql).
-- The merge reads only the table's rows of that window (incremental_predicates): a key holds
-- its listen's ts (stream_key is md5 of session, item, user and ts), so a new row's key can
-- only match a row of the same ts, and without it the merge reads every key of the month.
with listens as (
    {{ listen_events_since(lookback_start('event_ts')) }}
),

keyed as (
    select
        {{ surrogate_key(['session_id', 'item_in_session', 'user_id', 'event_ms']) }} as stream_key,
        listens.*,
        {{ surrogate_key(['artist']) }} as artist_key_candidate,
        {{ surrogate_key(['artist', 'song']) }} as song_key_candidate,
        {{ surrogate_key(['city', 'state', num_text('lat'), num_text('lon')]) }} as location_key_candidate,
        {{ surrogate_key([ts_text("date_trunc('hour', event_ts)")]) }} as date_key_candidate
    from listens
)

select
    k.stream_key,
    coalesce(u.user_key, {{ unknown_key() }}) as user_key,
    coalesce(a.artist_key, {{ unknown_key() }}) as artist_key,
    coalesce(s.song_key, {{ unknown_key() }}) as song_key,
    coalesce(l.location_key, {{ unknown_key() }}) as location_key,
    coalesce(d.date_key, {{ unknown_key() }}) as date_key,
    k.event_ts,
    k.session_id,
    k.item_in_session,
    k.user_id,
    k.level,
    k.duration
from keyed k
left join {{ ref('dim_users') }} u
    on u.user_id = k.user_id and k.event_ts >= u.valid_from and k.event_ts < u.valid_to
left join {{ ref('dim_artists') }} a on a.artist_key = k.artist_key_candidate
left join {{ ref('dim_songs') }} s on s.song_key = k.song_key_candidate
left join {{ ref('dim_locations') }} l on l.location_key = k.location_key_candidate
left join {{ ref('dim_datetime') }} d on d.date_key = k.date_key_candidate
