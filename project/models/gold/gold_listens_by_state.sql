{{
  config(
    location='target/lake/gold/listens_by_state',
    options={'partition_by': 'event_date'},
    pre_hook=["{{ lake_watermark_table() }}", "{{ lake_watermark_table(ref('silver_listen_events')) }}", "{{ lake_watermark_landed(silver=ref('silver_listen_events')) }}"],
    post_hook="{{ lake_watermark_modeled() }}"
  )
}}
-- Gold: listens per day and state. The state is the one the star schema gives the listen
-- (dim_locations by the same key as fact_streams; 'NA' when the place is unknown).
with listens as (
    select * from {{ ref('silver_listen_events') }}
    {% if is_incremental() %}
    where {{ in_new_partitions(source('eventsim', 'listen_events')) }}
    {% endif %}
)

select
    e.event_date,
    coalesce(l.state_code, 'NA') as state_code,
    coalesce(l.state_name, 'NA') as state_name,
    count(*) as listens,
    count(distinct e.user_id) as listeners,
    max(e._ingested_at) as _ingested_at
from listens e
left join {{ ref('dim_locations') }} l
    on l.location_key = {{ surrogate_key(['e.city', 'e.state', num_text('e.lat'), num_text('e.lon')]) }}
group by all
