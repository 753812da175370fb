import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

// dbt 1.11 reads `flags:` in the project file for what a command line does not say, and
// DBT_<FLAG> variables over both but under the command line. Every outcome below is what
// dbt-core 1.11.16 (dbt-duckdb 1.11.1) gave on the same files, 5 Dec 2026.
function results(dir: string): Record<string, string> {
  const rr = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
  return Object.fromEntries(rr.results.map((r) => [r.unique_id.split('.')[2]!, r.status]));
}

function withEnv<T>(k: string, v: string, f: () => Promise<T>): Promise<T> {
  process.env[k] = v;
  return f().finally(() => delete process.env[k]);
}

describe("the project file's flags: fail_fast and indirect_selection", () => {
  it('fail_fast: true skips what had not started after the first error; --no-fail-fast and DBT_FAIL_FAST=false turn it off', async () => {
    // One thread: a1 first, then a2 fails, a3 and b1 have not started.
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a1.sql': 'select 1 as id', 'models/a2.sql': 'select * frm broken', 'models/a3.sql': 'select 3 as id', 'models/b1.sql': "select * from {{ ref('a1') }}" });
    const all = { a1: 'success', a2: 'error', a3: 'success', b1: 'success' };
    const stopped = { a1: 'success', a2: 'error', a3: 'skipped', b1: 'skipped' };
    expect((await sm('run', '--project-dir', dir)).code).toBe(1);
    expect(results(dir)).toEqual(all);
    const project = join(dir, 'sm_project.yml');
    const base = readFileSync(project, 'utf8');
    writeFileSync(project, `${base}\nflags:\n  fail_fast: true\n`);
    expect((await sm('run', '--project-dir', dir)).code).toBe(1);
    expect(results(dir)).toEqual(stopped);
    expect((await sm('run', '--project-dir', dir, '--no-fail-fast')).code).toBe(1);
    expect(results(dir)).toEqual(all);
    await withEnv('DBT_FAIL_FAST', 'false', () => sm('run', '--project-dir', dir));
    expect(results(dir)).toEqual(all);
    writeFileSync(project, base);
    await withEnv('DBT_FAIL_FAST', '1', () => sm('run', '--project-dir', dir));
    expect(results(dir)).toEqual(stopped);
    writeFileSync(project, `${base}\nflags:\n  fail_fast: yes please\n`);
    const bad = await sm('run', '--project-dir', dir);
    expect(bad.code).toBe(2);
    expect(bad.out + bad.err).toMatch(/sm_project\.yml:\d+:\d+: flags: fail_fast must be true or false, not the string "yes please"/);
  });

  it('indirect_selection: cautious leaves out a test with an unselected parent; DBT_INDIRECT_SELECTION and --indirect-selection win', async () => {
    const dir = writeProject({
      'profiles.yml': PROFILE,
      'models/a.sql': 'select 1 as id',
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/b.yml': "version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n        data_tests:\n          - not_null\n          - relationships:\n              arguments:\n                to: ref('a')\n                field: id\n",
    });
    const eager = ['not_null_b_id', 'relationships_b_id__id__ref_a_'];
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    expect((await sm('test', '--project-dir', dir, '-s', 'b')).code).toBe(0);
    expect(Object.keys(results(dir)).sort()).toEqual(eager);
    const project = join(dir, 'sm_project.yml');
    const base = readFileSync(project, 'utf8');
    writeFileSync(project, `${base}\nflags:\n  indirect_selection: cautious\n`);
    expect((await sm('test', '--project-dir', dir, '-s', 'b')).code).toBe(0);
    expect(Object.keys(results(dir))).toEqual(['not_null_b_id']);
    await withEnv('DBT_INDIRECT_SELECTION', 'eager', () => sm('test', '--project-dir', dir, '-s', 'b'));
    expect(Object.keys(results(dir)).sort()).toEqual(eager);
    expect((await sm('test', '--project-dir', dir, '-s', 'b', '--indirect-selection', 'eager')).code).toBe(0);
    expect(Object.keys(results(dir)).sort()).toEqual(eager);
    const env = await withEnv('DBT_INDIRECT_SELECTION', 'sometimes', () => sm('test', '--project-dir', dir, '-s', 'b'));
    expect(env.code).toBe(2);
    expect(env.out + env.err).toContain('DBT_INDIRECT_SELECTION must be eager, cautious, buildable or empty, not "sometimes"');
    writeFileSync(project, `${base}\nflags:\n  indirect_selection: sometimes\n`);
    const bad = await sm('test', '--project-dir', dir, '-s', 'b');
    expect(bad.code).toBe(2);
    expect(bad.out + bad.err).toContain('flags: indirect_selection must be eager, cautious, buildable or empty, not the string "sometimes"');
  });

  it('flags must be a mapping (exit 2, as dbt stops); a flag neither dbt nor sm knows is a warning and the command goes on', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select 1 as id' });
    const project = join(dir, 'sm_project.yml');
    const base = readFileSync(project, 'utf8');
    writeFileSync(project, `${base}\nflags: [fail_fast]\n`);
    const list = await sm('run', '--project-dir', dir);
    expect(list.code).toBe(2);
    expect(list.out + list.err).toMatch(/sm_project\.yml:\d+:\d+: `flags` must be a mapping such as \{fail_fast: true\}, not a list/);
    writeFileSync(project, `${base}\nflags:\n  fail_fats: true\n  send_anonymous_usage_stats: false\n`);
    const typo = await sm('run', '--project-dir', dir);
    expect(typo.code).toBe(0);
    expect(typo.out + typo.err).toContain('flags: fail_fats is not a flag dbt 1.11 or sm reads; it is ignored');
    expect(typo.out + typo.err).not.toContain('send_anonymous_usage_stats is not');
  });
});

describe('names with spaces, as dbt 1.11 treats them', () => {
  it('refuses a model whose name has a space (exit 2, naming the file), unless flags: {require_resource_names_without_spaces: false} makes it a warning', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/my model.sql': 'select 1 as id', 'models/ok.sql': 'select 2 as id' });
    const refused = await sm('run', '--project-dir', dir);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('models/my model.sql');
    expect(refused.err).toContain('Resource names cannot contain spaces: model "my model"');
    writeFileSync(join(dir, 'sm_project.yml'), 'name: demo\nprofile: demo\nflags:\n  require_resource_names_without_spaces: false\n');
    const allowed = await sm('run', '--project-dir', dir);
    expect(allowed.code, allowed.err).toBe(0);
    expect(allowed.out + allowed.err).toContain('has a space in its name');
    expect(results(dir)).toEqual({ 'my model': 'success', ok: 'success' });
  });
});

describe('the project file', () => {
  it('reads sm_project.yml over dbt_project.yml and says the second is ignored', async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'sm_project.yml': 'name: demo\nprofile: demo\n', 'dbt_project.yml': 'name: other\nprofile: demo\n', 'models/m.sql': 'select 1 as id' });
    const r = await sm('ls', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('demo.m');
    expect(r.err).toContain('Both sm_project.yml and dbt_project.yml are here: sm reads sm_project.yml and ignores dbt_project.yml');
  });
});
