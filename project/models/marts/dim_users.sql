{{
  config(
    materialized='incremental',
    unique_key='user_id',
    incremental_strategy='delete+insert'
  )
}}
-- Type-2 history of each user's level: one row per contiguous run of the same level.
-- valid_from is the run's first event, valid_to the next run's first event (or the far
-- future for the current run), so runs never overlap and leave no gaps. Name, gender and
-- registration are the user's own (the same on every row of a user); last_event_ts is the
-- user's newest event.
--
-- An incremental run rebuilds only the users with events since the newest one modeled, less
-- lookback_hours, and rebuilds all of each such user's rows (delete+insert on user_id). Their
-- runs that began before that cutoff come back from the table as one event each, at the run's
-- start with its level, which is all the run structure needs; every event from the cutoff on
-- is read again. So a run extended, ended or split by new events gets the rows and keys a full
-- build gives.
with
{% if is_incremental() %}
cutoff as (select {{ lookback_start('last_event_ts') }} as ts),
{% endif %}

-- Incremental: only the raw rows from the cutoff on, through the staging SQL (macros/staging.sql).
page_views as ({{ page_view_events_since('(select ts from cutoff)') }}),

listens as ({{ listen_events_since('(select ts from cutoff)') }}),

new_events as (
    select user_id, event_ts, item_in_session, level, first_name, last_name, gender, registration_ts
    from page_views
    where user_id <> 0 and level in ('free', 'paid')
    union all
    select user_id, event_ts, item_in_session, level, first_name, last_name, gender, registration_ts
    from listens
    where user_id <> 0 and level in ('free', 'paid')
),

events as (
    select *, event_ts as seen_ts from new_events
    {% if is_incremental() %}
    union all
    -- Each run of a touched user that began before the cutoff, as one event at its start;
    -- it carries the user's attributes and newest event so far.
    select user_id, valid_from, 0, level, first_name, last_name, gender, registration_ts, last_event_ts
    from {{ this }}
    where valid_from < (select ts from cutoff)
        and user_id in (select user_id from new_events)
    {% endif %}
),

users as (
    select
        user_id,
        max(first_name) as first_name,
        max(last_name) as last_name,
        max(gender) as gender,
        min(registration_ts) as registration_ts,
        max(seen_ts) as last_event_ts
    from events
    group by user_id
),

ordered as (
    select
        user_id,
        event_ts,
        item_in_session,
        level,
        case when level = lag(level) over (partition by user_id order by event_ts, item_in_session) then 0 else 1 end as starts_run
    from events
),

-- Events at the same instant and item (a NextSong page view and its listen) are peers: the range
-- frame gives them one running total whichever order the two windows put them in; a rows frame
-- could split them into a run that starts and ends at that instant, with the next run's key.
numbered as (
    select
        *,
        sum(starts_run) over (partition by user_id order by event_ts, item_in_session range between unbounded preceding and current row) as run_number
    from ordered
),

runs as (
    select user_id, run_number, min(level) as level, min(event_ts) as valid_from
    from numbered
    group by user_id, run_number
),

history as (
    select
        *,
        lead(valid_from) over (partition by user_id order by run_number) as next_valid_from
    from runs
)

select
    {{ surrogate_key(['h.user_id', ts_text('h.valid_from')]) }} as user_key,
    h.user_id,
    u.first_name,
    u.last_name,
    u.gender,
    h.level,
    u.registration_ts,
    h.valid_from,
    coalesce(h.next_valid_from, cast('9999-12-31 23:59:59' as timestamp)) as valid_to,
    h.next_valid_from is null as is_current,
    u.last_event_ts
from history h
join users u on u.user_id = h.user_id

union all

select {{ unknown_key() }}, 0, 'Unknown', 'Unknown', 'NA', 'NA', null,
    cast('1900-01-01 00:00:00' as timestamp), cast('9999-12-31 23:59:59' as timestamp), true, null
