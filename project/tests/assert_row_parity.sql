-- wide_streams = fact_streams = stg_listen_events, row for row: no listen lost, none fanned out.
-- stg_listen_events's rows are counted as its dedupe keys in the raw table
-- (count_staged_listen_events, macros/staging.sql), the same number without deduplicating
-- every listen of the history in each hourly audit.
with counts as (
    select
        ({{ count_staged_listen_events() }}) as listens,
        (select count(*) from {{ ref('fact_streams') }}) as facts,
        (select count(*) from {{ ref('wide_streams') }}) as wide_rows
)
select * from counts
where listens <> facts or facts <> wide_rows
