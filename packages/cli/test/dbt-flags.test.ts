import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: demo.duckdb\n      schema: main\n      threads: 1\n';

// Each answer below is dbt-core 1.11.16's (dbt-duckdb 1.11.1) on the same project: -q prints
// nothing on success and exits 0; -m selects as -s; --warn-error turns the empty-selection
// warning into a compilation error (exit 2) and a test that warns into an error (exit 1);
// --target-path is relative to the project directory.
const files = {
  'profiles.yml': PROFILE,
  'models/a.sql': 'select 1 as id',
  'models/b.sql': "select * from {{ ref('a') }}",
  'tests/warns.sql': "{{ config(severity='warn') }} select * from {{ ref('a') }}",
};

describe("dbt's everyday flags", () => {
  it('every no-op flag is accepted and the run is the same: exit 0, both models built', async () => {
    const dir = writeProject(files);
    const r = await sm('run', '--project-dir', dir, '-x', '--log-level', 'debug', '--log-path', 'logs', '--no-partial-parse', '--no-use-colors', '--no-print', '--no-version-check', '--no-static-parser', '--no-write-json', '--no-send-anonymous-usage-stats', '--no-populate-cache');
    expect(r.code).toBe(0);
    expect(r.out).toContain('OK=2');
    // --no-write-json is ignored on purpose: sm retry and --state read these.
    expect(existsSync(join(dir, 'target', 'run_results.json'))).toBe(true);
    const again = await sm('run', '--project-dir', dir, '--partial-parse', '--use-colors', '--print', '--write-json', '--static-parser', '--version-check', '--fail-fast', '--no-fail-fast', '-f');
    expect(again.code).toBe(0);
    expect(again.out).toContain('OK=2');
  });

  it('-q prints nothing on success, and still prints ls output', async () => {
    const dir = writeProject(files);
    const r = await sm('run', '--project-dir', dir, '-q');
    expect(r).toEqual({ code: 0, out: '', err: '' });
    // (-m beside --resource-type is dbt 1.11's usage error: ls -m lists models only.)
    const l = await sm('ls', '--project-dir', dir, '-m', 'a', '-q');
    expect(l.out).toBe('demo.a');
  });

  it('-m, --models and --model select as -s does', async () => {
    const dir = writeProject(files);
    for (const flag of ['-m', '--models', '--model']) {
      const r = await sm('ls', '--project-dir', dir, flag, 'b', '--output', 'name');
      expect(r.out).toBe('b');
    }
  });

  it('--warn-error: an empty selection is an error (exit 2, nothing run), a warning test fails the run (exit 1)', async () => {
    const dir = writeProject(files);
    const empty = await sm('run', '--project-dir', dir, '-s', 'nothing_here', '--warn-error');
    expect(empty.code).toBe(2);
    expect(empty.out + empty.err).toContain("The selection criterion 'nothing_here' does not match any enabled nodes");
    expect((await sm('run', '--project-dir', dir)).code).toBe(0);
    expect((await sm('test', '--project-dir', dir, '-s', 'warns')).code).toBe(0);
    const warned = await sm('test', '--project-dir', dir, '-s', 'warns', '--warn-error');
    expect(warned.code).toBe(1);
  });

  it('--target-path (and DBT_TARGET_PATH) put the artifacts there, relative to the project directory', async () => {
    const dir = writeProject(files);
    const r = await sm('compile', '--project-dir', dir, '--target-path', 'ci-target');
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'ci-target', 'manifest.json'), 'utf8')).nodes['model.demo.b']).toBeDefined();
    expect(readFileSync(join(dir, 'ci-target', 'compiled', 'demo', 'models', 'b.sql'), 'utf8')).toContain('"a"');
    expect(existsSync(join(dir, 'target', 'manifest.json'))).toBe(false);
    const run = await sm('run', '--project-dir', dir, '--target-path', join(dir, 'abs-target'));
    expect(run.code).toBe(0);
    expect(existsSync(join(dir, 'abs-target', 'run_results.json'))).toBe(true);
    // sm retry reads the last run's results where that run wrote them.
    const retry = await sm('retry', '--project-dir', dir, '--target-path', join(dir, 'abs-target'));
    expect(retry.code).toBe(0);
    expect(retry.out).toContain('Nothing to retry');
    process.env.DBT_TARGET_PATH = 'env-target';
    try {
      expect((await sm('compile', '--project-dir', dir)).code).toBe(0);
    } finally {
      delete process.env.DBT_TARGET_PATH;
    }
    expect(existsSync(join(dir, 'env-target', 'manifest.json'))).toBe(true);
  });

  it('global flags before the command (dbt --log-format json --no-partial-parse ls ...) work as after it', async () => {
    const dir = writeProject(files);
    const r = await sm('--log-format', 'json', '--no-partial-parse', '--debug', 'ls', '--project-dir', dir, '-s', 'b', '--output', 'name');
    expect(r.code).toBe(0);
    // In a JSON log each listed node is dbt's PrintEvent.
    expect((JSON.parse(r.out) as { data: { msg: string } }).data.msg).toBe('b');
    expect((await sm('--log-format', 'default', 'run', '--project-dir', dir, '-s', 'a')).out).toContain('OK=1');
  });

  it('--profile reads another profile of profiles.yml, as dbt', async () => {
    const other = 'other:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: other.duckdb\n      schema: elsewhere\n      threads: 1\n';
    const dir = writeProject({ ...files, 'profiles.yml': PROFILE + other });
    expect((await sm('run', '--project-dir', dir, '--profile', 'other', '-s', 'a')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')).nodes['model.demo.a'].schema).toBe('elsewhere');
    const missing = await sm('run', '--project-dir', dir, '--profile', 'nope');
    expect(missing.code).toBe(2);
  });


  it("dbt's other per-command flags are accepted: seed --show, run --indirect-selection, compile --threads -x -f", async () => {
    const dir = writeProject({ ...files, 'seeds/s.csv': 'id\n1\n' });
    expect((await sm('seed', '--project-dir', dir, '--show')).code).toBe(0);
    expect((await sm('run', '--project-dir', dir, '--indirect-selection', 'cautious', '--record-timing-info', 'timing.prof', '--no-use-experimental-parser')).code).toBe(0);
    expect((await sm('compile', '--project-dir', dir, '--threads', '4', '-x', '-f')).code).toBe(0);
  });

  // Recorded from dbt 1.11.16: `dbt test --full-refresh` and `dbt snapshot --full-refresh` exit 2 ("No such option"); run, seed, build take it.
  it.each(['test', 'snapshot'])('%s --full-refresh is a usage error, exit 2, as in dbt', async (cmd) => {
    const dir = writeProject(files);
    const r = await sm(cmd, '--project-dir', dir, '--full-refresh');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--full-refresh');
    expect((await sm(cmd, '--project-dir', dir, '-f')).code).toBe(2);
  });

  // dbt 1.11.16 (recorded): require-dbt-version ">=2.0.0" stops parse (exit 2); with --no-version-check it parses (exit 0). sm ignored the flag.
  it('--no-version-check (or DBT_VERSION_CHECK=false, or flags: {version_check: false}) skips require-dbt-version', async () => {
    const dir = writeProject({ ...files, 'sm_project.yml': 'name: demo\nprofile: demo\nrequire-dbt-version: ">=2.0.0"\n' });
    const checked = await sm('parse', '--project-dir', dir);
    expect(checked.code).toBe(2);
    expect(checked.err).toContain('"demo" requires dbt >=2.0.0');
    expect(checked.err).toMatch(/Widen require-dbt-version in sm_project\.yml .*--no-version-check/);
    expect((await sm('parse', '--project-dir', dir, '--no-version-check')).code).toBe(0);
    process.env.DBT_VERSION_CHECK = 'false';
    try {
      expect((await sm('parse', '--project-dir', dir)).code).toBe(0);
      expect((await sm('parse', '--project-dir', dir, '--version-check')).code).toBe(2);
    } finally {
      delete process.env.DBT_VERSION_CHECK;
    }
    const flagged = writeProject({ ...files, 'sm_project.yml': 'name: demo\nprofile: demo\nrequire-dbt-version: ">=2.0.0"\nflags:\n  version_check: false\n' });
    expect((await sm('parse', '--project-dir', flagged)).code).toBe(0);
  });
});
