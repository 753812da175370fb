{{
  config(
    location='target/lake/gold/listens_hourly',
    options={'partition_by': 'event_date, event_hour'},
    pre_hook=["{{ lake_watermark_table() }}", "{{ lake_watermark_table(ref('silver_listen_events')) }}", "{{ lake_watermark_landed(silver=ref('silver_listen_events')) }}"],
    post_hook="{{ lake_watermark_modeled() }}"
  )
}}
-- Gold: listens per hour and level (free, paid), from the silver listens. An incremental run
-- recomputes only the hours that received raw rows since the last run (macros/lake.sql).
with listens as (
    select * from {{ ref('silver_listen_events') }}
    {% if is_incremental() %}
    where {{ in_new_partitions(source('eventsim', 'listen_events'), hourly=true) }}
    {% endif %}
)

select
    event_date,
    event_hour,
    date_trunc('hour', event_ts) as hour_start,
    level,
    count(*) as listens,
    count(distinct user_id) as listeners,
    sum(cast(duration as decimal(18, 3))) as seconds_played,
    max(_ingested_at) as _ingested_at
from listens
group by event_date, event_hour, date_trunc('hour', event_ts), level
