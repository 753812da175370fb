import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n      schema: main\n      threads: 1\n';

/**
 * What dbt's parse lets by and reports only when the node compiles: a call of a macro that is not
 * defined (dbt's parse captures calls of undefined names), a generic test no macro defines. Exit
 * codes recorded from dbt 1.11.16 (dbt-duckdb 1.11.1) on the same files, 6 Dec 2026: such a node
 * fails when a command runs or compiles it, and every other command and selection goes on.
 */
describe('errors of one node that dbt reports when it compiles, not at parse', () => {
  it('an undefined macro fails its model when run or compiled, and nothing else', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/a.sql': 'select 1 as id\n',
      // The ref after the failing call is still read, as dbt's parse reads it: c depends on b.
      'models/b.sql': "select {{ nope() }} as id from {{ ref('a') }}\n",
      'models/c.sql': "select * from {{ ref('b') }}\n",
    });
    const code = async (...argv: string[]) => {
      const r = await sm(...argv, '--project-dir', dir);
      return { code: r.code, text: r.out + r.err };
    };
    // dbt: parse 0, ls 0, run -s a 0, compile -s a 0, show -s a 0; compile 2, show -s b 2; run 1, build 1, run -s b 1.
    for (const argv of [['parse'], ['ls'], ['run', '-s', 'a'], ['compile', '-s', 'a'], ['show', '-s', 'a']]) expect((await code(...argv)).code, argv.join(' ')).toBe(0);
    const compiled = await code('compile');
    expect(compiled.code).toBe(2);
    expect(compiled.text).toMatch(/models\/b\.sql:1:\d+.*'nope' is undefined/);
    expect((await code('show', '-s', 'b')).code).toBe(2);
    const run = await code('run');
    expect(run.code).toBe(1);
    expect(run.text).toMatch(/Error in model b[\s\S]*models\/b\.sql:1:\d+: Template error: 'nope' is undefined/);
    const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
    expect(Object.fromEntries(results.results.map((r) => [r.unique_id, r.status]))).toEqual({ 'model.demo.a': 'success', 'model.demo.b': 'error', 'model.demo.c': 'skipped' });
    expect((await code('build')).code).toBe(1);
    expect((await code('run', '-s', 'b')).code).toBe(1);
    // ls lists the graph as parse read it: c after b.
    expect((await code('ls', '-s', 'b+', '--output', 'name')).text.trim().split('\n')).toEqual(['b', 'c']);
  });

  it('an unknown generic test fails that test in test and build; run, ls and parse go on', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/a.sql': 'select 1 as id\n',
      'models/s.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [not_a_real_test, not_null]\n',
    });
    const code = async (...argv: string[]) => {
      const r = await sm(...argv, '--project-dir', dir);
      return { code: r.code, text: r.out + r.err };
    };
    // dbt: parse 0, ls 0, run 0; compile 2 (the test is selected with its model); test 1, build 1.
    // show -s a 2 (re-recorded 7 Dec 2026 after parse, ls, run: show runs the tests selected with
    // its node, "Compilation Error in test not_a_real_test_a_id (models/s.yml) 'test_not_a_real_test' is undefined").
    for (const argv of [['parse'], ['ls'], ['run']]) expect((await code(...argv)).code, argv.join(' ')).toBe(0);
    const shown = await code('show', '-s', 'a');
    expect(shown.code).toBe(2);
    expect(shown.text).toContain('not_a_real_test');
    expect((await code('compile')).code).toBe(2);
    expect((await code('compile', '-s', 'a')).code).toBe(2);
    const built = await code('build');
    expect(built.code).toBe(1);
    expect(built.text).toMatch(/models\/s\.yml:6:\d+: Unknown test "not_a_real_test" on a/);
    const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
    const statuses = Object.fromEntries(results.results.map((r) => [r.unique_id.split('.').slice(0, 3).join('.'), r.status]));
    expect(statuses).toEqual({ 'model.demo.a': 'success', 'test.demo.not_a_real_test_a_id': 'error', 'test.demo.not_null_a_id': 'pass' });
    expect((await code('test')).code).toBe(1);
  });

  // fivetran/dbt_stripe with a fivetran_utils that lacks union_connections: its disabled credit-note models stopped sm's parse (exit 2).
  it('a macro a package lacks, called by a model its own config() disables, is no error; enabled, it fails that model', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/fine.sql': 'select 1 as ok\n',
      'models/off.sql': "{{ config(enabled=var('turn_on', false)) }} select {{ demo.nope(a=1) }} as x\n",
    });
    // dbt 1.11.16, 7 Dec 2026: run 0 (1 model found, fine OK); with --vars '{turn_on: true}' run 1 (fine OK, off ERROR: 'demo' is undefined).
    const r = await sm('run', '--project-dir', dir);
    expect(r.code, r.out + r.err).toBe(0);
    const on = await sm('run', '--project-dir', dir, '--vars', '{turn_on: true}');
    expect(on.code, on.out + on.err).toBe(1);
    expect(on.out).toMatch(/Error in model off[\s\S]*'demo' is undefined/);
  });

  it('a var with no value stops compile and show only when they select its node', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id\n', 'models/b.sql': "select {{ var('nov') }} as id\n" });
    const code = async (...argv: string[]) => (await sm(...argv, '--project-dir', dir)).code;
    // dbt 1.11.16: compile -s a 0, show -s a 0, parse 0, run -s a 0; show -s b 2, compile 2; run 1.
    expect([await code('compile', '-s', 'a'), await code('show', '-s', 'a'), await code('parse'), await code('run', '-s', 'a')]).toEqual([0, 0, 0, 0]);
    expect([await code('show', '-s', 'b'), await code('compile'), await code('run')]).toEqual([2, 2, 1]);
  });
});
