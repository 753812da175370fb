import { SmProjectError, type TargetConfig } from '@smsql/core';

/**
 * The database dbt-duckdb names a DuckDB target's file: the profile's `database` when given, else
 * the file's name without extension (sm's target/<target name>.duckdb without a path), `memory`
 * in memory, the MotherDuck database of an `md:` path. dbt-duckdb's credentials fill it in when the profile is read, so `{{ target.database }}`
 * is it everywhere, schema YAML, descriptions and dbt_project.yml included.
 */
export function duckDbDatabaseName(target: TargetConfig): string {
  if (typeof target.database === 'string' && target.database) return target.database;
  // Without a path sm opens target/<target name>.duckdb (resolveDuckDbPath; dbt-duckdb: in memory), which DuckDB names after the file: relations print with it.
  const path = typeof target.path === 'string' ? target.path : `${target.name}.duckdb`;
  if (path === '' || path === ':memory:') return 'memory';
  if (/^(md|motherduck):/.test(path)) return path.replace(/^(md|motherduck):/, '').split('?')[0] || 'my_db';
  const base = path.split(/[\\/]/).pop()!;
  return base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
}

/**
 * The target as templates read it while the project loads (AdapterFactory.templateTarget):
 * `database` as dbt-duckdb's credentials complete it. This module loads nothing else, so the
 * CLI can hand it to the loader without loading the adapter.
 */
export function duckDbTemplateTarget(target: TargetConfig): TargetConfig {
  const named = typeof target.database === 'string' && target.database ? target.database : undefined;
  const fromPath = duckDbDatabaseName({ ...target, database: undefined });
  // As dbt-duckdb's credentials: a `database` other than the one DuckDB names the file is refused
  // (DuckDB would not find it: every relation printed with it fails). MotherDuck names its own.
  if (named !== undefined && named !== fromPath && !/^(md|motherduck):/.test(String(target.path ?? ''))) {
    throw new SmProjectError([
      {
        code: 'SM_PROFILE_INVALID',
        severity: 'error',
        message: `Target "${target.name}" in profiles.yml has \`database: ${named}\`, but DuckDB names its file ${typeof target.path === 'string' ? `\`${target.path}\`` : `(sm's default target/${target.name}.duckdb)`} "${fromPath}"`,
        hint: `Set \`database: ${fromPath}\` to match \`path:\`, or remove \`database:\` (it is the file's name without extension), as dbt-duckdb requires.`,
      },
    ]);
  }
  return { ...target, database: named ?? fromPath };
}
