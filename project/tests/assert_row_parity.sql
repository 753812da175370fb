-- wide_streams = fact_streams = stg_listen_events, row for row: no listen lost, none fanned out.
with counts as (
    select
        (select count(*) from {{ ref('stg_listen_events') }}) as listens,
        (select count(*) from {{ ref('fact_streams') }}) as facts,
        (select count(*) from {{ ref('wide_streams') }}) as wide_rows
)
select * from counts
where listens <> facts or facts <> wide_rows
