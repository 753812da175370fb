{{
  config(
    location='target/lake/gold/artist_plays_daily',
    options={'partition_by': 'event_date'},
    pre_hook=["{{ lake_watermark_table() }}", "{{ lake_watermark_table(ref('silver_listen_events')) }}", "{{ lake_watermark_landed(silver=ref('silver_listen_events')) }}"],
    post_hook="{{ lake_watermark_modeled() }}"
  )
}}
-- Gold: listens per day and artist (the catalogue's cleaned name, 'Unknown' when not in it).
with listens as (
    select * from {{ ref('silver_listen_events') }}
    {% if is_incremental() %}
    where {{ in_new_partitions(source('eventsim', 'listen_events')) }}
    {% endif %}
)

select
    e.event_date,
    coalesce(a.artist_name, 'Unknown') as artist,
    count(*) as listens,
    count(distinct e.user_id) as listeners,
    max(e._ingested_at) as _ingested_at
from listens e
left join {{ ref('dim_artists') }} a on a.artist_key = {{ surrogate_key(['e.artist']) }}
group by all
