/**
 * A root project `demo` with an installed package `util`, for the macro namespace parity test
 * (macro-namespaces.test.ts): each model calls macros the way dbt resolves them. Shared by the
 * test (sm) and scripts/record-jinja-parity.ts (real dbt).
 */
export const NAMESPACE_FILES: Record<string, string> = {
  'dbt_project.yml': `name: demo
profile: demo
version: '1.0'
config-version: 2
dispatch:
  - macro_namespace: util_configured
    search_order: ['util', 'demo']
`,
  'profiles.yml': "demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: 'demo.duckdb'\n      schema: main\n      threads: 1\n",
  'macros/root.sql': `{% macro shared() %}root shared{% endmacro %}
{% macro root_only() %}root only{% endmacro %}
{% macro default__disp(x) %}root default {{ x }}{% endmacro %}
{% macro default__type_string() %}ROOT_TEXT{% endmacro %}
{% macro current_timestamp() %}ROOT_NOW{% endmacro %}
`,
  'models/root_qualified.sql': "select '{{ util.helper() }}' as a, '{{ demo.shared() }}' as b, '{{ util.shared() }}' as c",
  'models/root_unqualified.sql': "select '{{ shared() }}' as a, '{{ root_only() }}' as b",
  'models/root_calls_package_macro.sql': "select '{{ util.calls_shared() }}' as a",
  'models/root_dispatch.sql': "select '{{ util.disp('r') }}' as a, '{{ util.disp_configured('c') }}' as b, '{{ adapter.dispatch('disp', 'nowhere')('n') }}' as d",
  'models/root_builtin_override.sql': "select {{ dbt.type_string() }} as a, {{ type_string() }} as b, {{ current_timestamp() }} as c, {{ dbt.current_timestamp() }} as d",
  'models/root_package_missing_macro.sql': "select '{{ helper() }}' as a",
  'dbt_packages/util/dbt_project.yml': "name: util\nversion: '1.0'\nconfig-version: 2\n",
  'dbt_packages/util/macros/util.sql': `{% macro helper() %}util helper{% endmacro %}
{% macro shared() %}util shared{% endmacro %}
{% macro calls_shared() %}[{{ shared() }}|{{ root_only() }}]{% endmacro %}
{% macro disp(x) %}{{ return(adapter.dispatch('disp', 'util')(x)) }}{% endmacro %}
{% macro disp_configured(x) %}{{ return(adapter.dispatch('disp', 'util_configured')(x)) }}{% endmacro %}
{% macro default__disp(x) %}util default {{ x }}{% endmacro %}
{% macro duckdb__disp(x) %}util duckdb {{ x }}{% endmacro %}
`,
  'dbt_packages/util/models/pkg_unqualified.sql': "select '{{ helper() }}' as a, '{{ shared() }}' as b, '{{ root_only() }}' as c, '{{ calls_shared() }}' as d, '{{ demo.shared() }}' as e, '{{ disp('p') }}' as f",
};
