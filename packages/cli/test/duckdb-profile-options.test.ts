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

describe("a dbt-duckdb profile's settings, config_options, attach, secrets and extensions", () => {
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

  // dbt 1.11.16 (recorded): `secrets: [{type: http, bearer_token: abc}, {type: http, name: mine,
  // scope: 'http://a', extra_http_headers: {X-A: '1'}}]` -> duckdb_secrets() names _dbt_secret_1
  // and mine, scope [] and ["http://a"]; sm ignored `secrets:`.
  it('creates the secrets under secrets:, named as dbt-duckdb names them, their values kept out of the output', async () => {
    const dir = project(
      "      secrets:\n        - type: http\n          bearer_token: sm-test-token-123\n        - type: http\n          name: mine\n          scope: ['http://a', 'http://b']\n          extra_http_headers:\n            X-A: '1'\n      extensions:\n        - parquet\n",
    );
    const r = await sm('show', '--inline', "select name, type, array_to_string(scope, ' ') as scope from duckdb_secrets() order by name", '--output', 'json', '--project-dir', dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.slice(r.out.indexOf('{')))).toEqual({
      show: [
        { name: '_dbt_secret_1', type: 'http', scope: '' },
        { name: 'mine', type: 'http', scope: 'http://a http://b' },
      ],
    });
    expect(r.out + r.err).not.toContain('sm-test-token-123');
  });

  // dbt 1.11.16 (recorded, `dbt parse`): `path: target/d.duckdb` with `database: foo` exit 2, "Inconsistency
  // detected between 'path' and 'database' fields in profile; the 'database' property must be set to
  // 'd' to match the 'path'"; `database: d` parses. sm parsed it and failed every model at run
  // ("Catalog "foo" does not exist").
  it('refuses a database that is not the one DuckDB names the file, at parse, as dbt-duckdb', async () => {
    const bad = await sm('parse', '--project-dir', project('      database: foo\n'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Target "dev" in profiles\.yml has `database: foo`, but DuckDB names its file `target\/d\.duckdb` "d"[\s\S]*Set `database: d`/);
    expect((await sm('parse', '--project-dir', project('      database: d\n'))).code).toBe(0);
  });

  it.each([
    ['a secret without a type', '      secrets:\n        - name: x\n', /Entry 1 of `secrets:` of target "dev" in profiles\.yml has no `type:`/],
    ['a secret DuckDB refuses', '      secrets:\n        - type: http\n          no_such_key: hidden-value-987\n', /cannot create secret 1 of `secrets:` \(type http\)/],
    ['an extension that cannot be installed', '      extensions:\n        - name: sm_no_such_extension\n          repo: core\n', /extension "sm_no_such_extension", which DuckDB could not load/],
    ['an unknown setting', '      settings:\n        nope: 1\n', /`nope` under `settings:`.*unrecognized configuration parameter "nope"/],
    ['a setting DuckDB takes only at open', '      settings:\n        access_mode: READ_ONLY\n', /`access_mode` under `settings:`[\s\S]*config_options/],
    ['an attach entry without a path', '      attach:\n        - alias: x\n', /Entry 1 of `attach:` of target "dev" in profiles\.yml has no `path:`/],
    ['an attach of a file that cannot be opened', '      attach:\n        - path: /nonexistent/dir/x.duckdb\n          read_only: true\n', /cannot attach entry 1 of `attach:` \(\/nonexistent\/dir\/x\.duckdb\)/],
  ])('%s: exit 2 naming it', async (_name, extra, message) => {
    const r = await sm('run', '--project-dir', project(extra));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toContain('hidden-value-987');
  });
});
