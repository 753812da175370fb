{#- dbt's is_incremental(): whether the model renders to run incrementally (its table exists,
    it is materialized incremental, no --full-refresh). sm decides that before the render and
    the built-in answers it; as a macro of this package it is also `dbt.is_incremental()` (which
    packages that override is_incremental call), and a model calling it depends on
    macro.dbt.is_incremental, as in dbt. -#}
{% macro is_incremental() -%}
  {{ return(builtins.is_incremental()) }}
{%- endmacro %}
