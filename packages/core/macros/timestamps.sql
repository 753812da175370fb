{#- The warehouse's clock. Snowflake's is converted to UTC, as dbt-snowflake does. -#}
{% macro current_timestamp() %}{{ return(adapter.dispatch('current_timestamp', 'dbt')()) }}{% endmacro %}
{% macro default__current_timestamp() %}current_timestamp{% endmacro %}
{% macro duckdb__current_timestamp() %}now(){% endmacro %}
{% macro snowflake__current_timestamp() %}convert_timezone('UTC', current_timestamp()){% endmacro %}

{#- The spellings older packages call: a timestamp without time zone. -#}
{% macro current_timestamp_backcompat() %}{{ return(adapter.dispatch('current_timestamp_backcompat', 'dbt')()) }}{% endmacro %}
{#- A newline either side, as dbt's output has (compiled SQL reads as dbt's once whitespace runs are one space). -#}
{% macro default__current_timestamp_backcompat() %}
    current_timestamp::timestamp
{% endmacro %}

{% macro current_timestamp_in_utc_backcompat() %}{{ return(adapter.dispatch('current_timestamp_in_utc_backcompat', 'dbt')()) }}{% endmacro %}
{% macro default__current_timestamp_in_utc_backcompat() %}
    current_timestamp::timestamp
{% endmacro %}
{#- dbt-snowflake's, byte for byte. -#}
{% macro snowflake__current_timestamp_backcompat() %}
  current_timestamp::{{ dbt.type_timestamp() }}
{% endmacro %}
{% macro snowflake__current_timestamp_in_utc_backcompat() %}
  convert_timezone('UTC', {{ snowflake__current_timestamp_backcompat() }})::{{ dbt.type_timestamp() }}
{% endmacro %}

{#- The time snapshots stamp rows with. -#}
{% macro snapshot_get_time() %}{{ return(adapter.dispatch('snapshot_get_time', 'dbt')()) }}{% endmacro %}
{% macro default__snapshot_get_time() %}{{ dbt.current_timestamp() }}{% endmacro %}
{% macro duckdb__snapshot_get_time() %}now()::timestamp{% endmacro %}
{% macro snowflake__snapshot_get_time() %}to_timestamp_ntz(convert_timezone('UTC', current_timestamp())){% endmacro %}

{# Snapshot helpers' "true" (dbt's get_true_sql): TRUE everywhere dbt ships. #}
{% macro get_true_sql() %}{{ return(adapter.dispatch('get_true_sql', 'dbt')()) }}{% endmacro %}
{% macro default__get_true_sql() %}{{ return('TRUE') }}{% endmacro %}
