{{
  config(
    location='target/lake/gold/song_plays_daily',
    options={'partition_by': 'event_date'},
    pre_hook=["{{ lake_watermark_table() }}", "{{ lake_watermark_table(ref('silver_listen_events')) }}", "{{ lake_watermark_landed(silver=ref('silver_listen_events')) }}"],
    post_hook="{{ lake_watermark_modeled() }}"
  )
}}
-- Gold: listens per day and song, named as the star schema names them (the catalogue's
-- cleaned artist and title by the same keys as fact_streams; 'Unknown' when not in it).
-- Top songs over any range are sums of these rows.
with listens as (
    select * from {{ ref('silver_listen_events') }}
    {% if is_incremental() %}
    where {{ in_new_partitions(source('eventsim', 'listen_events')) }}
    {% endif %}
)

select
    e.event_date,
    coalesce(a.artist_name, 'Unknown') as artist,
    coalesce(s.title, 'Unknown') as song,
    count(*) as listens,
    count(distinct e.user_id) as listeners,
    max(e._ingested_at) as _ingested_at
from listens e
left join {{ ref('dim_artists') }} a on a.artist_key = {{ surrogate_key(['e.artist']) }}
left join {{ ref('dim_songs') }} s on s.song_key = {{ surrogate_key(['e.artist', 'e.song']) }}
group by all
