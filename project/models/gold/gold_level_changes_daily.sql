{{
  config(
    location='target/lake/gold/level_changes_daily',
    options={'partition_by': 'event_date'},
    pre_hook=["{{ lake_watermark_table() }}", "{{ lake_watermark_table(ref('silver_status_change_events')) }}", "{{ lake_watermark_landed(silver=ref('silver_status_change_events')) }}"],
    post_hook="{{ lake_watermark_modeled() }}"
  )
}}
-- Gold: level changes per day from status-change events, whose `level` is the level before
-- the change: free means an upgrade (free_to_paid), paid a downgrade (paid_to_free).
with changes as (
    select * from {{ ref('silver_status_change_events') }}
    where level in ('free', 'paid')
    {% if is_incremental() %}
    and {{ in_new_partitions(source('eventsim', 'status_change_events')) }}
    {% endif %}
)

select
    event_date,
    case level when 'free' then 'free_to_paid' else 'paid_to_free' end as level_change,
    count(*) as changes,
    count(distinct user_id) as users,
    max(_ingested_at) as _ingested_at
from changes
group by all
