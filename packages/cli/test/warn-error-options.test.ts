import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm, withEnv } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

// Every exit code and status below is what dbt-core 1.11.16 (dbt-duckdb 1.11.1) gave on the same
// project, 5 Dec 2026: a test that warns is a failure (status fail, "configured to fail if",
// its model's children skipped in build) under --warn-error, DBT_WARN_ERROR, or warn_error_options
// whose `error` is all or names LogTestResult, unless `warn` or `silence` names it; an empty
// selection is a compilation error (exit 2) when NoNodesForSelectionCriteria is one. Where dbt
// refuses the options it ends in a Python traceback with exit 1; sm exits 2 with a message, as
// for any usage error (the one deliberate difference, packages/cli/README.md).
const files = {
  'profiles.yml': PROFILE,
  'models/a.sql': 'select 1 as id union all select 2',
  'models/b.sql': "select * from {{ ref('a') }}",
  'models/a.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests:\n          - accepted_values:\n              arguments:\n                values: [1]\n              config:\n                severity: warn\n',
};

function statusOf(dir: string, name: string): { status: string; message: string } {
  const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message: string }[] };
  const r = rr.results.find((x) => x.unique_id.split('.')[2] === name || x.unique_id === name);
  if (!r) throw new Error(`${name} is not in run_results.json`);
  return r;
}

const TEST = 'accepted_values_a_id__1';

