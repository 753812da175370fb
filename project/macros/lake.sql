{#- The silver and gold lake layers (models/lake/) are Parquet folders that an incremental run
    rewrites only where new events landed. Each row carries the newest `_ingested_at` behind
    it; a run rebuilds the partitions of the rows landed after the newest one already in
    {{ this }}, so a new hour writes only its own partitions and a late event rewrites its own. -#}

{#- Each lake model's watermark, kept beside it on DuckDB. Reading max(_ingested_at) from the
    files opens every Parquet file of the folder (~0.2 ms each: 1,252 files for a month of
    silver_listen_events, where the hour's own work is ~10 ms), so each lake model keeps a
    one-row table `<model>_watermark` beside its view: `landed`, set by a pre-hook before the
    model reads (silver: the newest _ingested_at of its raw table; gold: its silver model's
    `modeled`), and `modeled`, which the post-hook sets to `landed` once the new files are in
    place. Every raw row landed up to `modeled` is in the files: the rows of the hours the run
    read again are, and a row of another hour landed after the previous `modeled` would have put
    its hour among them. `modeled` can be later than the newest _ingested_at in the files (a
    replayed copy that silver drops): the rows after it are the same, only such a copy's hour is
    no longer read again for nothing. A failed run leaves `modeled` as it was (its hours are read
    again next time), a full build sets it, and a missing value (the first run after the table
    appeared or was emptied) means 1900-01-01: every hour read again, as slow as a full build,
    never wrong. It assumes what the watermark in the files assumed before it: a row landed later
    carries a later _ingested_at. After changing the files by hand, run --full-refresh. Elsewhere
    (Snowflake: lake layers as tables, never incremental) it is the newest _ingested_at in {{ this }}. -#}
{% macro lake_watermark_relation(relation=none) -%}
{%- set r = relation if relation is not none else this -%}
{{ r.incorporate(path={'identifier': r.identifier ~ '_watermark'}) }}
{%- endmacro %}

{#- The watermark: a scalar subquery, 1900-01-01 when there is none yet. -#}
{% macro lake_watermark() -%}
{%- if target.type == 'duckdb' -%}
(select coalesce(max(modeled), cast('1900-01-01' as timestamp)) from {{ lake_watermark_relation() }})
{%- else -%}
(select coalesce(max(_ingested_at), cast('1900-01-01' as timestamp)) from {{ this }})
{%- endif -%}
{%- endmacro %}

{#- The hooks of a lake model, each empty (no hook) off DuckDB. Pre-hooks: the table (one row)
    when it is missing, then `landed` from `raw` (a silver model's raw table) or from `silver`
    (a gold model's silver model, whose table is made here too if that model has never run with
    it: then nothing counts as modeled). Post-hook: `modeled`. -#}
{% macro lake_watermark_table(relation=none) -%}
{%- if target.type == 'duckdb' -%}
create table if not exists {{ lake_watermark_relation(relation) }} as select cast(null as timestamp) as landed, cast(null as timestamp) as modeled
{%- endif -%}
{%- endmacro %}

{% macro lake_watermark_landed(raw=none, silver=none) -%}
{%- if target.type == 'duckdb' -%}
update {{ lake_watermark_relation() }} set landed = (
{%- if raw is not none -%}
select max(_ingested_at) from {{ raw }}
{%- else -%}
select max(modeled) from {{ lake_watermark_relation(silver) }}
{%- endif -%}
)
{%- endif -%}
{%- endmacro %}

{% macro lake_watermark_modeled() -%}
{%- if target.type == 'duckdb' -%}
update {{ lake_watermark_relation() }} set modeled = landed
{%- endif -%}
{%- endmacro %}

{#- Event hours (ts // 3600000, column hour_number) of the raw rows of `relation` landed after
    the watermark: what the staging macros' `hours` filter takes. -#}
{% macro new_raw_hours(relation) -%}
select distinct ts // 3600000 as hour_number from {{ relation }} where _ingested_at > {{ lake_watermark() }}
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

{#- The filter that keeps a gold model's read of its silver view to the partitions of
    `new_raw_partitions(relation)`: by day, or by day and hour with `hourly=true`. When nothing new
    has landed the list holds one partition that cannot exist (year 1) instead of none, for
    DuckDB's sake: a semi join with an empty list prunes no file, so the scan opened every file of
    the month (gold_level_changes_daily 0.11 s against 0.02 s), while a list's values, one or
    more, let it skip the files of other partitions unopened. -#}
{% macro in_new_partitions(relation, hourly=false) -%}
{%- set columns = '(event_date, event_hour)' if hourly else 'event_date' -%}
{%- set none_landed = "date '0001-01-01', 0" if hourly else "date '0001-01-01'" -%}
{{ columns }} in (
        select {{ 'event_date, event_hour' if hourly else 'event_date' }} from ({{ new_raw_partitions(relation) }}) as changed
        union all
        select {{ none_landed }} from (select 1) as one where not exists ({{ new_raw_partitions(relation) }})
    )
{%- endmacro %}
