import { existsSync, writeFileSync } from 'node:fs';
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
});