describe('--warn-error-options, DBT_WARN_ERROR(_OPTIONS) and the project\'s flags, as dbt 1.11', () => {
  it('a test that warns fails under error: all, a named LogTestResult, --warn-error and both variables; warn and silence keep it a warning', async () => {
    const dir = writeProject(files);
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const plain = await sm('test', '--project-dir', dir);
    expect(plain.code).toBe(0);
    expect(statusOf(dir, TEST)).toMatchObject({ status: 'warn', message: 'Got 1 result, configured to warn if != 0' });
    for (const args of [['--warn-error'], ['--warn-error-options', '{"error": "all"}'], ['--warn-error-options', '{error: "*"}'], ['--warn-error-options', '{"error": ["LogTestResult"]}']]) {
      const r = await sm('test', '--project-dir', dir, ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(statusOf(dir, TEST)).toMatchObject({ status: 'fail', message: 'Got 1 result, configured to fail if != 0' });
    }
    // Before the command, as dbt's global flags.
    expect((await sm('--warn-error-options', '{"error": "all"}', 'test', '--project-dir', dir)).code).toBe(1);
    for (const options of ['{"error": "all", "silence": ["LogTestResult"]}', '{"error": "all", "warn": ["LogTestResult"]}', '{"error": ["NoNodesForSelectionCriteria"]}', '{}']) {
      const r = await sm('test', '--project-dir', dir, '--warn-error-options', options);
      expect(r.code, options).toBe(0);
      expect(statusOf(dir, TEST).status).toBe('warn');
    }
    for (const [k, v] of [['DBT_WARN_ERROR', 'true'], ['DBT_WARN_ERROR_OPTIONS', '{"error": "all"}']] as const) {
      process.env[k] = v;
      try {
        expect((await sm('test', '--project-dir', dir)).code, k).toBe(1);
        // The command line's own flag wins over its variable; the other flag is combined with it, which dbt refuses.
        expect((await sm('test', '--project-dir', dir, '--warn-error-options', '{}')).code, k).toBe(k === 'DBT_WARN_ERROR' ? 2 : 0);
      } finally {
        delete process.env[k];
      }
    }
  });

  it("sm retry reuses the last run's warn_error_options but not its --warn-error, as dbt 1.11's retry does", async () => {
    const dir = writeProject(files);
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    expect((await sm('test', '--project-dir', dir, '--warn-error-options', '{"error": ["LogTestResult"]}')).code).toBe(1);
    const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { args: Record<string, unknown> };
    expect(rr.args.warn_error_options).toEqual({ error: ['LogTestResult'], warn: [], silence: [] });
    expect((await sm('retry', '--project-dir', dir)).code).toBe(1);
    expect(statusOf(dir, TEST).status).toBe('fail');
    // Given to retry itself, the options are ignored: the last run's stand (dbt 1.11.16, recorded:
    // `retry --warn-error-options '{"error": []}'` and DBT_WARN_ERROR_OPTIONS='{"error": []}' after
    // `build --warn-error-options '{"error": "all"}'` both exit 1).
    expect((await sm('retry', '--project-dir', dir, '--warn-error-options', '{"error": []}')).code).toBe(1);
    expect(statusOf(dir, TEST).status).toBe('fail');
    expect((await withEnv({ DBT_WARN_ERROR_OPTIONS: '{"error": []}' }, () => sm('retry', '--project-dir', dir))).code).toBe(1);
    expect(statusOf(dir, TEST).status).toBe('fail');
    // dbt records warn_error but its retry does not apply it: the test warns again, exit 0.
    expect((await sm('test', '--project-dir', dir, '--warn-error')).code).toBe(1);
    expect((await sm('retry', '--project-dir', dir)).code).toBe(0);
    expect(statusOf(dir, TEST).status).toBe('warn');
  });

  // dbt 1.11.16 (recorded 7 Dec 2026): after a run without options, `dbt retry --warn-error-options
  // '{"error": "all"}'` ignores them (the test warns, exit 0); DBT_WARN_ERROR_OPTIONS='{"error": "all"}'
  // and --warn-error make it fail (exit 1). sm let the retry's --warn-error-options win (exit 1).
  it("sm retry takes no --warn-error-options of its own, but DBT_WARN_ERROR_OPTIONS and --warn-error, as dbt's", async () => {
    const dir = writeProject(files);
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    expect((await sm('test', '--project-dir', dir, '--warn-error')).code).toBe(1);
    expect((await sm('retry', '--project-dir', dir, '--warn-error-options', '{"error": "all"}')).code).toBe(0);
    expect(statusOf(dir, TEST).status).toBe('warn');
    expect((await sm('test', '--project-dir', dir, '--warn-error')).code).toBe(1);
    expect((await withEnv({ DBT_WARN_ERROR_OPTIONS: '{"error": "all"}' }, () => sm('retry', '--project-dir', dir))).code).toBe(1);
    expect(statusOf(dir, TEST).status).toBe('fail');
    expect((await sm('retry', '--project-dir', dir, '--warn-error')).code).toBe(1);
    expect(statusOf(dir, TEST).status).toBe('fail');
  });

  it('in build, the model a failing warning tests is held back from its children, which are skipped', async () => {
    const dir = writeProject(files);
    const r = await sm('build', '--project-dir', dir, '--warn-error');
    expect(r.code).toBe(1);
    expect(statusOf(dir, TEST).status).toBe('fail');
    expect(statusOf(dir, 'model.demo.b').status).toBe('skipped');
    const plain = await sm('build', '--project-dir', dir);
    expect(plain.code).toBe(0);
    expect(statusOf(dir, 'model.demo.b').status).toBe('success');
  });

  it('with --audit, a warning that fails keeps the new build from being published: the table keeps its rows', async () => {
    const dir = writeProject({ ...files, 'models/a.sql': "{{ config(materialized='table') }} select 1 as id union all select 2" });
    expect((await sm('build', '--project-dir', dir, '--audit')).code).toBe(0);
    writeFileSync(join(dir, 'models', 'a.sql'), "{{ config(materialized='table') }} select 1 as id union all select 2 union all select 3");
    const r = await sm('build', '--project-dir', dir, '--audit', '--warn-error');
    expect(r.code).toBe(1);
    expect(r.out + r.err).toContain('Audit failed: 1 of 1 tests of a failed on the new build: accepted_values_a_id__1 (2 failing rows)');
    expect(statusOf(dir, 'model.demo.a').status).toBe('error');
    expect(statusOf(dir, 'model.demo.b').status).toBe('skipped');
    const rows = await sm('show', '--project-dir', dir, '--inline', "select count(*) as n from {{ ref('a') }}");
    expect(rows.out).toContain('| 2 |');
  });

  it('an empty selection stops the command (exit 2) when NoNodesForSelectionCriteria is an error, and not when silenced or not named', async () => {
    const dir = writeProject(files);
    for (const options of ['{"error": "all"}', '{"error": ["NoNodesForSelectionCriteria"]}']) {
      const r = await sm('run', '--project-dir', dir, '-s', 'nothing_here', '--warn-error-options', options);
      expect(r.code, options).toBe(2);
      expect(r.out + r.err).toContain("The selection criterion 'nothing_here' does not match any enabled nodes");
      expect(r.out + r.err).toContain('warn_error_options: NoNodesForSelectionCriteria');
    }
    const other = await sm('run', '--project-dir', dir, '-s', 'nothing_here', '--warn-error-options', '{"error": ["LogTestResult"]}');
    expect(other.code).toBe(0);
    expect(other.out + other.err).toContain('does not match any enabled nodes');
    // Silenced, it is not printed; but under error: all, dbt's next warning, NothingToDo, stops the command.
    const silenced = await sm('run', '--project-dir', dir, '-s', 'nothing_here', '--warn-error-options', '{"error": "all", "silence": ["NoNodesForSelectionCriteria"]}');
    expect(silenced.code).toBe(2);
    expect(silenced.out + silenced.err).not.toContain('does not match any enabled nodes');
    expect(silenced.out + silenced.err).toContain('Nothing to do. Try checking your model configs and model specification args');
    expect(silenced.out + silenced.err).toContain('warn_error_options: NothingToDo');
    const quiet = await sm('run', '--project-dir', dir, '-s', 'nothing_here', '--warn-error-options', '{"error": "all", "silence": ["NoNodesForSelectionCriteria", "NothingToDo"]}');
    expect(quiet.code).toBe(0);
    expect(quiet.out + quiet.err).not.toContain('does not match any enabled nodes');
    // dbt's compile says the same; its ls does not.
    expect((await sm('compile', '--project-dir', dir, '-s', 'nothing_here', '--warn-error-options', '{"error": ["NothingToDo"]}')).code).toBe(2);
    expect((await sm('ls', '--project-dir', dir, '-s', 'nothing_here', '--warn-error-options', '{"error": ["NothingToDo"]}')).code).toBe(0);
  });

  it('a YAML entry for a missing model is NoNodeForYamlKey', async () => {
    const dir = writeProject({ ...files, 'models/ghost.yml': 'version: 2\nmodels:\n  - name: ghost\n' });
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const r = await sm('run', '--project-dir', dir, '--warn-error-options', '{"error": ["NoNodeForYamlKey"]}');
    expect(r.code).toBe(2);
    expect(r.out + r.err).toContain('YAML documents model "ghost"');
  });

  it("the project file's flags apply unless the command line or the environment says otherwise; a bad name there is a project error with its line", async () => {
    const dir = writeProject(files);
    const project = join(dir, 'sm_project.yml');
    const base = readFileSync(project, 'utf8');
    writeFileSync(project, `${base}\nflags:\n  warn_error_options:\n    error: [LogTestResult]\n`);
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    expect((await sm('test', '--project-dir', dir)).code).toBe(1);
    expect((await sm('test', '--project-dir', dir, '--warn-error-options', '{}')).code).toBe(0);
    // dbt 1.11.16 (7 Dec 2026) takes warn_error or warn_error_options, wherever each is set: --warn-error,
    // --no-warn-error or DBT_WARN_ERROR with the file's warn_error_options exit 2 ("warn_error_options: not
    // allowed with argument warn_error"), as --warn-error-options with the file's warn_error: true.
    const both = await sm('test', '--project-dir', dir, '--warn-error');
    expect(both.code).toBe(2);
    expect(both.err).toContain('--warn-error (or DBT_WARN_ERROR) cannot be combined with the `flags: warn_error_options` of sm_project.yml');
    writeFileSync(project, `${base}\nflags:\n  warn_error: true\n`);
    expect((await sm('test', '--project-dir', dir)).code).toBe(1);
    const opts = await sm('test', '--project-dir', dir, '--warn-error-options', '{error: all}');
    expect(opts.code).toBe(2);
    expect(opts.err).toContain('--warn-error-options (or DBT_WARN_ERROR_OPTIONS) cannot be combined with the `flags: warn_error: true` of sm_project.yml');
    writeFileSync(project, `${base}\nflags:\n  warn_error_options:\n    error: [LogTestResults]\n`);
    const bad = await sm('test', '--project-dir', dir);
    expect(bad.code).toBe(2);
    expect(bad.out + bad.err).toMatch(/sm_project\.yml:\d+:\d+: flags: warn_error_options `error` lists "LogTestResults", which is not a dbt event name/);
  });

  it('options dbt refuses are usage errors (exit 2) naming what is wrong; keys dbt ignores are ignored with a warning', async () => {
    const dir = writeProject(files);
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    const cases: [string[], string][] = [
      [['--warn-error-options', '{"error": ["all"]}'], '`error` lists "all", which is not an event name: write `error: all`'],
      [['--warn-error-options', '{"error": ["NoSuchEvent"]}'], '`error` lists "NoSuchEvent", which is not a dbt event name'],
      [['--warn-error-options', '{"error": "some"}'], '`error` must be all, * or a list of event names, not "some"'],
      [['--warn-error-options', '{"error": ["LogTestResult"], "warn": ["NoNodesForSelectionCriteria"]}'], '`warn` can only be given with `error: all`'],
      [['--warn-error', '--warn-error-options', '{"error": "all"}'], 'cannot be combined with --warn-error'],
      // dbt 1.11 fires its include/exclude deprecation, which include: all makes an error (exit 2).
      [['--warn-error-options', '{"include": "all"}'], '`include` is deprecated: write `error` instead (WEOIncludeExcludeDeprecation)'],
      [['--warn-error-options', '{error: [LogTestResult'], 'must be YAML or JSON'],
    ];
    for (const [args, message] of cases) {
      const r = await sm('test', '--project-dir', dir, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out + r.err).toContain(message);
    }
    const unknown = await sm('test', '--project-dir', dir, '--warn-error-options', '{"errors": "all"}');
    expect(unknown.code).toBe(0);
    expect(unknown.out + unknown.err).toContain('--warn-error-options: ignored `errors` (dbt reads error, warn and silence)');
    // include with a list is only deprecated, as in dbt: a warning, and the list applies.
    const included = await sm('test', '--project-dir', dir, '--warn-error-options', '{"include": ["LogTestResult"]}');
    expect(included.code).toBe(1);
    expect(included.out + included.err).toContain('`include` is deprecated');
  });
});
