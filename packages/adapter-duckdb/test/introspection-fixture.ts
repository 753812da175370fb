/**
 * The project the introspection parity table (introspection-parity.test.ts) renders its cases
 * in, shared with scripts/record-jinja-parity.ts (real dbt): a DuckDB file named demo and a
 * model `a` that is built first, so templates have a relation to find.
 */
export const INTRO_PROJECT_FILE = "name: demo\nprofile: demo\nversion: '1.0'\nconfig-version: 2\n";
export const INTRO_PROFILES = "demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: 'demo.duckdb'\n      schema: main\n      threads: 1\n";
export const INTRO_FILES: Record<string, string> = {
  'models/a.sql': 'select 1 as id, \'x\' as label\n',
};
