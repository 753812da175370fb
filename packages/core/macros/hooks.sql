{#- A hook as config holds it: its SQL and whether it runs inside the model's transaction. -#}
{% macro make_hook_config(sql, inside_transaction) %}
  {{ return({'sql': sql, 'transaction': inside_transaction}) }}
{% endmacro %}

{#- Run before the transaction opens (a pre_hook) or after it commits (a post_hook). -#}
{% macro before_begin(sql) %}{{ return(make_hook_config(sql, inside_transaction=False)) }}{% endmacro %}

{% macro after_commit(sql) %}{{ return(make_hook_config(sql, inside_transaction=False)) }}{% endmacro %}

{#- Inside the model's transaction: what a hook written as a string does. -#}
{% macro in_transaction(sql) %}{{ return(make_hook_config(sql, inside_transaction=True)) }}{% endmacro %}

{#- dbt-duckdb's: in a run of part of a project, register the external models upstream of the
    selection as views so the selection can read them. sm keeps every external model a view over
    its files, so there is nothing to register: the hook renders to nothing. -#}
{% macro register_upstream_external_models() %}{% endmacro %}
