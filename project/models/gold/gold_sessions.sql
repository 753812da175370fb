{{
  config(
    location='target/lake/gold/sessions',
    options={'partition_by': 'session_date'},
    pre_hook=["{{ lake_watermark_table() }}", "{{ lake_watermark_table(ref('silver_page_view_events')) }}", "{{ lake_watermark_landed(silver=ref('silver_page_view_events')) }}"],
    post_hook="{{ lake_watermark_modeled() }}"
  )
}}
-- Gold: one row per session (page views of any user, guests included), filed under the day it
-- started: its user (the logged-in id; 0 for a guest throughout), start, end, length in seconds
-- from first to last event, page views and listens. A session is a run of events with one
-- session id and no gap over 30 minutes: the id alone is not enough, since a generator started
-- again numbers its sessions from 1 again.
-- Incremental: the days on which a session with newly landed events started are rebuilt whole,
-- from the events of the day before the first changed day to the day after the last, so a
-- session is taken to last less than a day (Eventsim's last minutes to hours).
with
{% if is_incremental() %}
changed_days as (
    select distinct event_date from ({{ new_raw_partitions(source('eventsim', 'page_view_events')) }})
),
{% endif %}
events as (
    select session_id, item_in_session, user_id, page, event_ts, _ingested_at
    from {{ ref('silver_page_view_events') }}
    {% if is_incremental() %}
    -- The bounds are constants when nothing new landed (no changed day), so that DuckDB skips
    -- every file (see in_new_partitions in macros/lake.sql).
    where event_date between coalesce((select min(event_date) - 1 from changed_days), date '9999-12-31')
        and coalesce((select max(event_date) + 1 from changed_days), date '0001-01-01')
    {% endif %}
),

marked as (
    select
        *,
        case
            when lag(event_ts) over (partition by session_id order by event_ts, item_in_session) is null then 1
            when event_ts - lag(event_ts) over (partition by session_id order by event_ts, item_in_session) > interval '30 minutes' then 1
            else 0
        end as is_start
    from events
),

numbered as (
    select *, sum(is_start) over (partition by session_id order by event_ts, item_in_session rows between unbounded preceding and current row) as session_seq
    from marked
),

sessions as (
    select
        session_id,
        max(user_id) as user_id,
        min(event_ts) as started_at,
        max(event_ts) as ended_at,
        count(*) as page_views,
        count_if(page = 'NextSong') as listens,
        max(_ingested_at) as _ingested_at
    from numbered
    group by session_id, session_seq
)

select
    cast(started_at as date) as session_date,
    session_id,
    user_id,
    started_at,
    ended_at,
    datediff('second', started_at, ended_at) as length_seconds,
    page_views,
    listens,
    _ingested_at
from sessions
{% if is_incremental() %}
where cast(started_at as date) in (
    select distinct cast(started_at as date) from sessions where _ingested_at > {{ lake_watermark() }}
)
{% endif %}
