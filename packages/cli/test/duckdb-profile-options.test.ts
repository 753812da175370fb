import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

/**
 * A dbt-duckdb profile's `settings:`, `config_options:` and `attach:`, as dbt-duckdb 1.11.1 reads
 * them: settings SET on each connection once the file is open (sm passed them at open, where
 * DuckDB refuses `TimeZone` before its icu extension is loaded: every command exit 2),
 * config_options at open (sm ignored them), attach entries ATTACHed (sm ignored them, so a
 * model reading `other.main.t` failed on a missing catalog). Recorded with dbt 1.11.16 (7 Dec
 * 2026, `dbt show --inline "select current_setting('TimeZone') ..."` and `dbt run-operation`):
 * TimeZone Asia/Kolkata and memory_limit 953.6 MiB applied; an attach entry counted in
 * duckdb_databases(); `nope: 1` under settings exit 2 ("unrecognized configuration parameter
 * "nope""); `access_mode` under settings exit 2 ("must be set when opening"); an entry without
 * `path` exit 2; a TIMESTAMPTZ from run_query printed in the session's zone, nested ones too.
 */
const MACROS = `
{% macro tz() %}
{% set r = run_query("select timestamptz '2024-05-06 07:08:09.5+00' a, timestamptz '2024-01-06 07:08:09+00' w, [timestamptz '2024-05-06 07:08:09+00'] l, current_setting('TimeZone') z, current_setting('memory_limit') m, current_setting('threads') t") %}
{% for c in r.columns %}{% do print(c.name ~ ' ' ~ c.values()[0]) %}{% endfor %}
{% endmacro %}
{% macro fill_other() %}{% do run_query("create or replace table other.main.t as select 42 as x") %}{% endmacro %}
`;

const profile = (extra: string) =>
  `demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/d.duckdb\n      schema: main\n      threads: 1\n${extra}`;

function project(extra: string, files: Record<string, string> = {}): string {
  return writeProject({ 'dbt_project.yml': "name: demo\nprofile: demo\nversion: '1.0'\n", 'profiles.yml': profile(extra), 'macros/m.sql': MACROS, ...files });
}

describe("a dbt-duckdb profile's settings, config_options and attach", () => {
  it('applies settings an extension owns, and run_query gives TIMESTAMPTZ in that zone', async () => {
    const dir = project('      settings:\n        TimeZone: Asia/Kolkata\n        memory_limit: 1GB\n      config_options:\n        threads: 1\n');
    const r = await sm('run-operation', 'tz', '--project-dir', dir);
    expect([r.err, r.code]).toEqual(['', 0]);
    expect(r.out.split('\n')).toEqual([
      'a 2024-05-06 12:38:09.500000+05:30',
      'w 2024-01-06 12:38:09+05:30',
      'l ["2024-05-06T12:38:09+05:30"]',
      'z Asia/Kolkata',
      'm 953.6 MiB',
      't 1',
    ]);
  });

  it('attaches the databases under attach:, read from the project directory', async () => {
    const dir = project('      attach:\n        - path: target/other.duckdb\n          alias: other\n', { 'models/m.sql': 'select x from other.main.t' });
    expect((await sm('run-operation', 'fill_other', '--project-dir', dir)).code).toBe(0);
    expect(existsSync(join(dir, 'target', 'other.duckdb'))).toBe(true);
    const r = await sm('show', '-s', 'm', '--project-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| 42 \|/);
  });

  it.each([
    ['an unknown setting', '      settings:\n        nope: 1\n', /`nope` under `settings:`.*unrecognized configuration parameter "nope"/],
    ['a setting DuckDB takes only at open', '      settings:\n        access_mode: READ_ONLY\n', /`access_mode` under `settings:`[\s\S]*config_options/],
    ['an attach entry without a path', '      attach:\n        - alias: x\n', /Entry 1 of `attach:` of target "dev" in profiles\.yml has no `path:`/],
    ['an attach of a file that cannot be opened', '      attach:\n        - path: /nonexistent/dir/x.duckdb\n          read_only: true\n', /cannot attach entry 1 of `attach:` \(\/nonexistent\/dir\/x\.duckdb\)/],
  ])('%s: exit 2 naming it', async (_name, extra, message) => {
    const r = await sm('run', '--project-dir', project(extra));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
