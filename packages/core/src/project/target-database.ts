import type { TargetConfig } from '../adapter.ts';

/**
 * The database dbt-duckdb names a DuckDB target's file: the profile's `database` when given, else
 * the file's name without extension, `memory` in memory, the MotherDuck database of an `md:`
 * path. dbt-duckdb's credentials fill it in when the profile is read, so `{{ target.database }}`
 * is it everywhere, schema YAML and dbt_project.yml included.
 */
export function duckDbDatabaseName(target: TargetConfig): string {
  if (typeof target.database === 'string' && target.database) return target.database;
  const path = typeof target.path === 'string' ? target.path : ':memory:';
  if (path === '' || path === ':memory:') return 'memory';
  if (/^(md|motherduck):/.test(path)) return path.replace(/^(md|motherduck):/, '').split('?')[0] || 'my_db';
  const base = path.split(/[\\/]/).pop()!;
  return base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
}

/** The target as templates read it while the project loads (`target.database` as the adapter's credentials have it). */
export function templateTarget(target: TargetConfig): TargetConfig {
  return target.type === 'duckdb' ? { ...target, database: duckDbDatabaseName(target) } : target;
}
