{{
  config(
    location='target/lake/gold/active_users_daily',
    options={'partition_by': 'event_date'},
    pre_hook=["{{ lake_watermark_table() }}", "{{ lake_watermark_table(ref('silver_listen_events')) }}", "{{ lake_watermark_landed(silver=ref('silver_listen_events')) }}"],
    post_hook="{{ lake_watermark_modeled() }}"
  )
}}
-- Gold: active users per day and level: users with at least one listen that day at that
-- level (a user who upgrades during the day counts once in each).
with listens as (
    select * from {{ ref('silver_listen_events') }}
    {% if is_incremental() %}
    where {{ in_new_partitions(source('eventsim', 'listen_events')) }}
    {% endif %}
)

select
    event_date,
    level,
    count(distinct user_id) as active_users,
    max(_ingested_at) as _ingested_at
from listens
group by all
