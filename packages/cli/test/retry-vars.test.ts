import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '@smsql/test-kit';
import { sm } from './run-cli.ts';

const PROFILE = 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/demo.duckdb\n      schema: main\n      threads: 1\n';

// Recorded from dbt 1.11.16 (dbt-duckdb 1.11.1), 7 Dec 2026, on the same files: after `dbt run --vars '{src: nowhere2}'`
// fails, `dbt retry` fails on nowhere2 (the last run's vars), and `dbt retry --vars '{src: nowhere3}'` on nowhere3.
// fivetran/dbt_github: a build with --vars disabling the label models, one model fixed, then `retry`: dbt passes, sm failed.
describe('sm retry', () => {
  it("runs again with the last run's --vars, unless given its own", async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/x.sql': "select * from {{ var('src', 'nowhere_at_all') }}" });
    const run = (...argv: string[]) => sm(...argv, '--project-dir', dir);
    expect((await run('run', '--vars', '{src: nowhere2}')).code).toBe(1);
    const again = await run('retry');
    expect(again.code).toBe(1);
    expect(again.out + again.err).toContain('nowhere2');
    expect(again.out + again.err).not.toContain('nowhere_at_all');
    const own = await run('retry', '--vars', '{src: nowhere3}');
    expect(own.code).toBe(1);
    expect(own.out + own.err).toContain('nowhere3');
  });

  // Recorded from dbt 1.11.16: `dbt run --target prod` fails, the model is fixed, `dbt retry` builds it in prod's database.
  it("runs again on the last run's --target", async () => {
    const profiles = 'demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: dev.duckdb, schema: main, threads: 1}\n    prod: {type: duckdb, path: prod.duckdb, schema: main, threads: 1}\n';
    const dir = writeProject({ 'profiles.yml': profiles, 'models/x.sql': 'select * from nowhere_at_all' });
    expect((await sm('run', '--target', 'prod', '--project-dir', dir)).code).toBe(1);
    writeFileSync(join(dir, 'models/x.sql'), 'select 1 as id');
    const r = await sm('retry', '--project-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('on target prod');
    expect(existsSync(join(dir, 'dev.duckdb'))).toBe(false);
  });

  // Recorded from dbt 1.11.16 (dbt-duckdb 1.11.1), 7 Dec 2026: after `dbt run --target t2 --threads 3 --empty`
  // fails, `dbt retry --target t1` runs on t2 ("Concurrency: 3 threads (target='t2')") and its
  // run_results args read target t2, threads 3, empty true; `dbt retry --threads 2` runs on 2 threads;
  // after `dbt test --store-failures`, `dbt retry` stores failures again (args store_failures true).
  it("keeps the last run's --target, --threads, --empty and --store-failures; only --vars and --threads given to retry win", async () => {
    const profiles = 'demo:\n  target: t1\n  outputs:\n    t1: {type: duckdb, path: t1.duckdb, schema: main, threads: 1}\n    t2: {type: duckdb, path: t2.duckdb, schema: main, threads: 1}\n';
    const dir = writeProject({ 'profiles.yml': profiles, 'models/a.sql': 'select 1 as id', 'models/b.sql': "select * from {{ ref('a') }} where id = (select 1 from nowhere_y)" });
    const args = () => (JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown> }).args;
    expect((await sm('run', '--target', 't2', '--threads', '3', '--empty', '--project-dir', dir)).code).toBe(1);
    writeFileSync(join(dir, 'models/b.sql'), "select * from {{ ref('a') }}");
    const r = await sm('retry', '--target', 't1', '--project-dir', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("Retrying with the last run's --target t2");
    expect(r.out).toContain('on target t2');
    expect(args()).toMatchObject({ target: 't2', threads: 3, empty: true });
    expect(existsSync(join(dir, 't1.duckdb'))).toBe(false);
    writeFileSync(join(dir, 'models/b.sql'), "select * from {{ ref('a') }} where id = (select 1 from nowhere_z)");
    expect((await sm('run', '--target', 't2', '--threads', '3', '--project-dir', dir)).code).toBe(1);
    writeFileSync(join(dir, 'models/b.sql'), "select * from {{ ref('a') }}");
    expect((await sm('retry', '--threads', '2', '--project-dir', dir)).code).toBe(0);
    expect(args()).toMatchObject({ target: 't2', threads: 2 });
    mkdirSync(join(dir, 'tests'), { recursive: true });
    writeFileSync(join(dir, 'tests/t_fail.sql'), "select 1 as x from {{ ref('a') }}");
    expect((await sm('test', '--store-failures', '--target', 't2', '--project-dir', dir)).code).toBe(1);
    const again = await sm('retry', '--project-dir', dir);
    expect(again.code).toBe(1);
    expect(args()).toMatchObject({ store_failures: true });
  });

  // Recorded from dbt 1.11.16: `dbt run --profile p` writes args.profile "p" (absent without --profile),
  // and retry, which reuses the last run's arguments, reads that profile again.
  it("records --profile in run_results.json and retries with it", async () => {
    const profiles = 'demo:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: demo.duckdb, schema: main, threads: 1}\nother:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: other.duckdb, schema: main, threads: 1}\n';
    const dir = writeProject({ 'profiles.yml': profiles, 'models/x.sql': 'select * from nowhere_at_all' });
    const args = () => (JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown> }).args;
    expect((await sm('run', '--project-dir', dir)).code).toBe(1);
    expect(args()).not.toHaveProperty('profile');
    expect((await sm('run', '--profile', 'other', '--project-dir', dir)).code).toBe(1);
    expect(args()).toMatchObject({ profile: 'other' });
    writeFileSync(join(dir, 'models/x.sql'), 'select 1 as id');
    rmSync(join(dir, 'demo.duckdb'), { force: true });
    expect((await sm('retry', '--project-dir', dir)).code).toBe(0);
    expect(args()).toMatchObject({ profile: 'other' });
    expect(existsSync(join(dir, 'other.duckdb'))).toBe(true);
    expect(existsSync(join(dir, 'demo.duckdb'))).toBe(false);
  });

  // Recorded from dbt 1.11.16 (dbt-duckdb 1.11.1), 7 Dec 2026: a and b read missing tables, c, d, e
  // are fine. `dbt build --fail-fast --threads 1` errors on a (b errors too or is skipped, as the
  // pool goes), skips d and e "due to fail_fast"; `dbt retry` keeps fail_fast (args fail_fast true,
  // threads 1): a errors again and d and e are skipped once more, never built. fivetran/dbt_jira:
  // a retry after a fail-fast build built 26 nodes dbt skipped.
  it("keeps the last run's --fail-fast", async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/a.sql': 'select * from nowhere_a', 'models/b.sql': 'select * from nowhere_b', 'models/c.sql': 'select 1 as id', 'models/d.sql': 'select 1 as id', 'models/e.sql': 'select 1 as id' });
    const results = () => JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown>; results: { unique_id: string; status: string }[] };
    const status = (id: string) => results().results.find((r) => r.unique_id === `model.demo.${id}`)?.status;
    expect((await sm('build', '--fail-fast', '--threads', '1', '--project-dir', dir)).code).toBe(1);
    expect([status('a'), status('d'), status('e')]).toEqual(['error', 'skipped', 'skipped']);
    const r = await sm('retry', '--project-dir', dir);
    expect(r.code).toBe(1);
    expect(results().args).toMatchObject({ fail_fast: true, threads: 1 });
    expect([status('a'), status('d'), status('e')]).toEqual(['error', 'skipped', 'skipped']);
  });
  // Recorded from dbt 1.11.16 (dbt-duckdb 1.11.1), 7 Dec 2026: `dbt build -s ok bad2` with bad2 failing, bad2
  // fixed, `dbt retry` builds bad2 alone and its run_results args keep select ['ok', 'bad2']; a second
  // `dbt retry` prints "Nothing to do" and rewrites run_results.json with no results (args which build,
  // select ['ok', 'bad2']), exit 0. fivetran/dbt_shopify: sm left the last run's results in place.
  it("writes run_results.json with the last run's selection, and with no results when nothing is left to retry", async () => {
    const dir = writeProject({ 'profiles.yml': PROFILE, 'models/ok.sql': 'select 1 as id', 'models/bad2.sql': 'select nope_col', 'models/other.sql': 'select 2 as id' });
    const results = () => JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown>; results: { unique_id: string }[] };
    expect((await sm('build', '-s', 'ok', 'bad2', '--exclude', 'other', '--project-dir', dir)).code).toBe(1);
    writeFileSync(join(dir, 'models/bad2.sql'), 'select 1 as id');
    expect((await sm('retry', '--project-dir', dir)).code).toBe(0);
    expect(results().results.map((r) => r.unique_id)).toEqual(['model.demo.bad2']);
    expect(results().args).toMatchObject({ which: 'build', select: ['ok', 'bad2'], exclude: ['other'] });
    const again = await sm('retry', '--project-dir', dir);
    expect(again.code).toBe(0);
    expect(again.out).toContain('Nothing to do');
    expect(results().results).toEqual([]);
    expect(results().args).toMatchObject({ which: 'build', select: ['ok', 'bad2'] });
  });
});
