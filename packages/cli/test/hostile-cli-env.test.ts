/**
 * What a user or an Airflow task types, and the environment it runs in, where sm answered
 * otherwise than dbt 1.11.16 + dbt-duckdb 1.11.1 (found by bench/src/cli-fuzz.ts; each dbt
 * answer below recorded from its real command line).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm, withEnv } from './run-cli.ts';

const files = {
  'profiles.yml': 'fz:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/fz.duckdb\n      threads: 1\n',
  'dbt_project.yml': 'name: fz\nprofile: fz\n',
  'macros/hello.sql': "{% macro hello(name) %}{{ log('hi ' ~ name, info=True) }}{% endmacro %}",
  'models/a.sql': 'select 1 as id',
};

describe('hostile command lines and environments', () => {
  // dbt 1.11.16: `dbt` alone prints its help and exits 2; `dbt --help` exits 0.
  it('no command at all is a usage error (exit 2) after the help; --help is exit 0', async () => {
    const none = await sm();
    expect(none.code).toBe(2);
    expect(none.out + none.err).toContain('Usage: sm');
    expect((await sm('--help')).code).toBe(0);
  });

  // dbt 1.11.16 (recorded 7 Dec 2026): `dbt help` and `dbt help run` exit 2 on stderr "Error: No such
  // command 'help'."; `dbt nosuchcommand` exits 2 likewise; `dbt run --help` exits 0. sm had
  // commander's `help [command]` (exit 0).
  it('help is not a command (exit 2), as in dbt; --help after a command is exit 0', async () => {
    for (const argv of [['help'], ['help', 'run'], ['nosuchcommand']]) {
      const r = await sm(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain(`unknown command '${argv[0]}'`);
    }
    expect((await sm('run', '--help')).code).toBe(0);
  });

  // dbt 1.11.16: `DBT_FAIL_FAST=maybe dbt run` exits 2: "Invalid value for '--fail-fast' / '-x': 'maybe' is
  // not a valid boolean. Recognized values: , 0, 1, f, false, n, no, off, on, t, true, y, yes";
  // DBT_FULL_REFRESH=maybe likewise on `dbt run` (run has --full-refresh; ls has not, and lists);
  // `DBT_LOG_LEVEL=loud dbt run` exits 2: "'loud' is not one of 'debug', 'info', 'warn', 'error', 'none'".
  // sm ran all three (exit 0), reading the bad boolean as off.
  it('a DBT_* variable holding a value dbt refuses is exit 2 naming it, before anything runs', async () => {
    const dir = writeProject(files);
    for (const [name, value] of [['DBT_FAIL_FAST', 'maybe'], ['DBT_FULL_REFRESH', 'maybe'], ['DBT_LOG_LEVEL', 'loud'], ['DBT_QUIET', 'sometimes']] as const) {
      const r = await withEnv({ [name]: value }, () => sm('run', '--project-dir', dir));
      expect(r.code, `${name}=${value}: ${r.out}${r.err}`).toBe(2);
      expect(r.err).toContain(`${name} must be`);
      expect(r.err).toContain(`"${value}"`);
      expect(existsSync(join(dir, 'target', 'run_results.json')), name).toBe(false);
    }
    const ls = await withEnv({ DBT_FULL_REFRESH: 'maybe' }, () => sm('ls', '--project-dir', dir));
    expect(ls.code, ls.err).toBe(0);
  });

  // click's booleans (so dbt's) read `on` and `off` too: `DBT_QUIET=on dbt run` prints nothing but errors.
  it('DBT_QUIET=on is quiet, as in dbt; an empty value counts as unset', async () => {
    const dir = writeProject(files);
    const quiet = await withEnv({ DBT_QUIET: 'On' }, () => sm('run', '--project-dir', dir));
    expect(quiet.code, quiet.err).toBe(0);
    expect(quiet.out).toBe('');
    const empty = await withEnv({ DBT_QUIET: '', DBT_FAIL_FAST: ' ' }, () => sm('run', '--project-dir', dir));
    expect(empty.code, empty.err).toBe(0);
    expect(empty.out).toContain('a');
  });

  // dbt 1.11.16 takes its global flags on every command: `dbt clean --profiles-dir . --target dev
  // --vars '{a: 1}' --state .` exits 0, as do deps, parse, debug and run-operation with them (an
  // orchestrator appends them to each command). sm's clean said "unknown option '--profiles-dir'",
  // deps "unknown option '--profile'", parse/debug/run-operation "unknown option '--state'" (exit 2).
  it("dbt's global flags are accepted on clean, deps, parse, debug and run-operation", async () => {
    const dir = writeProject(files);
    const globals = ['--profiles-dir', dir, '--target', 'dev', '--profile', 'fz', '--vars', '{a: 1}', '--state', dir, '--defer-state', dir, '-x', '--indirect-selection', 'cautious', '--log-format', 'text'];
    for (const cmd of [['parse'], ['deps'], ['debug'], ['run-operation', 'hello', '--args', '{name: x}'], ['clean']]) {
      const r = await sm(...cmd, '--project-dir', dir, ...globals);
      expect(r.code, `${cmd.join(' ')}: ${r.out}${r.err}`).toBe(0);
    }
    const bad = await sm('clean', '--project-dir', dir, '--indirect-selection', 'sometimes');
    expect(bad.code).toBe(2);
  });

  // dbt 1.11.16: with no clean-targets, `dbt clean --target-path alt` (or DBT_TARGET_PATH=alt) cleans alt/.
  it('clean without clean-targets cleans the target path --target-path or DBT_TARGET_PATH names', async () => {
    const dir = writeProject(files);
    mkdirSync(join(dir, 'alt'));
    mkdirSync(join(dir, 'target'));
    expect((await sm('clean', '--project-dir', dir, '--target-path', 'alt')).code).toBe(0);
    expect([existsSync(join(dir, 'alt')), existsSync(join(dir, 'target'))]).toEqual([false, true]);
    mkdirSync(join(dir, 'alt2'));
    expect((await withEnv({ DBT_TARGET_PATH: 'alt2' }, () => sm('clean', '--project-dir', dir))).code).toBe(0);
    expect([existsSync(join(dir, 'alt2')), existsSync(join(dir, 'target'))]).toEqual([false, true]);
  });
});
