-- Type-2 history of each user's level: one row per contiguous run of the same level.
-- valid_from is the run's first event, valid_to the next run's first event (or the far
-- future for the current run), so runs never overlap and leave no gaps.
with events as (
    select user_id, event_ts, item_in_session, level, first_name, last_name, gender, registration_ts
    from {{ ref('stg_page_view_events') }}
    where user_id <> 0 and level in ('free', 'paid')
    union all
    select user_id, event_ts, item_in_session, level, first_name, last_name, gender, registration_ts
    from {{ ref('stg_listen_events') }}
    where user_id <> 0 and level in ('free', 'paid')
),

ordered as (
    select
        *,
        case when level = lag(level) over (partition by user_id order by event_ts, item_in_session) then 0 else 1 end as starts_run
    from events
),

numbered as (
    select
        *,
        sum(starts_run) over (partition by user_id order by event_ts, item_in_session rows between unbounded preceding and current row) as run_number
    from ordered
),

runs as (
    select
        user_id,
        run_number,
        min(level) as level,
        min(event_ts) as valid_from,
        max(first_name) as first_name,
        max(last_name) as last_name,
        max(gender) as gender,
        min(registration_ts) as registration_ts
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
    {{ surrogate_key(['user_id', ts_text('valid_from')]) }} as user_key,
    user_id,
    first_name,
    last_name,
    gender,
    level,
    registration_ts,
    valid_from,
    coalesce(next_valid_from, cast('9999-12-31 23:59:59' as timestamp)) as valid_to,
    next_valid_from is null as is_current
from history

union all

select {{ unknown_key() }}, 0, 'Unknown', 'Unknown', 'NA', 'NA', null,
    cast('1900-01-01 00:00:00' as timestamp), cast('9999-12-31 23:59:59' as timestamp), true
