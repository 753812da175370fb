{{
  config(
    location='target/lake/silver/status_change_events',
    pre_hook=["{{ lake_watermark_table() }}", "{{ lake_watermark_landed(raw=source('eventsim', 'status_change_events')) }}"],
    post_hook="{{ lake_watermark_modeled() }}"
  )
}}
-- Silver: the staging SQL of stg_status_change_events (macros/staging.sql) written to Parquet, one folder
-- per event hour, with the landing time of each row. An incremental run stages again only the
-- raw rows of the hours that received rows since the last run, and replaces those hours.
select
    events.*,
    cast(event_ts as date) as event_date,
    hour(event_ts) as event_hour
from (
    {{ stage_status_change_events(hours=(new_raw_hours(source('eventsim', 'status_change_events')) if is_incremental() else none), keep_ingested=true) }}
) events
