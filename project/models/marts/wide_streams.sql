{{
  config(
    materialized='incremental',
    unique_key='stream_key', incremental_strategy='merge',
    on_schema_change='append_new_columns',
    incremental_predicates=["DBT_INTERNAL_DEST.event_ts > " ~ lookback_start('event_ts')]
  )
}}
-- The flat table dashboards read: every listen with all its dimensions, one row per fact row.
-- Incremental: the fact rows of the lookback window; the merge reads only the table's rows of
-- that window (a stream_key holds its listen's ts, so it matches a row of the same ts only).
select
    f.stream_key,
    f.event_ts,
    f.session_id,
    f.item_in_session,
    f.user_id,
    u.first_name,
    u.last_name,
    u.gender,
    f.level,
    u.registration_ts,
    s.title as song,
    a.artist_name as artist,
    f.duration,
    s.year as song_year,
    l.city,
    l.state_code,
    l.state_name,
    l.lat,
    l.lon,
    d.date_day,
    d.hour_of_day,
    d.day_of_week,
    d.day_name,
    d.is_weekend
from {{ ref('fact_streams') }} f
join {{ ref('dim_users') }} u on u.user_key = f.user_key
join {{ ref('dim_artists') }} a on a.artist_key = f.artist_key
join {{ ref('dim_songs') }} s on s.song_key = f.song_key
join {{ ref('dim_locations') }} l on l.location_key = f.location_key
join {{ ref('dim_datetime') }} d on d.date_key = f.date_key
{% if is_incremental() %}
where f.event_ts > {{ lookback_start('event_ts') }}
{% endif %}
