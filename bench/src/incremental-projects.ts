/**
 * The two small Streamify-shaped projects of the incremental bench (bench/src/incremental.ts),
 * shared with its profiler (bench/src/incremental-profile.ts).
 */
const PROFILE = 'bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/bench.duckdb\n      schema: main\n      threads: 2\n';
export const COMMON: Record<string, string> = {
  'sm_project.yml': 'name: bench\nprofile: bench\nvars:\n  lookback_hours: 3\n',
  'profiles.yml': PROFILE,
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: listen_events\n',
  'models/listens_lake.sql': `{{ config(materialized='external', partition_by=['day', 'hour'], incremental_strategy='insert_overwrite') }}
select strftime(ts, '%Y-%m-%d') as day, hour(ts) as hour, listen_key, user_id, song, artist, level, ts from {{ ref('fact_listens') }}
{% if is_incremental() %}where ts >= date_trunc('hour', (select max(ts) from {{ ref('fact_listens') }}) - interval {{ var('lookback_hours') }} hour){% endif %}`,
};
const DEDUPE = 'qualify row_number() over (partition by session_id, item_in_session, ts order by _ingested_at, _file, _offset) = 1';
const COLUMNS = 'session_id, item_in_session, user_id, level, song, artist, city, state, ts';
const KEY = "md5(session_id::varchar || '-' || item_in_session::varchar || '-' || ts::varchar) as listen_key";

/**
 * The merge reads only the table's rows of the lookback window (plus an hour's margin) for their
 * keys, as dbt's incremental_predicates do: every key holds its ts, so a key of the new rows
 * cannot match an older row, and without it the merge reads every key of the month.
 */
const PREDICATE = `"sm_dest.ts > (select max(ts) from " ~ this ~ ") - interval " ~ (var('lookback_hours') + 1) ~ " hour"`;

/**
 * Two shapes of the same fact. `staging-view`: the fact filters a deduplicating staging view
 * with a subquery, which DuckDB cannot push below the window, so every run deduplicates the
 * whole history. `source-filter`: the fact filters the raw rows first (the lookback covers
 * late events; the merge on the key absorbs replays), then deduplicates only those.
 */
export const VARIANTS: Record<string, Record<string, string>> = {
  'staging-view': {
    'models/stg_listens.sql': `select ${COLUMNS.replace(', ts', '')}, to_timestamp(ts / 1000)::timestamp as ts, ts as ts_ms\nfrom {{ source('raw', 'listen_events') }}\n${DEDUPE}`,
    'models/fact_listens.sql': `{{ config(materialized='incremental', unique_key='listen_key', incremental_strategy='merge', incremental_predicates=[${PREDICATE}]) }}
select ${KEY.replace('ts::varchar', 'ts_ms::varchar')}, * exclude (ts_ms) from {{ ref('stg_listens') }}
{% if is_incremental() %}where ts > (select max(ts) from {{ this }}) - interval {{ var('lookback_hours') }} hour{% endif %}`,
  },
  'source-filter': {
    'models/fact_listens.sql': `{{ config(materialized='incremental', unique_key='listen_key', incremental_strategy='merge', incremental_predicates=[${PREDICATE}]) }}
with fresh as (
  select * from {{ source('raw', 'listen_events') }}
  {% if is_incremental() %}where ts > (select epoch_ms(max(ts)) from {{ this }}) - {{ var('lookback_hours') }} * 3600000{% endif %}
)
select ${KEY}, ${COLUMNS.replace(', ts', '')}, to_timestamp(ts / 1000)::timestamp as ts from fresh
${DEDUPE}`,
  },
};

