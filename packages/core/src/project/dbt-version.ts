/**
 * The dbt-core version whose behaviour sm follows, recorded against dbt-core 1.11.16 +
 * dbt-duckdb 1.11.1. `require-dbt-version` of projects and hub packages is checked against it,
 * and hub versions are chosen among those that accept it, as dbt does with its own version.
 */
export const DBT_COMPAT_VERSION = '1.11.16';
