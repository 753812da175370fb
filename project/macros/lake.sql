{#- The silver and gold lake layers (models/lake/) are Parquet folders that an incremental run
    rewrites only where new events landed. Each row carries the newest `_ingested_at` behind
    it; a run rebuilds the partitions of the rows landed after the newest one already in
    {{ this }}, so a new hour writes only its own partitions and a late event rewrites its own. -#}

{#- The newest landing time already in {{ this }} (1900-01-01 when it is empty). A scalar subquery. -#}
{% macro lake_watermark() -%}
(select coalesce(max(_ingested_at), cast('1900-01-01' as timestamp)) from {{ this }})
{%- endmacro %}

{#- Event hours (ts // 3600000) of the raw rows of `relation` landed after the watermark:
    what the staging macros' `hours` filter takes. -#}
{% macro new_raw_hours(relation) -%}
select distinct ts // 3600000 from {{ relation }} where _ingested_at > {{ lake_watermark() }}
{%- endmacro %}

{#- The lake partitions (event_date, event_hour, as silver computes them) of the raw rows of
    `relation` landed after the watermark: where a gold model's rows can have changed. Read
    from the landing table, a scan of its newest rows, not from the silver files, which would
    open every file of the month. Every silver row landed after the watermark comes from such a
    raw row of the same hour; a replayed raw row that silver drops only makes its partition
    recomputed to the same rows. -#}
{% macro new_raw_partitions(relation) -%}
select distinct cast({{ from_epoch_ms('ts') }} as date) as event_date, hour({{ from_epoch_ms('ts') }}) as event_hour
from {{ relation }} where _ingested_at > {{ lake_watermark() }}
{%- endmacro %}
